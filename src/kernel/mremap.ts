// mremap(2): resizing a mapping in place, or moving it with its pages.
// Linux: mm/mremap.c (do_mremap, check_mremap_params, mremap_to, move_vma,
// move_page_tables, get_extent, move_normal_pmd, move_normal_pud, move_ptes,
// vma_expandable), mm/vma.c (copy_vma).
//
// Moving hands page-table pages over whole where it can: a PMD table when a
// whole 1 GiB-aligned PUD range moves, a PTE table when a whole 2 MiB range
// moves; otherwise PTEs move one by one into new tables.
import { PMD_SHIFT, PMD_SIZE, PUD_SIZE, roundUp } from '../hw/addr.js';
import { ENTRIES, pgdIndex, pmdIndex, pudIndex } from '../hw/page_table.js';
import { PTE_PRESENT, PTE_PSE } from '../hw/pte.js';
import { EFAULT, EINVAL, ENOMEM } from './errno.js';
import { mmPopulate } from './gup.js';
import type { Kernel } from './kernel.js';
import { doMunmap, getUnmappedArea } from './mmap.js';
import { Vma, type Mm } from './mm_types.js';
import { LEVEL_PUD, newTable, pmdAlloc, pmdNone, pteAlloc, TABLE_ENTRY } from './pgtable.js';
import { splitHugePmd } from './huge_memory.js';
import { cloneAnonVma } from './rmap.js';
import type { Task } from './task.js';
import { vmEnoughMemory } from './util.js';
import { VM_ACCOUNT, VM_DONTEXPAND, VM_HUGETLB, VM_LOCKED, VM_MAYSHARE, VM_PFNMAP, VM_SHARED } from './vm_flags.js';
import { hstateVma } from './hugetlb.js';
import { vmStatAccount, vmaLink, vmaMergeNew } from './vma.js';

export const MREMAP_MAYMOVE = 1;
export const MREMAP_FIXED = 2;
export const MREMAP_DONTUNMAP = 4;

/** get_extent(): how much can move in one step at the PMD or PUD level. */
function getExtent(size: number, oldAddr: number, oldEnd: number, newAddr: number): number {
  let extent = Math.floor((oldAddr + size) / size) * size - oldAddr;
  if (extent > oldEnd - oldAddr) extent = oldEnd - oldAddr;
  const nextNew = Math.floor((newAddr + size) / size) * size;
  if (extent > nextNew - newAddr) extent = nextNew - newAddr;
  return extent;
}

/** Flat index of the PUD entry for addr if the PUD table exists and the entry is present (get_old_pud). */
function oldPud(k: Kernel, mm: Mm, addr: number): number {
  const pt = k.pt;
  const vpn = Math.floor(addr / 4096);
  const e = mm.pgd * ENTRIES + pgdIndex(vpn);
  if (!(pt.flags[e]! & PTE_PRESENT)) return -1;
  const pe = pt.val[e]! * ENTRIES + pudIndex(vpn);
  return pt.flags[pe]! & PTE_PRESENT ? pe : -1;
}

/** The PUD entry for addr, allocating the PUD table if needed (alloc_new_pud). -1 if out of memory. */
function newPud(k: Kernel, mm: Mm, addr: number): number {
  const pt = k.pt;
  const vpn = Math.floor(addr / 4096);
  const e = mm.pgd * ENTRIES + pgdIndex(vpn);
  if (!(pt.flags[e]! & PTE_PRESENT)) {
    const t = newTable(k, mm, LEVEL_PUD);
    if (t < 0) return -1;
    pt.set(mm.pgd, pgdIndex(vpn), TABLE_ENTRY, t);
  }
  return pt.val[e]! * ENTRIES + pudIndex(vpn);
}

