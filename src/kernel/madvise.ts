// madvise(2). Linux: mm/madvise.c (madvise_walk_vmas, madvise_vma_behavior,
// madvise_dontneed_free, madvise_free_pte_range, madvise_cold_or_pageout,
// madvise_remove, madvise_populate, madvise_willneed), mm/ksm.c
// (ksm_madvise). MADV_COLLAPSE is in khugepaged.ts.
import { largeMaybeShared } from './mm_id.js';
import { PMD_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_SPECIAL } from '../hw/pte.js';
import { EACCES, EFAULT, EINVAL, ENOMEM } from './errno.js';
import { hstateVma, hugetlbPunchHole } from './hugetlb.js';
import { filemapRemoveFolio, pageCacheRaUnbounded } from './filemap.js';
import { folioPut } from './folio.js';
import { getUserPages } from './gup.js';
import { splitAnonFolio, splitFileFolio, splitHugePmd, zapHugePmd } from './huge_memory.js';
import type { Kernel } from './kernel.js';
import { mmCounter, ptePresent, vmNormalPage, zapPageRange } from './memory.js';
import type { Vma } from './mm_types.js';
import { PG_active, PG_anon, PG_dirty, PG_head, PG_lru, PG_referenced, PG_swapbacked, PG_swapcache, PG_unevictable } from './page.js';
import { forEachPmd, pmdHuge, pmdLookup, pmdNone } from './pgtable.js';
import { removeRmapPte, rmapWalk } from './rmap.js';
import { lruAddDrain, markLazyfree } from './lru_cache.js';
import { addToSwap, swapWritepage } from './swap_state.js';
import { tryToUnmap as unmapToSwap } from './vmscan.js';
import type { Task } from './task.js';
import {
  VM_READ,
  VM_DONTCOPY,
  VM_HUGEPAGE,
  VM_HUGETLB,
  VM_IO,
  VM_LOCKED,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_MERGEABLE,
  VM_NOHUGEPAGE,
  VM_PFNMAP,
  VM_RAND_READ,
  VM_SEQ_READ,
  VM_SHARED,
  VM_WIPEONFORK,
  VM_WRITE,
  VM_DONTEXPAND,
  VM_MIXEDMAP,
} from './vm_flags.js';
import { MmuGather } from './tlbflush.js';
import { VM } from './vmstat.js';
import { vmaModifyFlags } from './vma.js';
import { truncatePagecacheRange, unmapMappingRange } from './truncate.js';
import { madviseCollapse } from './khugepaged.js';
import type { Madvice } from '../workload/scenario/ops.js';

export type Advice = Madvice;

/** madvise_update_vma(): new flags for [start, end) of `vma`. */
function updateVma(k: Kernel, vma: Vma, start: number, end: number, newFlags: number): number {
  if (newFlags === vma.flags) return 0;
  const v = vmaModifyFlags(k, vma, start, end, newFlags);
  if (typeof v === 'number') return v;
  v.flags = newFlags;
  return 0;
}

/** can_madv_lru_vma(). */
function canMadvLru(vma: Vma): boolean {
  return (vma.flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)) === 0;
}

/** Visits the present small pages of [start, end), splitting huge PMDs only partly covered. */
function forEachPresentPte(k: Kernel, vma: Vma, start: number, end: number, fn: (e: number, addr: number) => void): void {
  const pt = k.pt;
  forEachPmd(k, vma.mm, start, end, (pmdE, a, next) => {
    if (pmdHuge(k, pmdE)) return;
    const table = pt.val[pmdE]!;
    for (let b = a; b < next; b += 4096) {
      const e = table * ENTRIES + (Math.floor(b / 4096) & 511);
      if (ptePresent(pt.flags[e]!)) fn(e, b);
    }
  });
}

/**
 * folio_maybe_mapped_shared(): a small folio mapped more than once; a large
 * one mapped more than once whose mm-id slots say "maybe shared" (mm_id.ts:
 * at most two mappers are told apart, so the answer can outlive the sharing).
 */
function mappedShared(k: Kernel, head: number): boolean {
  const p = k.pages;
  if (!(p.flags[head]! & PG_head)) return p.mapcount[head]! > 1;
  if (p.folioMapcount(head) <= 1) return false;
  return largeMaybeShared(k, head);
}

