// msync(2). Linux: mm/msync.c. MS_SYNC writes back the dirty pages of shared
// file mappings in the range (vfs_fsync_range); MS_ASYNC does nothing on
// current kernels (dirty pages are already tracked); MS_INVALIDATE only
// refuses locked mappings.
import { ENTRIES } from '../hw/page_table.js';
import { PTE_DIRTY, PTE_RW } from '../hw/pte.js';
import { EBUSY, EINVAL, ENOMEM } from './errno.js';
import { writebackRange } from './filemap.js';
import type { Inode } from './fs.js';
import type { Kernel } from './kernel.js';
import { ptePresent } from './memory.js';
import { pmdHuge, pmdLookup, pmdNone } from './pgtable.js';
import { rmapWalk } from './rmap.js';
import type { Task } from './task.js';
import { VM_LOCKED, VM_SHARED } from './vm_flags.js';

export const MS_ASYNC = 1;
export const MS_INVALIDATE = 2;
export const MS_SYNC = 4;

/**
 * folio_mkclean(): before writeback, every shared PTE mapping the folio is
 * made clean and read-only, so the next write faults and redirties it.
 */
export function folioMkclean(k: Kernel, head: number): void {
  const pt = k.pt;
  const n = k.pages.nrPages(head);
  for (let i = 0; i < n; i++) {
    rmapWalk(k, head + i, (vma, addr) => {
      if (!(vma.flags & VM_SHARED)) return;
      const pmdE = pmdLookup(k, vma.mm, addr);
      if (pmdE < 0 || pmdNone(k, pmdE)) return;
      if (pmdHuge(k, pmdE)) {
        if (pt.val[pmdE] === head) pt.flags[pmdE] = pt.flags[pmdE]! & ~(PTE_DIRTY | PTE_RW);
        return;
      }
      const e = pt.val[pmdE]! * ENTRIES + (Math.floor(addr / 4096) & 511);
      if (ptePresent(pt.flags[e]!) && pt.val[e] === head + i) {
        pt.flags[e] = pt.flags[e]! & ~(PTE_DIRTY | PTE_RW);
        k.tlb.flushPage(vma.mm, addr);
      }
    });
  }
}

/** Writes back [first, last] of a file, write-protecting shared mappings (fsync / sync_file_range). */
export function fsyncRange(k: Kernel, inode: Inode, first: number, last: number): number {
  return writebackRange(k, inode, first, last, (head) => folioMkclean(k, head));
}

/** msync(2); holes make it fail with ENOMEM after syncing what is mapped. */
export function sysMsync(k: Kernel, task: Task, start: number, len: number, flags: number): number {
  if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
  if (start % 4096 !== 0) return -EINVAL;
  if (flags & MS_ASYNC && flags & MS_SYNC) return -EINVAL;
  len = Math.ceil(len / 4096) * 4096;
  const end = start + len;
  if (end === start) return 0;
  const mm = task.mm!;
  let unmappedError = 0;
  let vma = mm.findVma(start);
  for (;;) {
    if (!vma) return -ENOMEM;
    if (start < vma.start) {
      if (flags === MS_ASYNC) return -ENOMEM;
      start = vma.start;
      if (start >= end) return -ENOMEM;
      unmappedError = -ENOMEM;
    }
    if (flags & MS_INVALIDATE && vma.flags & VM_LOCKED) return -EBUSY;
    const fstart = vma.pageIndex(start);
    const fend = vma.pageIndex(Math.min(end, vma.end)) - 1;
    start = vma.end;
    if (flags & MS_SYNC && vma.file && vma.flags & VM_SHARED) {
      fsyncRange(k, vma.file.inode, fstart, fend);
      if (start >= end) return unmappedError;
    } else if (start >= end) return unmappedError;
    vma = mm.findVma(start);
  }
}