/** move_page_tables(): moves every mapping of [oldAddr, oldAddr+len) to newAddr. */
function movePageTables(k: Kernel, vma: Vma, oldAddr: number, newAddr: number, len: number): void {
  const pt = k.pt;
  const mm = vma.mm;
  const oldEnd = oldAddr + len;
  let extent: number;
  for (; oldAddr < oldEnd; oldAddr += extent, newAddr += extent) {
    extent = getExtent(PUD_SIZE, oldAddr, oldEnd, newAddr);
    const op = oldPud(k, mm, oldAddr);
    if (op < 0) continue;
    const np = newPud(k, mm, newAddr);
    if (np < 0) break;
    if (extent === PUD_SIZE && pt.flags[np] === 0 && pt.val[np] === 0) {
      // move_normal_pud(): the whole PMD table changes hands.
      const table = pt.val[op]!;
      pt.clearEntry(op);
      pt.set(Math.floor(np / ENTRIES), np % ENTRIES, TABLE_ENTRY, table);
      k.tlb.flushRange(mm, oldAddr, oldAddr + PUD_SIZE, false);
      continue;
    }
    extent = getExtent(PMD_SIZE, oldAddr, oldEnd, newAddr);
    const opmd = pt.val[op]! * ENTRIES + pmdIndex(Math.floor(oldAddr / 4096));
    if (pmdNone(k, opmd)) continue;
    const npmd = pmdAlloc(k, mm, newAddr);
    if (npmd < 0) break;
    if (pt.flags[opmd]! & PTE_PSE) {
      if (extent === PMD_SIZE) {
        pt.set(Math.floor(npmd / ENTRIES), npmd % ENTRIES, pt.flags[opmd]!, pt.val[opmd]!);
        const dep = k.deposits.get(opmd);
        if (dep !== undefined) {
          k.deposits.delete(opmd);
          k.deposits.set(npmd, dep);
        }
        pt.clearEntry(opmd);
        // move_huge_pmd(): flush_pmd_tlb_range() of the old address.
        k.tlb.flushRange(mm, oldAddr, oldAddr + PMD_SIZE, false, PMD_SHIFT);
        continue;
      }
      splitHugePmd(k, vma, opmd);
    } else if (extent === PMD_SIZE && pmdNone(k, npmd)) {
      // move_normal_pmd(): the whole PTE table changes hands.
      const table = pt.val[opmd]!;
      pt.clearEntry(opmd);
      pt.set(Math.floor(npmd / ENTRIES), npmd % ENTRIES, TABLE_ENTRY, table);
      k.tlb.flushRange(mm, oldAddr, oldAddr + PMD_SIZE, false);
      continue;
    }
    if (pmdNone(k, opmd)) continue;
    const newTable = pteAlloc(k, mm, npmd);
    if (newTable < 0) break;
    const oldTable = pt.val[opmd]!;
    let forceFlush = false;
    for (let b = 0; b < extent; b += 4096) {
      const os = (Math.floor((oldAddr + b) / 4096) & 511) + oldTable * ENTRIES;
      const f = pt.flags[os]!;
      const v = pt.val[os]!;
      if (f === 0 && v === 0) continue;
      if (f & PTE_PRESENT) forceFlush = true;
      pt.clearEntry(os);
      pt.set(newTable, Math.floor((newAddr + b) / 4096) & 511, f, v);
    }
    // move_ptes(): the old range is flushed if a present PTE moved.
    if (forceFlush) k.tlb.flushRange(mm, oldAddr, oldAddr + extent, false);
  }
}

/**
 * copy_vma(): the VMA that will hold the moved range at newAddr, merged
 * with a neighbour there when possible. The file offset (or anon index)
 * travels with the pages, except that an anonymous VMA never faulted (no
 * anon_vma) takes the index of its new address, to merge more easily.
 */
function copyVma(k: Kernel, vma: Vma, newAddr: number, len: number, pgoff: number): Vma {
  if (vma.kind === 'anon' && !vma.anonVma) pgoff = newAddr / 4096;
  const merged = vmaMergeNew(k, vma.mm, {
    flags: vma.flags,
    file: vma.file,
    kind: vma.kind,
    pgoff,
    start: newAddr,
    end: newAddr + len,
    anonVma: vma.anonVma,
    middle: null,
  });
  if (merged) {
    if (!merged.anonVma && vma.anonVma) cloneAnonVma(k, merged, vma);
    return merged;
  }
  const nv = new Vma(vma.mm, newAddr, newAddr + len, vma.flags, pgoff, vma.kind, vma.file);
  nv.pageProt = vma.pageProt;
  cloneAnonVma(k, nv, vma);
  vmaLink(k, nv);
  return nv;
}