/**
 * Splits huge PMDs in [start, end): whole ones are handed to `whole`
 * (which may keep them), partial ones are split so PTE walks see the pages.
 */
function handleHugePmds(k: Kernel, vma: Vma, start: number, end: number, whole: (pmdE: number, head: number, addr: number) => boolean): void {
  const pt = k.pt;
  for (let a = roundDown(start, PMD_SIZE); a < end; a += PMD_SIZE) {
    const pmdE = pmdLookup(k, vma.mm, Math.max(a, start));
    if (pmdE < 0 || !pmdHuge(k, pmdE)) continue;
    if (pt.flags[pmdE]! & PTE_SPECIAL) continue;
    const head = pt.val[pmdE]!;
    const covered = a >= start && a + PMD_SIZE <= end;
    if (covered && whole(pmdE, head, a)) continue;
    // A folio other processes map is left alone; an exclusive one cut by
    // the range is split (split_folio), so the PTE walk sees its pages.
    if (mappedShared(k, head)) continue;
    if (k.pages.flags[head]! & PG_anon) splitAnonFolio(k, head);
    else splitHugePmd(k, vma, pmdE);
  }
}

/**
 * MADV_FREE on private anonymous memory (madvise_free_pte_range): this
 * process's exclusive pages get clean, old PTEs and are queued to become
 * lazyfree; reclaim may then discard them unless they are written again.
 */
function madviseFree(k: Kernel, vma: Vma, start: number, end: number): number {
  if (vma.kind !== 'anon') return -EINVAL;
  // madvise_free_single_vma() first drains this CPU's folio batches.
  lruAddDrain(k);
  const p = k.pages;
  const pt = k.pt;
  // Entries that lose Accessed or Dirty are flushed, or a cached dirty translation would write unseen.
  const tlb = new MmuGather(k, vma.mm);
  // madvise_free_pte_range() walks one page table at a time, in address
  // order: the order in which folios join the lazyfree batch decides which
  // are still queued when it ends.
  for (let from = start; from < end; ) {
    const to = Math.min(roundDown(from, PMD_SIZE) + PMD_SIZE, end);
    handleHugePmds(k, vma, from, to, (pmdE, head, addr) => {
      if (mappedShared(k, head)) return true;
      p.flags[head] &= ~PG_dirty;
      pt.flags[pmdE] = pt.flags[pmdE]! & ~(PTE_ACCESSED | PTE_DIRTY);
      tlb.flushPmdRange(addr);
      markLazyfree(k, head);
      return true;
    });
    forEachPresentPte(k, vma, from, to, (e, addr) => {
      const pfn = vmNormalPage(k, e);
      if (pfn < 0) return;
      const head = p.folioOf(pfn);
      if (!(p.flags[head]! & PG_anon)) return;
      if (p.flags[head]! & PG_head) {
        // A PTE-mapped large folio is split first when this process owns it all.
        if (mappedShared(k, head)) return;
        splitAnonFolio(k, head);
      }
      // A dirty or swap-cache folio is made clean only if this mapping is
      // its only one (folio_mapcount == nr_pages); otherwise the dirty flag
      // others rely on stays and the folio is skipped.
      const folio = p.folioOf(pfn);
      if (p.flags[folio]! & (PG_swapcache | PG_dirty)) {
        if (p.folioMapcount(folio) !== p.nrPages(folio)) return;
        if (p.flags[folio]! & PG_swapcache) return;
        p.flags[folio] &= ~PG_dirty;
      }
      if (pt.flags[e]! & (PTE_ACCESSED | PTE_DIRTY)) tlb.flushPteRange(addr);
      pt.flags[e] = pt.flags[e]! & ~(PTE_ACCESSED | PTE_DIRTY);
      markLazyfree(k, pfn);
    });
    from = to;
  }
  tlb.finish();
  return 0;
}

/**
 * split_folio() as the madvise and reclaim paths use it: an anonymous folio
 * is split in place (its pages stay mapped, zero-filled ones become zero-page
 * PTEs); a page-cache folio is unmapped everywhere and split into order-0
 * folios, the ones past EOF dropped. A dirty page-cache folio cannot be split
 * (its buffers cannot be released). Returns false if nothing was split.
 */
