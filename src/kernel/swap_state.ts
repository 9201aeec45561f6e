// The swap cache, swap-out and swap-in readahead. Linux: mm/swap_state.c
// (add_to_swap_cache, __delete_from_swap_cache, swap_cache_get_folio,
// swapin_readahead, swap_vma_readahead, swap_cluster_readahead,
// __swapin_nr_pages), mm/vmscan.c (add_to_swap), mm/page_io.c.
//
// A folio in the swap cache is PG_swapcache with its entry in `swap`; the
// cache holds one reference per page. Writing to swap completes at once
// (its cost is accounted by the clock, not waited for).
// Simplification: large folios are split before they go to swap (the
// thp_swpout_fallback path), so every swap-cache folio is order 0.
import { folioGet, folioPut, allocFolio } from './folio.js';
import type { Kernel } from './kernel.js';
import { kmapLocal } from './highmem.js';
import { NO_PFN, PG_dirty, PG_head, PG_swapbacked, PG_swapcache, PG_uptodate, PG_workingset, PG_readahead } from './page.js';
import { splitAnonFolio } from './huge_memory.js';
import { allocSwapSlot, putSwapCacheSlot, swapInfoOf, swpEntry, swpOffset, type SwapInfo } from './swapfile.js';
import { VM } from './vmstat.js';
import { memcgUnchargeSwap } from './memcontrol.js';

/** add_to_swap_cache(): the page becomes findable by its swap entry. */
export function addToSwapCache(k: Kernel, pfn: number, entry: number): void {
  const si = swapInfoOf(k, entry);
  const p = k.pages;
  p.flags[pfn] |= PG_swapcache | PG_swapbacked;
  p.swap[pfn] = entry;
  si.cache.set(swpOffset(entry), pfn);
  si.shadows.delete(swpOffset(entry));
  folioGet(k, pfn);
  k.vmstat.add(VM.nr_swapcached, 1);
}

/**
 * __delete_from_swap_cache() + put_swap_folio(): the page leaves the swap
 * cache (with a workingset shadow in its slot when reclaimed); the slot is
 * released if no PTE refers to it any more. Drops the cache's reference.
 */
export function deleteFromSwapCache(k: Kernel, pfn: number, shadow: number | null): void {
  const p = k.pages;
  const entry = p.swap[pfn]!;
  const si = swapInfoOf(k, entry);
  const off = swpOffset(entry);
  si.cache.delete(off);
  p.flags[pfn] &= ~PG_swapcache;
  p.swap[pfn] = -1;
  k.vmstat.add(VM.nr_swapcached, -1);
  putSwapCacheSlot(k, entry);
  if (shadow !== null && si.map[off] !== 0) si.shadows.set(off, shadow);
  folioPut(k, pfn);
}

/** The swap-cache page of an entry, or NO_PFN (swap_cache_get_folio). */
export function swapCacheLookup(k: Kernel, entry: number): number {
  return swapInfoOf(k, entry).cache.get(swpOffset(entry)) ?? NO_PFN;
}

/**
 * add_to_swap(): gives an anonymous (or shmem) folio a swap slot and puts it
 * in the swap cache, dirty, ready for pageout. A large folio is split first.
 * Returns false when swap is full.
 */
export function addToSwap(k: Kernel, head: number): boolean {
  const p = k.pages;
  if (p.flags[head]! & PG_head) {
    k.vmstat.add(VM.thp_swpout_fallback, 1);
    if (!splitAnonFolio(k, head)) return false;
  }
  const entry = allocSwapSlot(k);
  if (entry === 0) return false;
  addToSwapCache(k, head, entry);
  p.flags[head] |= PG_dirty;
  return true;
}

/** swap_writepage(): the page's contents go to its slot; pswpout and pgpgout count it. */
export function swapWritepage(k: Kernel, pfn: number): void {
  const entry = k.pages.swap[pfn]!;
  kmapLocal(k.mem, pfn); // is_folio_zero_filled() reads a HighMem page through a kmap
  k.swapData.set(entry, [k.mem.first[pfn]!, k.mem.fill[pfn]!]);
  k.pages.flags[pfn] &= ~PG_dirty;
  k.vmstat.add(VM.pswpout, 1);
  k.vmstat.add(VM.pgpgout, 4);
  k.ioSwapOutPages++;
}