/** move_vma(): moves [oldAddr, +oldLen) of `vma` to newAddr with length newLen. */
function moveVma(k: Kernel, task: Task, vma: Vma, oldAddr: number, oldLen: number, newLen: number, newAddr: number): number {
  const mm = vma.mm;
  if (mm.mapCount >= k.maxMapCount - 3) return -ENOMEM;
  const pgoff = vma.pgoff + (oldAddr - vma.start) / 4096;
  const flags = vma.flags;
  const newVma = copyVma(k, vma, newAddr, newLen, pgoff);
  movePageTables(k, vma, oldAddr, newAddr, oldLen);
  void newVma;
  // Conceal VM_ACCOUNT so the old reservation is not undone by the unmap.
  let accountStart = false;
  let accountEnd = false;
  if (flags & VM_ACCOUNT) {
    vma.flags &= ~VM_ACCOUNT;
    accountStart = vma.start < oldAddr;
    accountEnd = vma.end > oldAddr + oldLen;
  }
  const hiwater = mm.hiwaterVm;
  vmStatAccount(mm, flags, newLen / 4096);
  doMunmap(k, mm, oldAddr, oldLen);
  mm.hiwaterVm = hiwater;
  if (accountStart) mm.findVma(oldAddr - 1)!.flags |= VM_ACCOUNT;
  if (accountEnd) mm.findVma(oldAddr + oldLen)!.flags |= VM_ACCOUNT;
  if (flags & VM_LOCKED) {
    mm.lockedVm += newLen / 4096;
    if (newLen > oldLen) mmPopulate(k, task, newAddr + oldLen, newLen - oldLen, true);
  }
  return newAddr;
}

/**
 * check_prep_vma(): for a resize or move that maps new space, the old range
 * must lie in one VMA (EFAULT; a shrink only needs its new length to), a
 * private mapping cannot be "duplicated" from length 0 (EINVAL), and
 * VM_DONTEXPAND or VM_PFNMAP mappings cannot grow (EFAULT). An in-place
 * shrink or same-size call is never checked. Returns 0 or a negative errno.
 */
function checkPrepVma(vma: Vma, addr: number, oldLen: number, newLen: number, moves: boolean): number {
  if (newLen <= oldLen && !moves) return 0;
  if (oldLen === 0 && !(vma.flags & (VM_SHARED | VM_MAYSHARE))) return -EINVAL;
  if (Math.min(oldLen, newLen) > vma.end - addr) return -EFAULT;
  if (newLen <= oldLen) return 0;
  if (vma.flags & (VM_DONTEXPAND | VM_PFNMAP)) return -EFAULT;
  return 0;
}

/**
 * mremap_to(): moves [addr, +oldLen) of `vma` to newAddr with length
 * newLen, replacing whatever was there and shrinking first if asked to.
 */
function mremapTo(k: Kernel, task: Task, addr: number, oldLen: number, newLen: number, newAddr: number): number {
  const mm = task.mm!;
  const r = doMunmap(k, mm, newAddr, newLen);
  if (r < 0) return r;
  let vma = mm.lookup(addr);
  if (!vma) return -EFAULT;
  if (oldLen > newLen) {
    doMunmap(k, mm, addr + newLen, oldLen - newLen);
    oldLen = newLen;
    vma = mm.lookup(addr);
    if (!vma) return -EFAULT;
  }
  if (newLen > oldLen && vma.flags & VM_ACCOUNT && vmEnoughMemory(k, mm, (newLen - oldLen) / 4096) < 0) return -ENOMEM;
  return moveVma(k, task, vma, addr, oldLen, newLen, newAddr);
}

/**
 * remap_move() (Linux 6.17+): a pure move (MREMAP_FIXED, same length) may
 * cover several VMAs; each is moved so that the gaps between them stay the
 * same at the destination. A gap at the start of the range is EFAULT.
 * Returns the new address of the first VMA.
 */
function remapMove(k: Kernel, task: Task, addr: number, len: number, newAddr: number): number {
  const mm = task.mm!;
  const end = addr + len;
  let res = -EFAULT;
  let target = newAddr;
  let lastEnd = -1;
  let cursor = addr;
  for (;;) {
    const vma = mm.findVma(cursor);
    if (!vma || vma.start >= end) break;
    if (lastEnd < 0 && addr < vma.start) return -EFAULT;
    const a = Math.max(vma.start, addr);
    const n = Math.min(end, vma.end) - a;
    const offset = lastEnd < 0 ? 0 : vma.start - lastEnd;
    lastEnd = vma.end;
    cursor = a + n;
    const r = mremapTo(k, task, a, n, n, target + offset);
    if (r < 0) return r;
    if (res < 0) res = r;
    target = r + n;
  }
  return res;
}

