// Pages coming back from swap, and swap entries in page tables going away or
// being copied. Linux: mm/memory.c (do_swap_page, should_try_to_free_swap,
// copy_nonpresent_pte), mm/swapfile.c (free_swap_and_cache, swapoff's
// try_to_unuse), mm/swap_state.c (swap_vma_readahead), mm/shmem.c
// (shmem_swapin_folio).
import { PMD_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_DIRTY, PTE_RW, PTE_SWAP, PTE_SWP_EXCLUSIVE } from '../hw/pte.js';
import { FAULT_FLAG_WRITE, VM_FAULT_MAJOR, VM_FAULT_OOM, type VmFault } from './fault.js';
import { filemapAddFolio } from './filemap.js';
import { folioGet, folioPut } from './folio.js';
import type { Inode } from './fs.js';
import type { Kernel } from './kernel.js';
import { lruAddVma } from './mlock.js';
import { MM_ANONPAGES, MM_SWAPENTS } from './mm_types.js';
import { NO_PFN, PG_anon, PG_anon_exclusive, PG_dirty, PG_mlocked, PG_readahead, PG_swapcache, PG_writeback } from './page.js';
import { addNewAnonRmap, addRmapPte, anonVmaPrepare } from './rmap.js';
import { deleteFromSwapCache, readSwapPage, swapCacheLookup, swapinNrPages, swapinReadahead } from './swap_state.js';
import { swapCount, swapDuplicate, swapFree, swapInfoOf, vmSwapFull } from './swapfile.js';
import { VM_LOCKED, VM_WRITE } from './vm_flags.js';
import { VM } from './vmstat.js';
import { pmdLookup } from './pgtable.js';
import { doWpPage } from './memory.js';

/**
 * free_swap_and_cache(): a PTE's swap reference goes; if only the swap cache
 * still holds the slot, the cached page is dropped too when it is not mapped.
 */
export function freeSwapAndCache(k: Kernel, entry: number): void {
  swapFree(k, entry);
  const pfn = swapCacheLookup(k, entry);
  if (pfn === NO_PFN) return;
  const p = k.pages;
  if (swapCount(k, entry) === 0 && !p.folioMapped(pfn) && p.refcount[pfn] === 1) deleteFromSwapCache(k, pfn, null);
}

/** copy_nonpresent_pte() for a swap entry at fork: one more reference, no longer exclusive. */
export function copySwapPte(k: Kernel, srcFlags: number, entry: number): number {
  swapDuplicate(k, entry);
  return srcFlags & ~PTE_SWP_EXCLUSIVE;
}

/**
 * swap_vma_readahead(): reads the swap entries found in the PTEs around the
 * fault, within a window that grows with readahead hits (__swapin_nr_pages,
 * up to 2^page_cluster) and never leaves the VMA or the PMD. Returns the
 * faulting entry's page, or NO_PFN when out of memory.
 */
function swapVmaReadahead(k: Kernel, vmf: VmFault, entry: number): number {
  const vma = vmf.vma;
  const maxWin = 2 ** Math.min(k.pageCluster, 5);
  const faddr = vmf.address;
  const prev = vma.swapRaAddr;
  let win = 1;
  if (maxWin > 1) {
    win = swapinNrPages(Math.floor(prev / 4096), Math.floor(faddr / 4096), vma.swapRaHits, maxWin, vma.swapRaWin);
    vma.swapRaAddr = faddr;
    vma.swapRaWin = win;
    vma.swapRaHits = 0;
  }
  if (win > 1) {
    let left: number;
    if (faddr === prev + 4096) left = faddr;
    else if (prev === faddr + 4096) left = faddr - win * 4096 + 4096;
    else left = faddr - Math.floor((win - 1) / 2) * 4096;
    const right = left + win * 4096;
    const pmdBase = roundDown(faddr, PMD_SIZE);
    const start = Math.max(left, vma.start, pmdBase);
    const end = Math.min(right, vma.end, pmdBase + PMD_SIZE);
    const table = k.pt.val[vmf.pmdE]!;
    for (let a = start; a < end; a += 4096) {
      if (a === faddr) continue;
      const e = table * ENTRIES + (Math.floor(a / 4096) & 511);
      if (!(k.pt.flags[e]! & PTE_SWAP)) continue;
      const ent = k.pt.val[e]!;
      if (swapCacheLookup(k, ent) !== NO_PFN) continue;
      if (readSwapPage(k, ent, true) !== NO_PFN) k.vmstat.add(VM.swap_ra, 1);
    }
  }
  const hit = swapCacheLookup(k, entry);
  return hit !== NO_PFN ? hit : readSwapPage(k, entry, false);
}

/**
 * do_swap_page(): a fault on a swapped-out PTE. A swap-cache hit is minor;
 * a miss reads the page (and its readahead window) from swap and is major.
 * The page is mapped writable at once when it is certainly exclusive; the
 * swap slot is released when swap is more than half full, the VMA is
 * mlocked, or this write fault leaves no other user.
 */
