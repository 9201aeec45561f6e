// Faulting pages in on the kernel's behalf: MAP_POPULATE, mlock and
// MADV_POPULATE_(READ|WRITE). Linux: mm/gup.c (__get_user_pages,
// populate_vma_page_range, __mm_populate, faultin_page, follow_page_pte).
import { ENTRIES } from '../hw/page_table.js';
import { PTE_DIRTY, PTE_PRESENT, PTE_RW, PTE_SPECIAL } from '../hw/pte.js';
import { FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_REMOTE, FAULT_FLAG_WRITE, VM_FAULT_ERROR, VM_FAULT_OOM, VM_FAULT_SIGBUS } from './fault.js';
import { folioMarkAccessed, folioMarkDirty } from './filemap.js';
import { lruAddDrain } from './lru_cache.js';
import type { Kernel } from './kernel.js';
import type { Vma } from './mm_types.js';
import { PG_anon, PG_dirty, PG_hugetlb, PG_zero } from './page.js';
import type { Task } from './task.js';
import { faultWithRetry, type FaultCaller } from './user_fault.js';
import { VM_ACCESS_FLAGS, VM_IO, VM_LOCKONFAULT, VM_PFNMAP, VM_SHARED, VM_WRITE } from './vm_flags.js';
import { EFAULT, ENOMEM } from './errno.js';

/**
 * Faults in [start, end) of one VMA as get_user_pages does: each page not
 * yet mapped (or not writable, for a write) takes a fault; each page found
 * is marked accessed (FOLL_TOUCH). `caller` says how a fault is retried
 * (FaultCaller). Returns 0 or a negative errno.
 */
export function getUserPages(k: Kernel, task: Task, vma: Vma, start: number, end: number, write: boolean, caller: FaultCaller = 'gup'): number {
  // Populating drains this CPU's folio batches (seen on Linux 6.18: MADV_POPULATE_*, MAP_POPULATE).
  lruAddDrain(k);
  const pt = k.pt;
  const mm = task.mm!;
  for (let addr = start; addr < end; addr += 4096) {
    for (let attempt = 0; ; attempt++) {
      const e = pt.walk(mm.pgd, Math.floor(addr / 4096));
      if (e >= 0) {
        const f = pt.flags[e]!;
        if (f & PTE_PRESENT && (!write || f & PTE_RW)) {
          const pfn = pt.walkLevel === 1 ? pt.val[e]! : pt.val[e]! + (Math.floor(addr / 4096) % (pt.walkLevel === 2 ? ENTRIES : ENTRIES * ENTRIES));
          if (!(f & PTE_SPECIAL)) {
            const p = k.pages;
            const head = p.folioOf(pfn);
            if (!(p.flags[head]! & (PG_zero | PG_hugetlb))) {
              // follow_page_pte() with FOLL_TOUCH: a write dirties the folio
              // unless the PTE or the folio is dirty already.
              if (write && !(f & PTE_DIRTY) && !(p.flags[head]! & PG_dirty)) {
                const inode = p.flags[head]! & PG_anon ? undefined : k.inodes.get(p.mapping[head]!);
                if (inode) folioMarkDirty(k, inode, head);
                else p.flags[head] |= PG_dirty;
              }
              folioMarkAccessed(k, head);
            }
          }
          break;
        }
      }
      if (attempt > 2) return -EFAULT;
      const flags = FAULT_FLAG_REMOTE | FAULT_FLAG_ALLOW_RETRY | (write ? FAULT_FLAG_WRITE : 0);
      const ret = faultWithRetry(k, task, vma, addr, flags, caller);
      if (ret & VM_FAULT_OOM) return -ENOMEM;
      if (ret & (VM_FAULT_SIGBUS | VM_FAULT_ERROR)) return -EFAULT;
    }
  }
  return 0;
}

/**
 * populate_vma_page_range(): private writable mappings are populated with
 * write faults (breaking COW now), others with read faults; PROT_NONE is
 * refused with EFAULT; VM_LOCKONFAULT populates nothing.
 */
export function populateVmaPageRange(k: Kernel, task: Task, vma: Vma, start: number, end: number): number {
  if (vma.flags & VM_LOCKONFAULT) return 0;
  if ((vma.flags & VM_ACCESS_FLAGS) === 0) return -EFAULT;
  const write = (vma.flags & (VM_WRITE | VM_SHARED)) === VM_WRITE;
  return getUserPages(k, task, vma, start, end, write, 'populate');
}

/**
 * __mm_populate(): populates every VMA intersecting [start, start+len).
 * With `ignoreErrors` (MAP_POPULATE) failures are skipped; otherwise the
 * first error is returned.
 */
export function mmPopulate(k: Kernel, task: Task, start: number, len: number, ignoreErrors: boolean): number {
  const mm = task.mm!;
  const end = start + len;
  for (let nstart = start; nstart < end; ) {
    const vma = mm.findVma(nstart);
    if (!vma || vma.start >= end) break;
    const nend = Math.min(end, vma.end);
    if (vma.flags & (VM_IO | VM_PFNMAP)) {
      nstart = nend;
      continue;
    }
    const s = Math.max(nstart, vma.start);
    const ret = populateVmaPageRange(k, task, vma, s, nend);
    if (ret < 0 && !ignoreErrors) return ret;
    nstart = nend;
  }
  return 0;
}
