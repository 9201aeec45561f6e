// Allocating, referencing and freeing folios. Linux: mm/page_alloc.c
// (prep_compound_page, __folio_alloc), mm/swap.c (folio_put, __folio_put),
// include/linux/mm.h (folio_get, folio_ref_add).
import { clearLargeMapcount } from './mm_id.js';
import type { Kernel } from './kernel.js';
import { NO_PFN, PG_active, PG_head, PG_hugetlb, PG_lru, PG_mlocked, PG_tail, PG_unevictable, PG_zero } from './page.js';
import { ZONE_NORMAL, WMARK_HIGH, WMARK_LOW, WMARK_MIN } from './page_alloc.js';
import { kswapdBalance, MAX_RECLAIM_RETRIES, tryToFreePages } from './vmscan.js';
import { outOfMemory } from './oom_kill.js';
import { taskMemcg, tryCharge, uncharge } from './memcontrol.js';
import { VM } from './vmstat.js';
import { Actor } from './clock.js';
import { freeHugeFolio } from './hugetlb.js';

/**
 * __alloc_pages(): 2^order frames from `highestZone` down. The fast path
 * keeps every zone above its low watermark; below it kswapd is woken (and,
 * in mmsim, runs at once until the node is balanced); then the min
 * watermark; then direct reclaim (allocstall), retried while it makes
 * progress (MAX_RECLAIM_RETRIES); then, for orders up to 3, the OOM killer.
 * Returns the first pfn or NO_PFN.
 */
export function allocPages(k: Kernel, order: number, highestZone = ZONE_NORMAL): number {
  let pfn = k.buddy.alloc(order, highestZone, WMARK_LOW);
  if (pfn !== NO_PFN) return pfn;
  // kswapd works beside the allocating task (on another CPU): its time is its own.
  k.clock.settle(k, Actor.Task);
  const wasKilled = k.current?.killed ?? false;
  kswapdBalance(k);
  k.clock.settle(k, Actor.Kswapd);
  // kswapd may OOM-kill (MGLRU's min_ttl_ms): if it chose the allocating task, the allocation fails.
  if (!wasKilled && k.current?.killed) return NO_PFN;
  pfn = k.buddy.alloc(order, highestZone, WMARK_MIN);
  if (pfn !== NO_PFN) return pfn;
  for (;;) {
    let noProgress = 0;
    while (noProgress < MAX_RECLAIM_RETRIES) {
      k.vmstat.add(VM.allocstall_dma + Math.min(highestZone, 2), 1);
      const got = tryToFreePages(k);
      pfn = k.buddy.alloc(order, highestZone, WMARK_MIN);
      if (pfn !== NO_PFN) return pfn;
      noProgress = got ? 0 : noProgress + 1;
    }
    if (order > 3) return NO_PFN;
    // One last try against the high watermark, then the OOM killer.
    pfn = k.buddy.alloc(order, highestZone, WMARK_HIGH);
    if (pfn !== NO_PFN) return pfn;
    const current = k.current;
    outOfMemory(k, current);
    pfn = k.buddy.alloc(order, highestZone, WMARK_MIN);
    if (pfn !== NO_PFN) return pfn;
    if (current && current.killed) return NO_PFN;
  }
}

/**
 * Allocates a folio of 2^order frames for user memory (GFP_HIGHUSER_MOVABLE),
 * with refcount 1, reclaiming as needed. Returns the head pfn or NO_PFN.
 */
export function allocFolio(k: Kernel, order: number): number {
  const pfn = allocPages(k, order);
  if (pfn === NO_PFN) return NO_PFN;
  // mem_cgroup_charge(): the folio belongs to the cgroup of the task it is for.
  const m = taskMemcg(k, k.current);
  if (m.id !== 0) {
    if (!tryCharge(k, m, 1 << order)) {
      k.buddy.free(pfn, order);
      return NO_PFN;
    }
    k.pages.memcg[pfn] = m.id;
  }
  if (order > 0) {
    const p = k.pages;
    p.flags[pfn] = PG_head;
    p.order[pfn] = order;
    const n = 1 << order;
    for (let i = 1; i < n; i++) {
      p.flags[pfn + i] = PG_tail;
      p.head[pfn + i] = pfn;
    }
  }
  return pfn;
}

/** Takes a reference (folio_get / folio_ref_add). */
export function folioGet(k: Kernel, head: number, n = 1): void {
  k.pages.refcount[head]! += n;
}

/**
 * Drops `n` references (folio_put / folio_put_refs); the last one takes the
 * folio off its LRU list and frees its frames. The zero pages are never freed.
 */
export function folioPut(k: Kernel, head: number, n = 1): void {
  const p = k.pages;
  if (p.flags[head]! & PG_zero) return;
  p.refcount[head]! -= n;
  if (p.refcount[head]! > 0) return;
  if (p.refcount[head]! < 0) throw new Error(`folio ${head}: refcount below zero`);
  if (p.flags[head]! & PG_hugetlb) freeHugeFolio(k, head);
  else freeFolio(k, head);
}

function freeFolio(k: Kernel, head: number): void {
  const p = k.pages;
  if (p.flags[head]! & PG_lru) k.lru.del(head);
  const n = p.nrPages(head);
  if (p.flags[head]! & PG_mlocked) k.vmstat.add(VM.nr_mlock, -n);
  if (k.deferredSplit.delete(head)) {
    /* dequeued from the deferred split list on free */
  }
  const order = p.flags[head]! & PG_head ? p.order[head]! : 0;
  uncharge(k, p.memcg[head]!, n);
  p.memcg[head] = 0;
  for (let i = 0; i < n; i++) {
    p.flags[head + i] = 0;
    p.mapping[head + i] = 0;
    p.mapcount[head + i] = 0;
  }
  p.entireMapcount[head] = 0;
  clearLargeMapcount(k, head);
  p.refcount[head] = 0;
  k.buddy.free(head, order);
}

/** Clears the LRU-position flags a fresh folio must not carry. */
export function resetLruFlags(k: Kernel, head: number): void {
  k.pages.flags[head] &= ~(PG_active | PG_unevictable | PG_mlocked);
}