function splitFolio(k: Kernel, head: number): boolean {
  const p = k.pages;
  if (p.flags[head]! & PG_anon) return splitAnonFolio(k, head);
  const inode = k.inodes.get(p.mapping[head]!);
  if (!inode || (p.flags[head]! & PG_dirty && !inode.isShmem)) return false;
  const first = p.index[head]!;
  const n = p.nrPages(head);
  unmapMappingRange(k, inode, first, first + n - 1, false);
  splitFileFolio(k, head, first, true);
  for (let i = Math.max(first, inode.sizePages); i < first + n; i++) {
    const pfn = inode.lookup(i);
    if (pfn >= 0) filemapRemoveFolio(k, inode, p.folioOf(pfn));
  }
  return true;
}

/** How many PTEs from `e` (at `addr`, before `end`) map consecutive pages of the same folio (folio_pte_batch). */
function pteBatch(k: Kernel, e: number, addr: number, end: number, pfn: number): number {
  const pt = k.pt;
  const p = k.pages;
  const head = p.folioOf(pfn);
  const last = head + p.nrPages(head) - 1;
  let n = 1;
  while (pfn + n <= last && addr + n * 4096 < end && (e % ENTRIES) + n < ENTRIES) {
    const f = pt.flags[e + n]!;
    if (!ptePresent(f) || f & PTE_SPECIAL || pt.val[e + n] !== pfn + n) break;
    n++;
  }
  return n;
}

/**
 * MADV_COLD / MADV_PAGEOUT (madvise_cold_or_pageout_pte_range): this
 * process's exclusive folios in [start, end) are deactivated (cold) or
 * isolated and reclaimed at once (pageout, references ignored). A large
 * folio the range covers only in part is split first if exclusive (a
 * PMD-mapped one too), and skipped if possibly shared; a PMD-mapped folio
 * the range covers whole is handled as one.
 */
function madviseColdOrPageout(k: Kernel, vma: Vma, start: number, end: number, pageout: boolean): number {
  if (!canMadvLru(vma)) return -EINVAL;
  lruAddDrain(k);
  const p = k.pages;
  const pt = k.pt;
  // Entries made old are flushed (tlb_remove_tlb_entries), or the TLB would keep them young.
  const tlb = new MmuGather(k, vma.mm);
  const victims: number[] = [];
  const take = (head: number): void => {
    if (!pageout) deactivate(k, head);
    else {
      p.flags[head] &= ~PG_referenced;
      if (p.flags[head]! & PG_lru && !(p.flags[head]! & PG_unevictable) && victims[victims.length - 1] !== head) victims.push(head);
    }
  };
  forEachPmd(k, vma.mm, start, end, (pmdE, a, next) => {
    if (pmdHuge(k, pmdE)) {
      const head = pt.val[pmdE]!;
      if (pt.flags[pmdE]! & PTE_SPECIAL || mappedShared(k, head)) {
        return;
      }
      if (next - a === PMD_SIZE) {
        if (!pageout) {
          if (pt.flags[pmdE]! & PTE_ACCESSED) tlb.flushPmdRange(a);
          pt.flags[pmdE] = pt.flags[pmdE]! & ~PTE_ACCESSED;
        }
        take(head);
        return;
      }
      if (!splitFolio(k, head) || pmdNone(k, pmdE) || pmdHuge(k, pmdE)) {
        return;
      }
    }
    const table = pt.val[pmdE]!;
    for (let b = a; b < next; ) {
      const e = table * ENTRIES + (Math.floor(b / 4096) & 511);
      const f = pt.flags[e]!;
      const pfn = ptePresent(f) ? vmNormalPage(k, e) : -1;
      if (pfn < 0) {
        b += 4096;
        continue;
      }
      const head = p.folioOf(pfn);
      const nr = pteBatch(k, e, b, next, pfn);
      if (p.nrPages(head) > 1 && nr < p.nrPages(head)) {
        if (mappedShared(k, head) || !splitFolio(k, head)) b += nr * 4096;
        continue; // look at the same PTE again, now mapping a small folio (or nothing)
      }
      b += nr * 4096;
      if (!(p.flags[head]! & PG_lru) || p.folioMapcount(head) !== p.nrPages(head)) continue;
      if (!pageout) {
        for (let i = 0; i < nr; i++) {
          if (pt.flags[e + i]! & PTE_ACCESSED) tlb.flushPteRange(b - (nr - i) * 4096);
          pt.flags[e + i] = pt.flags[e + i]! & ~PTE_ACCESSED;
        }
      }
      take(head);
    }
  });
  tlb.finish();
  for (const head of victims) shrinkFolio(k, head);
  return 0;
}

