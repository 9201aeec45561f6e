// Per-CPU folio batches in front of the LRU lists. Linux: mm/swap.c
// (cpu_fbatches, folio_mark_lazyfree, lru_lazyfree_fn, lru_add_drain).
// A folio marked lazyfree by MADV_FREE waits in a batch (holding a reference)
// until the batch fills or is drained; only then is PG_swapbacked cleared, so
// smaps' LazyFree shows it only after a drain, as on a real machine.
// Simplification: one CPU's batches (the simulated process does not migrate);
// additions to the LRU itself are not batched.
import { folioGet, folioPut } from './folio.js';
import type { Kernel } from './kernel.js';
import { PG_active, PG_anon, PG_head, PG_lru, PG_referenced, PG_swapbacked, PG_swapcache, PG_unevictable } from './page.js';
import { VM } from './vmstat.js';

/** Folios a batch holds before it is moved to the LRU (PAGEVEC_SIZE). */
export const FOLIO_BATCH_SIZE = 31;

/** lru_lazyfree_fn(): an anon folio becomes a clean, non-swap-backed inactive file folio. */
function lazyfreeMove(k: Kernel, head: number): void {
  const p = k.pages;
  const f = p.flags[head]!;
  if (!(f & PG_anon) || !(f & PG_swapbacked) || f & PG_swapcache || f & PG_unevictable) return;
  if (!(f & PG_lru)) return;
  k.lru.move(head, () => {
    p.flags[head] = p.flags[head]! & ~(PG_active | PG_referenced | PG_swapbacked);
  });
  k.vmstat.add(VM.pglazyfree, p.nrPages(head));
}

/**
 * folio_mark_lazyfree(): queue the folio. Linux: mm/swap.c
 * __folio_batch_add_and_move(): the folio joins the batch first; a full
 * batch, or one just joined by a large folio (!folio_may_be_lru_cached),
 * then moves whole, the small folios queued before it included.
 */
export function markLazyfree(k: Kernel, head: number): void {
  const p = k.pages;
  const f = p.flags[head]!;
  if (!(f & PG_anon) || !(f & PG_swapbacked) || f & PG_swapcache || f & PG_unevictable) return;
  folioGet(k, head);
  k.lazyfreeBatch.push(head);
  if (k.lazyfreeBatch.length >= FOLIO_BATCH_SIZE || f & PG_head) lazyfreeBatchMove(k);
}

/** lru_add_drain(): moves this CPU's batched folios to their lists and drops the batch references. */
export function lruAddDrain(k: Kernel): void {
  lazyfreeBatchMove(k);
}

/** folio_batch_move_lru(lru_lazyfree) on this CPU's lazyfree batch. */
function lazyfreeBatchMove(k: Kernel): void {
  const batch = k.lazyfreeBatch.splice(0);
  for (const head of batch) {
    lazyfreeMove(k, head);
    folioPut(k, head);
  }
}