export function doSwapPage(k: Kernel, vmf: VmFault, e: number, unuse = false): number {
  const vma = vmf.vma;
  const mm = vma.mm;
  const pt = k.pt;
  const p = k.pages;
  const orig = pt.flags[e]!;
  const entry = pt.val[e]!;
  let ret = 0;
  let pfn = swapCacheLookup(k, entry);
  if (pfn !== NO_PFN) {
    // swap_cache_get_folio(): a readahead hit widens the next window.
    if (p.flags[pfn]! & PG_readahead) {
      p.flags[pfn] &= ~PG_readahead;
      k.vmstat.add(VM.swap_ra_hit, 1);
      vma.swapRaHits++;
    }
    vma.swapRaAddr = vmf.address;
  } else {
    if (!unuse) k.vmstat.add(VM.pgmajfault, 1);
    ret = VM_FAULT_MAJOR;
    pfn = vma.kind === 'anon' ? swapVmaReadahead(k, vmf, entry) : swapinReadahead(k, entry);
    if (pfn === NO_PFN) return VM_FAULT_OOM;
  }
  folioGet(k, pfn);
  anonVmaPrepare(k, vma);
  const exclusive = (orig & PTE_SWP_EXCLUSIVE) !== 0;
  swapFree(k, entry);
  const write = (vmf.flags & FAULT_FLAG_WRITE) !== 0;
  // unuse_pte() (swapoff) only drops the PTE's reference; try_to_unuse frees the cache after.
  const freeSwap =
    !unuse &&
    (p.flags[pfn]! & PG_swapcache) !== 0 &&
    (vmSwapFull(k) || (vma.flags & VM_LOCKED) !== 0 || (p.flags[pfn]! & PG_mlocked) !== 0 || (write && p.refcount[pfn] === 2));
  if (freeSwap && swapCount(k, entry) === 0) {
    deleteFromSwapCache(k, pfn, null);
    p.flags[pfn] |= PG_dirty;
  }
  mm.rss[MM_ANONPAGES]!++;
  mm.rss[MM_SWAPENTS]!--;
  let flags = vma.pageProt;
  const certainlyExclusive = exclusive || p.refcount[pfn] === 1;
  // unuse_pte() maps with vma->vm_page_prot: old, clean and, in a private mapping, read-only.
  if (!unuse && certainlyExclusive && vma.flags & VM_WRITE) {
    flags |= PTE_RW;
    if (write) flags |= PTE_DIRTY;
  }
  if (!(p.flags[pfn]! & PG_anon)) {
    addNewAnonRmap(k, pfn, vma, vmf.address, false);
    if (!certainlyExclusive) p.flags[pfn] &= ~PG_anon_exclusive;
  } else {
    addRmapPte(k, pfn, vma.mm);
    if (certainlyExclusive) p.flags[pfn] |= PG_anon_exclusive;
  }
  if (vma.flags & VM_LOCKED) lruAddVma(k, pfn, vma);
  pt.set(Math.floor(e / ENTRIES), e % ENTRIES, flags, pfn);
  // A write to a page that had to stay shared read-only now breaks COW.
  if (write && !(flags & PTE_RW)) ret |= doWpPage(k, vmf, e);
  return ret;
}

/** shmem_swapin_folio(): a swapped-out shmem page returns to its file's page cache. Returns the pfn or -1. */
export function shmemSwapin(k: Kernel, inode: Inode, index: number): number {
  const entry = inode.swapped.get(index)!;
  k.vmstat.add(VM.pgmajfault, 1);
  let pfn = swapCacheLookup(k, entry);
  if (pfn === NO_PFN) pfn = swapinReadahead(k, entry);
  if (pfn === NO_PFN) return -1;
  inode.swapped.delete(index);
  folioGet(k, pfn);
  deleteFromSwapCache(k, pfn, null);
  swapFree(k, entry);
  k.pages.flags[pfn] &= ~PG_anon;
  k.lru.del(pfn);
  filemapAddFolio(k, inode, pfn, index);
  k.pages.flags[pfn] |= PG_dirty;
  folioPut(k, pfn);
  return pfn;
}

/**
 * swapoff's try_to_unuse(): every PTE and shmem slot referring to the area
 * gets its page back in memory. Returns false if memory ran out.
 */
export function unuseSwap(k: Kernel, type: number): boolean {
  for (const t of k.tasks) {
    const mm = t.mm;
    if (!mm) continue;
    for (const vma of [...mm.vmas]) {
      for (let a = vma.start; a < vma.end; a += 4096) {
        const e = k.pt.walk(mm.pgd, Math.floor(a / 4096));
        if (e < 0) continue;
        const f = k.pt.flags[e]!;
        if (!(f & PTE_SWAP) || Math.floor(k.pt.val[e]! / 2 ** 26) !== type) continue;
        // unuse_pte(): swapped back in as a fault would, counted as no one's fault.
        const vmf: VmFault = { vma, address: a, flags: 0, pgoff: vma.pageIndex(a), pmdE: pmdLookup(k, mm, a), page: NO_PFN, cowPage: NO_PFN, preallocPte: -1 };
        if (doSwapPage(k, vmf, e, true) & VM_FAULT_OOM) return false;
      }
    }
  }
  for (const inode of k.inodes.values()) {
    for (const [index, entry] of [...inode.swapped]) {
      if (Math.floor(entry / 2 ** 26) !== type) continue;
      if (shmemSwapin(k, inode, index) < 0) return false;
    }
  }
  // folio_free_swap() on every page left in the area's swap cache, mapped
  // or not: it leaves the swap cache dirty, as its only copy is now in memory.
  const si = swapInfoOf(k, type * 2 ** 26 + 1);
  for (const pfn of [...si.cache.values()]) {
    if (k.pages.flags[pfn]! & PG_writeback) continue;
    deleteFromSwapCache(k, pfn, null);
    k.pages.flags[pfn] |= PG_dirty;
  }
  return true;
}