/** folio_deactivate(): to the inactive list, referenced cleared. */
function deactivate(k: Kernel, head: number): void {
  const p = k.pages;
  if (!(p.flags[head]! & PG_lru) || p.flags[head]! & PG_unevictable) return;
  const wasActive = (p.flags[head]! & PG_active) !== 0;
  k.lru.move(head, () => {
    p.flags[head] = p.flags[head]! & ~(PG_active | PG_referenced);
  });
  if (wasActive) k.vmstat.add(VM.pgdeactivate, p.nrPages(head));
}

/** Unmaps every PTE mapping of the folio (try_to_unmap); returns false if a lazyfree page was redirtied. */
function tryToUnmap(k: Kernel, head: number): boolean {
  const p = k.pages;
  const pt = k.pt;
  const lazy = (p.flags[head]! & (PG_anon | PG_swapbacked)) === PG_anon;
  let ok = true;
  const n = p.nrPages(head);
  if (p.entireMapcount[head]! > 0) {
    // PMD mappings go whole (a clean lazyfree THP is discarded unsplit).
    rmapWalk(k, head, (vma, a) => {
      if (!ok) return;
      const pmdE = pmdLookup(k, vma.mm, a);
      if (pmdE < 0 || !pmdHuge(k, pmdE) || pt.val[pmdE] !== head || pt.flags[pmdE]! & PTE_SPECIAL) return;
      if (lazy && (pt.flags[pmdE]! & PTE_DIRTY || p.flags[head]! & PG_dirty)) {
        p.flags[head] |= PG_swapbacked;
        ok = false;
        return;
      }
      if (pt.flags[pmdE]! & PTE_DIRTY) p.flags[head] |= PG_dirty;
      zapHugePmd(k, vma, pmdE);
    });
  }
  for (let i = 0; i < n && ok; i++) {
    rmapWalk(k, head + i, (vma, a) => {
      if (!ok) return;
      const pmdE = pmdLookup(k, vma.mm, a);
      if (pmdE < 0 || pmdNone(k, pmdE) || pmdHuge(k, pmdE)) return;
      const e = pt.val[pmdE]! * ENTRIES + (Math.floor(a / 4096) & 511);
      if (!ptePresent(pt.flags[e]!) || pt.val[e] !== head + i) return;
      if (lazy && (pt.flags[e]! & PTE_DIRTY || p.flags[head]! & PG_dirty)) {
        // MADV_FREE page written again: it must not be discarded.
        p.flags[head] |= PG_swapbacked;
        ok = false;
        return;
      }
      if (pt.flags[e]! & PTE_DIRTY) p.flags[head] |= PG_dirty;
      vma.mm.rss[mmCounter(k, head)]!--;
      removeRmapPte(k, head + i, vma.mm);
      pt.clearEntry(e);
      // try_to_unmap_one(): ptep_clear_flush().
      k.tlb.flushPage(vma.mm, a);
      folioPut(k, head);
    });
  }
  return ok;
}

/** Moves a folio to its active list (folio_activate), counted in pgactivate. */
function activateFolio(k: Kernel, head: number): void {
  const p = k.pages;
  if (p.flags[head]! & PG_active) return;
  k.lru.move(head, () => {
    p.flags[head] = p.flags[head]! | PG_active;
  });
  k.vmstat.add(VM.pgactivate, p.nrPages(head));
}

