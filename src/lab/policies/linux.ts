// Linux's classic two-list LRU (mm/vmscan.c without MGLRU) for one LRU type:
// mapped anonymous pages referenced through their PTEs. New pages start on the
// inactive list; reclaim gives referenced pages a second chance, activates
// pages referenced again, and deactivates by inactive_is_low()'s ratio.
// Simplifications: one page reclaimed per fault at a full cache, no batches,
// priorities, dirty pages or refault activation (full list in the class comment).

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { IdLists } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';

const INACTIVE = 0;
const ACTIVE = 1;

// flags[id]
const PG_ACTIVE = 1;
const PG_REFERENCED = 2;
const PTE_YOUNG = 4;

/** ⌊√n⌋ for integers n ≥ 0, exact (Linux: int_sqrt()). */
export function isqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}

/**
 * Linux's inactive_is_low(): with gb = ⌊(inactive + active) pages in GiB⌋ and
 * ratio = gb ? ⌊√(10·gb)⌋ : 1, the inactive list is low iff inactive·ratio < active.
 * Below 1 GiB the target is 1:1; at 1 GiB 1:3, at 10 GiB 1:10, at 100 GiB 1:31.
 */
export function inactiveIsLow(inactive: number, active: number, opts: { pageSizeBytes: number }): boolean {
  const gb = Math.floor(((inactive + active) * opts.pageSizeBytes) / 2 ** 30);
  const ratio = gb > 0 ? isqrt(10 * gb) : 1;
  return inactive * ratio < active;
}

export interface LinuxLruStats {
  /** Pages scanned on the inactive list (pgscan). */
  pgscan: number;
  /** Pages reclaimed (pgsteal). */
  pgsteal: number;
  /** Inactive -> active moves (pgactivate). */
  pgactivate: number;
  /** Active -> inactive moves (pgdeactivate); each active page scanned is one (pgrefill). */
  pgdeactivate: number;
  /** Inactive pages given a second chance (young, not yet PG_referenced). */
  rotated: number;
  nrActive: number;
  nrInactive: number;
}

// Linux's classic two-list LRU (mm/vmscan.c without MGLRU) for one LRU type:
// mapped anonymous pages, one mapping each, referenced through their PTEs.
//   fault        -> head of the inactive list, PTE young (the faulting access)
//   any access   -> PTE young (the hardware Accessed bit); lists untouched
//   reclaim      -> shrink_inactive_list() on the inactive tail,
//                   folio_check_references():
//                     young, PG_referenced set  -> activate (active head)
//                     young, PG_referenced clear -> set it, rotate (second chance)
//                     not young                 -> reclaim (evict)
//                   Young and PG_referenced are test-and-cleared; an activated
//                   page keeps PG_referenced set, as the kernel leaves it.
//   balance      -> before each scan, while inactive_is_low(), deactivate the
//                   active tail (shrink_active_list(): Accessed bit cleared,
//                   moved to the inactive head; anon pages never stay active).
// So a page needs a second reference after its first check to be activated.
// Simplifications: reclaim frees exactly one page per fault at a full cache
// (no SWAP_CLUSTER_MAX batches, no priorities or watermarks, no kswapd);
// deactivation moves one page at a time; no dirty/writeback, mlock, VM_EXEC,
// file pages or refault (workingset) activation.
export class LinuxLru implements CachePolicy {
  readonly name = 'linux';
  readonly capacity: number;
  /** Options for inactiveIsLow(), made once. */
  private readonly sizing: { pageSizeBytes: number };
  private readonly map: KeyMap;
  private readonly lists: IdLists;
  private readonly flags: Uint8Array;
  private pgscan = 0;
  private pgsteal = 0;
  private pgactivate = 0;
  private pgdeactivate = 0;
  private rotated = 0;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('linux', capacity);
    const p = readParams('linux', { 'page-size': { def: 4096, min: 1, integer: true } }, opts?.params);
    this.capacity = capacity;
    this.sizing = { pageSizeBytes: p['page-size'] };
    this.map = new KeyMap(capacity);
    this.lists = new IdLists(capacity, 2);
    this.flags = new Uint8Array(capacity);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const id = this.map.get(key);
    if (id >= 0) {
      this.flags[id] |= PTE_YOUNG;
      return true;
    }
    this.fault(key);
    return false;
  }

  private fault(key: number): void {
    if (this.lists.len[INACTIVE] + this.lists.len[ACTIVE] >= this.capacity) this.reclaimOne();
    const id = this.map.add(key);
    this.flags[id] = PTE_YOUNG;
    this.lists.pushHead(INACTIVE, id);
  }

  /** Scans the inactive tail, ageing the active list as needed, until one page is reclaimed. */
  private reclaimOne(): void {
    const lists = this.lists;
    const flags = this.flags;
    for (;;) {
      while (inactiveIsLow(lists.len[INACTIVE], lists.len[ACTIVE], this.sizing)) this.deactivateOne();
      const id = lists.tail[INACTIVE];
      this.pgscan++;
      const f = flags[id];
      if ((f & PTE_YOUNG) !== 0) {
        lists.remove(INACTIVE, id);
        if ((f & PG_REFERENCED) !== 0) {
          flags[id] = PG_ACTIVE | PG_REFERENCED;
          lists.pushHead(ACTIVE, id);
          this.pgactivate++;
        } else {
          flags[id] = PG_REFERENCED;
          lists.pushHead(INACTIVE, id);
          this.rotated++;
        }
        continue;
      }
      lists.remove(INACTIVE, id);
      this.map.delete(id);
      this.pgsteal++;
      return;
    }
  }

  /** shrink_active_list() for one page: clear its Accessed bit and move it to the inactive head. */
  private deactivateOne(): void {
    const id = this.lists.popTail(ACTIVE);
    this.flags[id] &= ~(PG_ACTIVE | PTE_YOUNG);
    this.lists.pushHead(INACTIVE, id);
    this.pgdeactivate++;
  }

  size(): number {
    return this.lists.len[INACTIVE] + this.lists.len[ACTIVE];
  }

  /** The reclaim counters, named after /proc/vmstat. */
  stats(): LinuxLruStats {
    return {
      pgscan: this.pgscan,
      pgsteal: this.pgsteal,
      pgactivate: this.pgactivate,
      pgdeactivate: this.pgdeactivate,
      rotated: this.rotated,
      nrActive: this.lists.len[ACTIVE],
      nrInactive: this.lists.len[INACTIVE],
    };
  }
}
