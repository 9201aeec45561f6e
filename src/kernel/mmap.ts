// mmap, munmap and tearing down an address space. Linux: mm/mmap.c
// (do_mmap, exit_mmap), mm/vma.c (__mmap_region, do_vmi_munmap,
// vms_gather_munmap_vmas, vms_complete_munmap_vmas, unmap_region),
// mm/shmem.c (shmem_zero_setup), arch/x86/kernel/sys_x86_64.c.
import { roundUp } from '../hw/addr.js';
import { EACCES, EEXIST, EINVAL, ENOMEM, EOVERFLOW, EPERM } from './errno.js';
import { cachedFolios, filemapRemoveFolio } from './filemap.js';
import { OpenFile, type Inode } from './fs.js';
import { ext4ReleaseFile } from './fs_writeback.js';
import { mmPopulate } from './gup.js';
import type { Kernel } from './kernel.js';
import { zapPageRange } from './memory.js';
import { Vma, type Mm, type VmaKind } from './mm_types.js';
import { freePgtables } from './pgtable.js';
import { MAP_HUGE_MASK, MAP_HUGE_SHIFT, hstateInode, hstateSizelog, hugetlbEvictInode, hugetlbFileSetup, hugetlbReservePages, hugetlbSplitOk, hugetlbVmaClose } from './hugetlb.js';
import { lruAddDrain } from './lru_cache.js';
import type { Task } from './task.js';
import { MmuGather } from './tlbflush.js';
import { vmEnoughMemory, vmUnacctMemory, OVERCOMMIT_NEVER } from './util.js';
import {
  VM_ACCOUNT,
  VM_DONTEXPAND,
  VM_EXEC,
  VM_GROWSDOWN,
  VM_HUGETLB,
  VM_LOCKED,
  VM_LOCKED_MASK,
  VM_MAYEXEC,
  VM_MAYREAD,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_NORESERVE,
  VM_READ,
  VM_SHARED,
  VM_SPECIAL,
  VM_WRITE,
} from './vm_flags.js';
import { splitVma, vmStatAccount, vmaLink, vmaMergeNew, vmaSetPageProt, vmaUnlink } from './vma.js';

export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_SHARED_VALIDATE = 0x03;
export const MAP_TYPE = 0x0f;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_GROWSDOWN = 0x100;
export const MAP_LOCKED = 0x2000;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_NONBLOCK = 0x10000;
export const MAP_STACK = 0x20000;
export const MAP_HUGETLB = 0x40000;
export const MAP_FIXED_NOREPLACE = 0x100000;

/** Arguments of mmap(2). `file` is null for MAP_ANONYMOUS. */
export interface MmapArgs {
  addr: number;
  len: number;
  prot: number;
  flags: number;
  file: OpenFile | null;
  /** File offset in bytes. */
  offset: number;
}

/** calc_vm_prot_bits(): PROT_* to VM_READ/WRITE/EXEC. */
export function protToVmFlags(prot: number): number {
  return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
}

/** accountable_mapping(): private writable mappings are charged to Committed_AS. */
function accountableMapping(flags: number): boolean {
  // hugetlbfs mappings reserve huge pages instead (HugePages_Rsvd).
  return (flags & (VM_NORESERVE | VM_SHARED | VM_WRITE | VM_HUGETLB)) === VM_WRITE;
}

/** Top-down search for a free range of `len` bytes below mmap_base (vm_unmapped_area). */
export function getUnmappedArea(k: Kernel, mm: Mm, len: number, hint: number): number {
  if (len > mm.taskSize) return -ENOMEM;
  if (hint) {
    const a = roundUp(Math.max(hint, k.mmapMinAddr), 4096);
    if (a + len <= mm.taskSize && !overlaps(mm, a, a + len)) return a;
  }
  let top = mm.mmapBase || mm.taskSize;
  for (let i = mm.vmas.length - 1; i >= 0; i--) {
    const v = mm.vmas[i]!;
    if (v.start >= top) continue;
    if (top - v.end >= len) return top - len;
    top = v.start;
  }
  return top - k.mmapMinAddr >= len ? top - len : -ENOMEM;
}