/** shrink_folio_list() for one isolated folio, with references ignored. */
function shrinkFolio(k: Kernel, head: number): void {
  const p = k.pages;
  const f = p.flags[head]!;
  const n = p.nrPages(head);
  const activate = (): void => {
    if (p.flags[head]! & PG_active) return;
    k.lru.move(head, () => {
      p.flags[head] = p.flags[head]! | PG_active;
    });
    k.vmstat.add(VM.pgactivate, n);
  };
  if (f & PG_anon && f & PG_swapbacked) {
    // add_to_swap() fails without swap: a large folio is split (zero-filled
    // pages go to the zero page) and every piece is activated; all stay mapped.
    if (k.totalSwapPages === 0) {
      if (n > 1 && splitAnonFolio(k, head)) {
        for (let i = 0; i < n; i++) if (p.refcount[head + i]! > 0 && p.flags[head + i]! & PG_lru) activateFolio(k, head + i);
      } else activate();
      return;
    }
    // add_to_swap(): a slot and the swap cache; without a free slot the folio is activated and stays mapped.
    if (!(f & PG_swapcache) && (k.nrSwapPages <= 0 || !addToSwap(k, head))) {
      activate();
      return;
    }
    // try_to_unmap(): the PTEs become swap entries; then pageout() writes the page.
    if (!unmapToSwap(k, head)) {
      activate();
      return;
    }
    if (p.flags[head]! & PG_dirty) swapWritepage(k, head);
    // The write is asynchronous on a real disk: shrink_folio_list() keeps a
    // folio under writeback, so the page stays in the swap cache, clean,
    // until reclaim needs the memory; a fault on it before then is minor.
    return;
  }
  if (!tryToUnmap(k, head)) {
    activate();
    return;
  }
  if (f & PG_anon) {
    // A clean lazyfree folio: discarded with its last mapping, nothing to write.
    k.vmstat.add(VM.pglazyfreed, n);
    return;
  }
  const inode = k.inodes.get(p.mapping[head]!);
  if (!inode) return;
  if (p.flags[head]! & PG_dirty) {
    // Reclaim never writes file pages itself; shmem would need swap.
    activate();
    return;
  }
  filemapRemoveFolio(k, inode, head);
}

/**
 * MADV_REMOVE: punch a hole in the file behind a shared writable mapping
 * (vfs_fallocate PUNCH_HOLE). Private mappings are EACCES, anonymous EINVAL.
 */
function madviseRemove(k: Kernel, vma: Vma, start: number, end: number): number {
  if (vma.flags & VM_LOCKED) return -EINVAL;
  if (!vma.file) return -EINVAL;
  if ((vma.flags & (VM_SHARED | VM_MAYWRITE)) !== (VM_SHARED | VM_MAYWRITE)) return -EACCES;
  if (vma.flags & VM_HUGETLB) {
    hugetlbPunchHole(k, vma.file.inode, vma.pageIndex(start), vma.pageIndex(end));
    return 0;
  }
  lruAddDrain(k);
  const first = vma.pageIndex(start);
  const last = vma.pageIndex(end) - 1;
  truncatePagecacheRange(k, vma.file.inode, first * 4096, (last + 1) * 4096 - 1);
  return 0;
}

/** MADV_WILLNEED: read the start of the file range into the page cache (force_page_cache_ra); no-op for anon without swap. */
function madviseWillneed(k: Kernel, vma: Vma, start: number, end: number): number {
  if (!vma.file || vma.file.inode.isShmem) {
    // Swap-in readahead (nothing to read without swap), then lru_add_drain().
    lruAddDrain(k);
    return 0;
  }
  const inode = vma.file.inode;
  // shmem reads ahead nothing; hugetlbfs has no backing device (generic_fadvise does nothing).
  if (inode.isShmem || inode.fs === 'hugetlbfs') return 0;
  const first = vma.pageIndex(start);
  // force_page_cache_ra(): at most max(bdi io_pages, ra_pages) pages (io_pages
  // is assumed not to exceed ra_pages), read in 2 MiB chunks.
  const nr = Math.min((end - start) / 4096, vma.file.ra.raPages);
  for (let i = 0; i < nr; i += 512) pageCacheRaUnbounded(k, inode, first + i, Math.min(512, nr - i), 0);
  return 0;
}