/** True if [vma.end, vma.end + delta) is free (vma_expandable). */
function expandable(mm: Mm, vma: Vma, delta: number): boolean {
  const end = vma.end + delta;
  if (end < vma.end || end > mm.taskSize) return false;
  const next = mm.vmas[mm.vmas.indexOf(vma) + 1];
  return !next || next.start >= end;
}

/**
 * mremap(2). Without MREMAP_MAYMOVE the mapping is shrunk or grown in
 * place (ENOMEM when the space after it is taken); with
 * MREMAP_MAYMOVE|MREMAP_FIXED it moves to newAddr, replacing what was there.
 */
export function sysMremap(k: Kernel, task: Task, addr: number, oldLen: number, newLen: number, flags: number, newAddr: number): number {
  const mm = task.mm!;
  if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP)) return -EINVAL;
  if (addr % 4096 !== 0) return -EINVAL;
  oldLen = roundUp(oldLen, 4096);
  newLen = roundUp(newLen, 4096);
  if (!newLen || newLen > mm.taskSize) return -EINVAL;
  const fixed = (flags & MREMAP_FIXED) !== 0;
  if (fixed) {
    if (newAddr > mm.taskSize - newLen) return -EINVAL;
    if (newAddr % 4096 !== 0) return -EINVAL;
    if (!(flags & MREMAP_MAYMOVE)) return -EINVAL;
    if (addr < newAddr + newLen && newAddr < addr + oldLen) return -EINVAL;
    if (mm.mapCount + 2 >= k.maxMapCount - 3) return -ENOMEM;
  }
  if (fixed && oldLen === newLen) return remapMove(k, task, addr, oldLen, newAddr);
  const vma = mm.lookup(addr);
  if (!vma) return -EFAULT;
  if (vma.flags & VM_HUGETLB) {
    // align_hugetlb(): lengths round up to huge pages, addresses must be
    // aligned, and a hugetlb mapping never grows (its reservations cannot split).
    const hsize = hstateVma(k, vma).sizeBytes;
    oldLen = roundUp(oldLen, hsize);
    newLen = roundUp(newLen, hsize);
    if (addr % hsize || (fixed && newAddr % hsize) || newLen > oldLen) return -EINVAL;
  }
  const err = checkPrepVma(vma, addr, oldLen, newLen, fixed);
  if (err) return err;
  if (fixed) return mremapTo(k, task, addr, oldLen, newLen, newAddr);
  // mremap_at(): same size is a no-op and shrinking always works in place,
  // whatever VMAs the old range covers.
  if (newLen === oldLen) return addr;
  if (newLen < oldLen) {
    const r = doMunmap(k, mm, addr + newLen, oldLen - newLen);
    return r < 0 ? r : addr;
  }
  const delta = newLen - oldLen;
  if (addr + oldLen === vma.end && expandable(mm, vma, delta)) {
    const pages = delta / 4096;
    if (vma.flags & VM_ACCOUNT && vmEnoughMemory(k, mm, pages) < 0) return -ENOMEM;
    // vma_merge_extend(): the grown VMA also absorbs a compatible next VMA it now touches.
    const merged = vmaMergeNew(k, mm, {
      flags: vma.flags,
      file: vma.file,
      kind: vma.kind,
      pgoff: vma.pgoff + vma.nrPages,
      start: vma.end,
      end: vma.end + delta,
      anonVma: vma.anonVma,
      middle: null,
    });
    if (!merged) vma.end += delta;
    vmStatAccount(mm, vma.flags, pages);
    mm.updateHiwaterVm();
    if (vma.flags & VM_LOCKED) {
      mm.lockedVm += pages;
      mmPopulate(k, task, addr + oldLen, delta, true);
    }
    return addr;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
  // Move to a free area found top-down (get_unmapped_area), as the kernel does.
  const to = getUnmappedArea(k, mm, newLen, 0);
  if (to < 0) return to;
  if (vma.flags & VM_ACCOUNT && vmEnoughMemory(k, mm, delta / 4096) < 0) return -ENOMEM;
  return moveVma(k, task, vma, addr, oldLen, newLen, to);
}
