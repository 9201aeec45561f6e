// Workingset detection: shadow entries and refault distances. Linux:
// mm/workingset.c (workingset_eviction, workingset_refault,
// workingset_test_recent, workingset_activation, workingset_age_nonresident).
//
// Every eviction from the inactive list and every activation advance the
// node's nonresident_age clock. An evicted page leaves a shadow holding the
// clock value (and whether it was in the workingset). On refault, the pages
// evicted or activated since — the refault distance — are compared with the
// workingset size: a page that would have stayed resident with that much
// more memory is activated at once.
import type { Kernel } from './kernel.js';
import { PG_active, PG_swapbacked, PG_workingset } from './page.js';
import { VM } from './vmstat.js';
import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, MAX_MEMCG } from './lru.js';
import { lruGenEviction } from './lru_gen_workingset.js';

/** workingset_age_nonresident(): the lruvec's clock and its parents' advance. */
export function ageNonresident(k: Kernel, memcg: number, nr: number): void {
  k.memcgs[memcg]!.nonresidentAge += nr;
  if (memcg !== 0) k.memcgs[0]!.nonresidentAge += nr;
}

/**
 * workingset_eviction(): the shadow to store where the folio was:
 * (clock * 64 + memcg id) * 2 + workingset bit.
 */
export function workingsetEviction(k: Kernel, head: number): number {
  if (k.lruGen.enabled) return lruGenEviction(k, head);
  const n = k.pages.nrPages(head);
  const memcg = k.pages.memcg[head]!;
  ageNonresident(k, memcg, n);
  return (k.memcgs[memcg]!.nonresidentAge * MAX_MEMCG + memcg) * 2 + (k.pages.flags[head]! & PG_workingset ? 1 : 0);
}

/** workingset_activation(): an activation also ages the clock. */
export function workingsetActivation(k: Kernel, head: number): void {
  ageNonresident(k, k.pages.memcg[head]!, k.pages.nrPages(head));
}

/**
 * workingset_refault(): called before the refaulting folio goes on the LRU.
 * Counts the refault and, for a recent one, marks the folio active (and
 * workingset, counting a restore, if it was in the workingset before).
 */
export function workingsetRefault(k: Kernel, head: number, shadow: number, anon: boolean): void {
  const p = k.pages;
  const n = p.nrPages(head);
  const file = !anon && !(p.flags[head]! & PG_swapbacked);
  k.vmstat.add(file ? VM.workingset_refault_file : VM.workingset_refault_anon, n);
  const wasWorkingset = shadow % 2 === 1;
  const memcg = Math.floor(shadow / 2) % MAX_MEMCG;
  const eviction = Math.floor(Math.floor(shadow / 2) / MAX_MEMCG);
  const m = k.memcgs[memcg] ?? k.memcgs[0]!;
  const distance = m.nonresidentAge - eviction;
  const v = k.vmstat;
  // workingset_test_recent() sizes the workingset from the lruvec's flushed statistics.
  const lru = (l: number): number => m.flushedLru[l]!;
  let size = lru(LRU_ACTIVE_FILE);
  if (!file) size += lru(LRU_INACTIVE_FILE);
  if (k.nrSwapPages > 0) {
    size += lru(LRU_ACTIVE_ANON);
    if (file) size += lru(LRU_INACTIVE_ANON);
  }
  if (distance > size) return;
  p.flags[head] |= PG_active;
  ageNonresident(k, p.memcg[head]!, n);
  v.add(file ? VM.workingset_activate_file : VM.workingset_activate_anon, n);
  const owner = k.memcgs[p.memcg[head]!]!;
  if (file) owner.activateFile += n;
  else owner.activateAnon += n;
  if (wasWorkingset) {
    p.flags[head] |= PG_workingset;
    v.add(file ? VM.workingset_restore_file : VM.workingset_restore_anon, n);
    k.noteRefaultCost(p.memcg[head]!, file, n);
  }
}