/** The per-VMA part of madvise for one advice (madvise_vma_behavior). */
function vmaBehavior(k: Kernel, task: Task, vma: Vma, start: number, end: number, advice: Advice): number {
  const f = vma.flags;
  switch (advice) {
    case 'normal':
      return updateVma(k, vma, start, end, f & ~(VM_RAND_READ | VM_SEQ_READ));
    case 'sequential':
      return updateVma(k, vma, start, end, (f & ~VM_RAND_READ) | VM_SEQ_READ);
    case 'random':
      return updateVma(k, vma, start, end, (f & ~VM_SEQ_READ) | VM_RAND_READ);
    case 'dontfork':
      return updateVma(k, vma, start, end, f | VM_DONTCOPY);
    case 'dofork':
      if (f & VM_IO) return -EINVAL;
      return updateVma(k, vma, start, end, f & ~VM_DONTCOPY);
    case 'wipeonfork':
      if (vma.file || f & VM_SHARED) return -EINVAL;
      return updateVma(k, vma, start, end, f | VM_WIPEONFORK);
    case 'keeponfork':
      return updateVma(k, vma, start, end, f & ~VM_WIPEONFORK);
    case 'hugepage':
      return updateVma(k, vma, start, end, (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE);
    case 'nohugepage':
      return updateVma(k, vma, start, end, (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE);
    case 'mergeable':
      // ksm_madvise(): only private, ordinary mappings can be KSM candidates.
      if (f & (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_HUGETLB | VM_MIXEDMAP)) return 0;
      return updateVma(k, vma, start, end, f | VM_MERGEABLE);
    case 'unmergeable':
      return updateVma(k, vma, start, end, f & ~VM_MERGEABLE);
    case 'dontneed':
      if (f & (VM_LOCKED | VM_PFNMAP)) return -EINVAL;
      if (f & VM_HUGETLB) {
        // madvise_dontneed_free_valid_vma(): the start must be huge-page
        // aligned; the end is rounded down to a huge page.
        const hsize = hstateVma(k, vma).sizeBytes;
        if (start % hsize) return -EINVAL;
        end = roundDown(end, hsize);
        if (end > start) zapPageRange(k, vma, start, end);
        return 0;
      }
      zapPageRange(k, vma, start, end, true);
      return 0;
    case 'free':
      if (f & (VM_LOCKED | VM_PFNMAP)) return -EINVAL;
      return madviseFree(k, vma, start, end);
    case 'remove':
      return madviseRemove(k, vma, start, end);
    case 'cold':
      return madviseColdOrPageout(k, vma, start, end, false);
    case 'pageout':
      return madviseColdOrPageout(k, vma, start, end, true);
    case 'willneed':
      return madviseWillneed(k, vma, start, end);
    case 'collapse':
      return madviseCollapse(k, vma, start, end);
    default:
      void task;
      return -EINVAL;
  }
}

/** MADV_POPULATE_(READ|WRITE): fault the range in, failing at holes and on forbidden access. */
function madvisePopulate(k: Kernel, task: Task, start: number, end: number, write: boolean): number {
  const mm = task.mm!;
  let a = start;
  while (a < end) {
    const vma = mm.lookup(a);
    if (!vma) return -ENOMEM;
    if (vma.flags & (VM_IO | VM_PFNMAP)) return -EINVAL;
    // check_vma_flags() without FOLL_FORCE: a read needs VM_READ, a write VM_WRITE.
    if (write ? !(vma.flags & VM_WRITE) : !(vma.flags & VM_READ)) return -EINVAL;
    const e = Math.min(end, vma.end);
    const r = getUserPages(k, task, vma, a, e, write);
    if (r === -ENOMEM) return -ENOMEM;
    if (r < 0) return -EFAULT;
    a = e;
  }
  return 0;
}

/**
 * madvise(2): applies `advice` over [start, start+len). Holes are skipped
 * but make the call return ENOMEM (madvise_walk_vmas).
 */
export function sysMadvise(k: Kernel, task: Task, start: number, len: number, advice: Advice): number {
  // mmsim's 32-bit machines have no THP: as without CONFIG_TRANSPARENT_HUGEPAGE (madvise_behavior_valid).
  if (k.arch.highmem && (advice === 'hugepage' || advice === 'nohugepage' || advice === 'collapse')) return -EINVAL;
  if (start % 4096 !== 0) return -EINVAL;
  const alen = Math.ceil(len / 4096) * 4096;
  const end = start + alen;
  if (end < start) return -EINVAL;
  if (end === start) return 0;
  if (advice === 'populate_read' || advice === 'populate_write') return madvisePopulate(k, task, start, end, advice === 'populate_write');
  const mm = task.mm!;
  let unmappedError = 0;
  let vma = mm.findVma(start);
  let s = start;
  for (;;) {
    if (!vma) return -ENOMEM;
    if (s < vma.start) {
      unmappedError = -ENOMEM;
      s = vma.start;
      if (s >= end) break;
    }
    const tmp = Math.min(vma.end, end);
    const err = vmaBehavior(k, task, vma, s, tmp, advice);
    if (err) return err;
    s = tmp;
    if (s >= end) break;
    vma = mm.findVma(s);
  }
  return unmappedError;
}