/** True if any VMA intersects [start, end) (find_vma_intersection). */
function overlaps(mm: Mm, start: number, end: number): boolean {
  const v = mm.findVma(start);
  return v !== null && v.start < end;
}

/**
 * do_mmap(): creates a mapping and returns its address, or a negative
 * errno. Checks follow the kernel's order; MAP_FIXED replaces what was there,
 * MAP_FIXED_NOREPLACE fails with EEXIST instead.
 */
export function doMmap(k: Kernel, task: Task, a: MmapArgs): number {
  const mm = task.mm!;
  if (a.offset % 4096 !== 0) return -EINVAL;
  // ksys_mmap_pgoff(): MAP_HUGETLB without a file maps a new file on the
  // internal hugetlbfs mount; hugetlbfs lengths round up to huge pages.
  let hugetlb = a.file !== null && a.file.inode.fs === 'hugetlbfs';
  if (a.flags & MAP_HUGETLB && !hugetlb) {
    if (!(a.flags & MAP_ANONYMOUS) && a.file !== null) return -EINVAL;
    // MAP_HUGE_2MB, MAP_HUGE_4MB (i386), MAP_HUGE_1GB: log2 of the size in bits 26-31; 0 is the default size.
    const h = hstateSizelog(k, Math.floor(a.flags / 2 ** MAP_HUGE_SHIFT) & MAP_HUGE_MASK);
    if (!h) return -EINVAL;
    hugetlb = true;
    const len = Math.ceil(a.len / h.sizeBytes) * h.sizeBytes;
    a = { ...a, file: new OpenFile(hugetlbFileSetup(k, len, h), true, 0), offset: 0, flags: a.flags & ~MAP_ANONYMOUS };
  }
  const hsize = hugetlb ? hstateInode(k, a.file!.inode).sizeBytes : 0;
  if (hugetlb) a = { ...a, len: Math.ceil(a.len / hsize) * hsize };
  if (a.len === 0) return -EINVAL;
  const len = roundUp(a.len, 4096);
  if (len === 0 || len > mm.taskSize) return -ENOMEM;
  const anon = (a.flags & MAP_ANONYMOUS) !== 0 || a.file === null;
  let pgoff = a.offset / 4096;
  if (pgoff + len / 4096 > 2 ** 52) return -EOVERFLOW;
  if (mm.mapCount > k.maxMapCount) return -ENOMEM;
  const fixed = (a.flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
  let addr: number;
  if (fixed) {
    if (a.addr % 4096 !== 0) return -EINVAL;
    // hugetlb_get_unmapped_area(): a fixed address must be huge-page aligned.
    if (hugetlb && a.addr % hsize !== 0) return -EINVAL;
    if (a.addr > mm.taskSize - len) return -ENOMEM;
    if (a.addr < k.mmapMinAddr) return -EPERM;
    addr = a.addr;
    if (a.flags & MAP_FIXED_NOREPLACE && overlaps(mm, addr, addr + len)) return -EEXIST;
  } else if (hugetlb) {
    addr = getUnmappedArea(k, mm, len + hsize, a.addr && roundUp(a.addr, hsize));
    if (addr < 0) return addr;
    addr = roundUp(addr, hsize);
  } else {
    addr = getUnmappedArea(k, mm, len, a.addr);
    if (addr < 0) return addr;
  }
  let vmFlags = protToVmFlags(a.prot) | mm.defFlags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  if (a.flags & MAP_LOCKED) vmFlags |= VM_LOCKED;
  const type = a.flags & MAP_TYPE;
  let kind: VmaKind;
  if (!anon) {
    const f = a.file!;
    if (type === MAP_SHARED || type === MAP_SHARED_VALIDATE) {
      if (a.prot & PROT_WRITE && !f.writable) return -EACCES;
      vmFlags |= VM_SHARED | VM_MAYSHARE;
      if (!f.writable) vmFlags &= ~(VM_MAYWRITE | VM_SHARED);
    } else if (type !== MAP_PRIVATE) return -EINVAL;
    if (a.flags & MAP_GROWSDOWN) return -EINVAL;
    kind = f.inode.isShmem ? 'shmem' : 'file';
  } else {
    if (type === MAP_SHARED || type === MAP_SHARED_VALIDATE) {
      if (a.flags & MAP_GROWSDOWN) return -EINVAL;
      pgoff = 0;
      vmFlags |= VM_SHARED | VM_MAYSHARE;
      kind = 'shmem';
    } else if (type === MAP_PRIVATE) {
      pgoff = addr / 4096;
      kind = 'anon';
    } else return -EINVAL;
    if (a.flags & MAP_GROWSDOWN) vmFlags |= VM_GROWSDOWN;
  }
  if (a.flags & MAP_NORESERVE && (hugetlb || k.machine.overcommitMemory !== OVERCOMMIT_NEVER)) vmFlags |= VM_NORESERVE;
  // hugetlbfs_file_mmap()
  if (hugetlb) vmFlags |= VM_HUGETLB | VM_DONTEXPAND;
  const r = mmapRegion(k, task, a.file, addr, len, vmFlags, pgoff, kind);
  if (r < 0) return r;
  if (vmFlags & VM_LOCKED || (a.flags & (MAP_POPULATE | MAP_NONBLOCK)) === MAP_POPULATE) mmPopulate(k, task, addr, len, true);
  return addr;
}

/**
 * mmap_region(): unmaps whatever MAP_FIXED replaces, charges the commit,
 * then merges with a neighbour or inserts a new VMA.
 */
function mmapRegion(k: Kernel, task: Task, file: OpenFile | null, addr: number, len: number, vmFlags: number, pgoff: number, kind: VmaKind): number {
  const mm = task.mm!;
  const pages = len / 4096;
  // Anything in the way goes first (MAP_FIXED); accounted pages there are released.
  if (overlaps(mm, addr, addr + len)) {
    const r = doMunmap(k, mm, addr, len);
    if (r < 0) return r;
  }
  let charged = 0;
  if (accountableMapping(vmFlags)) {
    charged = pages;
    if (vmEnoughMemory(k, mm, charged) < 0) return -ENOMEM;
    vmFlags |= VM_ACCOUNT;
  }
  let vma: Vma | null = null;
  if (kind === 'anon' || kind === 'file') {
    vma = vmaMergeNew(k, mm, { flags: vmFlags, file, kind, pgoff, start: addr, end: addr + len, anonVma: null, middle: null });
  }
  if (!vma) {
    let f = file;
    if (kind === 'shmem' && !file) {
      // shmem_zero_setup(): a new unlinked shmem file the size of the mapping.
      if (!(vmFlags & VM_NORESERVE) && vmEnoughMemory(k, mm, pages) < 0) {
        if (charged) vmUnacctMemory(k, charged);
        return -ENOMEM;
      }
      const inode = k.fs.shmemZero(len);
      inode.acctPages = vmFlags & VM_NORESERVE ? 0 : pages;
      f = new OpenFile(inode, true, 0);
    }
    vma = new Vma(mm, addr, addr + len, vmFlags, pgoff, kind, f);
    vmaLink(k, vma);
    if (vmFlags & VM_HUGETLB && hugetlbReservePages(k, vma) < 0) {
      vmaUnlink(k, vma);
      releaseFile(k, vma);
      return -ENOMEM;
    }
  }
  vmStatAccount(mm, vmFlags, pages);
  if (vmFlags & VM_LOCKED) {
    if (vmFlags & VM_SPECIAL) vma.flags &= ~VM_LOCKED_MASK;
    else mm.lockedVm += pages;
  }
  vmaSetPageProt(vma);
  mm.updateHiwaterVm();
  return addr;
}

/**
 * munmap(2) / do_vmi_munmap(): unmaps [start, start+len). A range with
 * nothing mapped succeeds. Splitting the first VMA so that a hole is left in
 * its middle fails with ENOMEM at max_map_count.
 */
export function doMunmap(k: Kernel, mm: Mm, start: number, len: number): number {
  if (start % 4096 !== 0 || start > mm.taskSize || len > mm.taskSize - start) return -EINVAL;
  const end = start + roundUp(len, 4096);
  if (end === start) return -EINVAL;
  let i = mm.findIndex(start);
  const first = mm.vmas[i];
  if (!first || first.start >= end) return 0;
  if (start > first.start) {
    if (!hugetlbSplitOk(k, first, start)) return -EINVAL;
    if (end < first.end && mm.mapCount >= k.maxMapCount) return -ENOMEM;
    splitVma(k, first, start, true, true);
    i = mm.findIndex(start);
  }
  const detached: Vma[] = [];
  while (i < mm.vmas.length && mm.vmas[i]!.start < end) {
    const v = mm.vmas[i]!;
    if (v.end > end) {
      if (!hugetlbSplitOk(k, v, end)) return -EINVAL;
      splitVma(k, v, end, false, true);
    }
    detached.push(v);
    i++;
  }
  const firstIdx = mm.vmas.indexOf(detached[0]!);
  const prev = mm.vmas[firstIdx - 1] ?? null;
  const next = mm.vmas[firstIdx + detached.length] ?? null;
  removeVmas(k, mm, detached, prev ? prev.end : 0, next ? next.start : 0);
  return 0;
}

/**
 * Unmaps the pages of `vmas`, frees their page tables within [floor,
 * ceiling), and removes them with their accounting
 * (vms_clear_ptes + vms_complete_munmap_vmas).
 */
export function removeVmas(k: Kernel, mm: Mm, vmas: Vma[], floor: number, ceiling: number, fullmm = false): void {
  mm.updateHiwaterRss();
  mm.updateHiwaterVm();
  // unmap_region(): one mmu_gather for the pages and the page tables, flushed before anything is reused.
  const tlb = new MmuGather(k, mm, fullmm);
  for (const v of vmas) zapPageRange(k, v, v.start, v.end, false, tlb);
  freePgtables(
    k,
    mm,
    vmas.map((v) => [v.start, v.end]),
    floor,
    ceiling,
    tlb,
  );
  tlb.finish();
  let accounted = 0;
  for (const v of vmas) {
    const n = v.nrPages;
    vmStatAccount(mm, v.flags, -n);
    if (v.flags & VM_LOCKED) mm.lockedVm -= n;
    if (v.flags & VM_ACCOUNT) accounted += n;
    if (v.flags & VM_HUGETLB) hugetlbVmaClose(k, v);
    vmaUnlink(k, v);
    releaseFile(k, v);
  }
  if (accounted) vmUnacctMemory(k, accounted);
}

/**
 * Drops a VMA's hold on its file (fput). An unlinked inode nobody maps any
 * more is evicted with its page cache; shmem gives back its commit charge.
 */
export function releaseFile(k: Kernel, v: Vma): void {
  if (!v.file) return;
  const inode = v.file.inode;
  // The VMAs of one mmap (split, merged, forked) share its struct file: the
  // last of them to go is its last fput.
  let last = true;
  for (const x of inode.mmaps) if (x.file === v.file) last = false;
  if (last) ext4ReleaseFile(k, inode);
  maybeEvictInode(k, inode);
}

/** iput_final(): frees an unlinked, unmapped, unopened inode and its cached pages. */
export function maybeEvictInode(k: Kernel, inode: Inode): void {
  if (inode.nlink > 0 || inode.mmaps.size > 0 || inode.openCount > 0) return;
  if (inode.fs === 'hugetlbfs') hugetlbEvictInode(k, inode);
  // truncate_inode_pages_final(): a non-empty folio batch drains this CPU's LRU batches.
  const folios = cachedFolios(k, inode, 0);
  for (const head of folios) filemapRemoveFolio(k, inode, head);
  if (folios.length) lruAddDrain(k);
  if (inode.acctPages) {
    vmUnacctMemory(k, inode.acctPages);
    inode.acctPages = 0;
  }
  k.inodes.delete(inode.id);
}

/** exit_mmap(): unmaps everything, frees all page tables and the PGD. */
export function exitMmap(k: Kernel, mm: Mm): void {
  const vmas = [...mm.vmas];
  if (vmas.length) removeVmas(k, mm, vmas, 0, 0, true);
}
