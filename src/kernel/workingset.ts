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

/** workingset_age_nonresident(). */
export function ageNonresident(k: Kernel, nr: number): void {
  k.nonresidentAge += nr;
}

/** workingset_eviction(): the shadow to store where the folio was (clock * 2 + workingset bit). */
export function workingsetEviction(k: Kernel, head: number): number {
  const n = k.pages.nrPages(head);
  ageNonresident(k, n);
  return k.nonresidentAge * 2 + (k.pages.flags[head]! & PG_workingset ? 1 : 0);
}

/** workingset_activation(): an activation also ages the clock. */
export function workingsetActivation(k: Kernel, head: number): void {
  ageNonresident(k, k.pages.nrPages(head));
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
  const eviction = Math.floor(shadow / 2);
  const wasWorkingset = shadow % 2 === 1;
  const distance = k.nonresidentAge - eviction;
  const v = k.vmstat;
  let size = v.get(VM.nr_active_file);
  if (!file) size += v.get(VM.nr_inactive_file);
  if (k.nrSwapPages > 0) {
    size += v.get(VM.nr_active_anon);
    if (file) size += v.get(VM.nr_inactive_anon);
  }
  if (distance > size) return;
  p.flags[head] |= PG_active;
  ageNonresident(k, n);
  v.add(file ? VM.workingset_activate_file : VM.workingset_activate_anon, n);
  if (wasWorkingset) {
    p.flags[head] |= PG_workingset;
    v.add(file ? VM.workingset_restore_file : VM.workingset_restore_anon, n);
    k.noteRefaultCost(file, n);
  }
}