/** Reads one slot into a new swap-cache page (read_swap_cache_async). NO_PFN if memory is exhausted. */
export function readSwapPage(k: Kernel, entry: number, readahead: boolean): number {
  const pfn = allocFolio(k, 0);
  if (pfn === NO_PFN) return NO_PFN;
  const si = swapInfoOf(k, entry);
  // The page now carries the memsw charge; the slot's record goes.
  memcgUnchargeSwap(k, entry);
  const shadow = si.shadows.get(swpOffset(entry));
  si.map[swpOffset(entry)] = si.map[swpOffset(entry)]! | 0x40;
  addToSwapCache(k, pfn, entry);
  const data = k.swapData.get(entry) ?? [0, 0];
  k.mem.first[pfn] = data[0];
  k.mem.fill[pfn] = data[1];
  k.pages.flags[pfn] |= PG_uptodate | PG_swapbacked | (readahead ? PG_readahead : 0);
  if (shadow !== undefined) k.workingsetRefault(pfn, shadow, true);
  k.lru.addNew(pfn);
  folioPut(k, pfn); // the cache keeps its reference
  k.vmstat.add(VM.pswpin, 1);
  k.vmstat.add(VM.pgpgin, 4);
  k.ioSwapInPages++;
  return pfn;
}

/**
 * __swapin_nr_pages(): the readahead window from the readahead hits since
 * the last fault: 1 for an isolated fault with no hits, otherwise hits + 2
 * rounded up to a power of two (at least 4), capped at 2^page_cluster, and
 * never below half the previous window.
 */
export function swapinNrPages(prevOffset: number, offset: number, hits: number, maxPages: number, prevWin: number): number {
  let pages = hits + 2;
  if (pages === 2) {
    if (offset !== prevOffset + 1 && offset !== prevOffset - 1) pages = 1;
  } else {
    let roundup = 4;
    while (roundup < pages) roundup *= 2;
    pages = roundup;
  }
  if (pages > maxPages) pages = maxPages;
  const lastRa = Math.floor(prevWin / 2);
  if (pages < lastRa) pages = lastRa;
  return pages;
}

/**
 * swap_cluster_readahead(): reads the faulting slot and its neighbours
 * within an aligned window of the swap area, as page_cluster and recent hits
 * allow. Returns the faulting slot's page, or NO_PFN when out of memory.
 */
export function swapinReadahead(k: Kernel, entry: number): number {
  const si: SwapInfo = swapInfoOf(k, entry);
  const off = swpOffset(entry);
  const maxPages = 2 ** k.pageCluster;
  let win = 1;
  if (maxPages > 1) {
    const hits = si.raHits;
    si.raHits = 0;
    win = swapinNrPages(si.prevOffset, off, hits, maxPages, si.lastRaPages);
    if (!hits) si.prevOffset = off;
    si.lastRaPages = win;
  }
  if (win > 1) {
    const start = Math.max(1, Math.floor(off / win) * win);
    const end = Math.min(si.pages, Math.floor(off / win) * win + win);
    for (let o = start; o < end; o++) {
      if (o === off || si.map[o] === 0 || si.cache.has(o)) continue;
      if ((si.map[o]! & ~0x40) === 0) continue;
      readSwapPage(k, swpEntry(si.type, o), true);
    }
  }
  const hit = si.cache.get(off);
  if (hit !== undefined) return hit;
  return readSwapPage(k, entry, false);
}

/**
 * A swap-cache hit on a page that readahead brought in counts towards the
 * next window (swap_ra_hit / swapin_readahead_hits).
 */
export function noteSwapCacheHit(k: Kernel, pfn: number): void {
  const p = k.pages;
  if (p.flags[pfn]! & PG_readahead) {
    p.flags[pfn] &= ~PG_readahead;
    k.vmstat.add(VM.swap_ra_hit, 1);
    swapInfoOf(k, p.swap[pfn]!).raHits++;
  }
}

/** The workingset flag of a page, for shadows (folio_test_workingset). */
export function isWorkingset(k: Kernel, pfn: number): boolean {
  return (k.pages.flags[pfn]! & PG_workingset) !== 0;
}
