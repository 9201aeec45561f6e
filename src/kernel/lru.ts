// The classic LRU lists: inactive/active anon, inactive/active file,
// unevictable, one set per memory cgroup (a lruvec per memcg, as Linux keeps
// one per memcg per node). Linux: include/linux/mm_inline.h (folio_lru_list,
// lruvec_add_folio), mm/swap.c (folio_add_lru, folio_activate).
// Lists are threaded through the head frames' lruPrev/lruNext; the head of a
// list is its most recently added folio. Node-wide counters (nr_inactive_anon
// and friends) are the sums over all lruvecs.
// Simplification: folios go on their list at once (no per-CPU folio batches,
// except the lazyfree one in lru_cache.ts).
// With the multi-gen LRU on, evictable folios live on its generation lists
// instead (lru_gen.ts): `gen` is the dispatch hook lruvec_add_folio() and
// lruvec_del_folio() call first, as mm_inline.h does.
import { folioListAdd } from './folio_list.js';
import { NO_PFN, PG_active, PG_lru, PG_swapbacked, PG_unevictable, type PageArray } from './page.js';
import { VM, type Vmstat } from './vmstat.js';

export const LRU_INACTIVE_ANON = 0;
export const LRU_ACTIVE_ANON = 1;
export const LRU_INACTIVE_FILE = 2;
export const LRU_ACTIVE_FILE = 3;
export const LRU_UNEVICTABLE = 4;
export const NR_LRU_LISTS = 5;
/** Memory cgroups that can have pages (ids 0..MAX_MEMCG-1; 0 is the root). */
export const MAX_MEMCG = 64;

const NODE_ITEM = [VM.nr_inactive_anon, VM.nr_active_anon, VM.nr_inactive_file, VM.nr_active_file, VM.nr_unevictable];
const ZONE_ITEM = [
  VM.nr_zone_inactive_anon,
  VM.nr_zone_active_anon,
  VM.nr_zone_inactive_file,
  VM.nr_zone_active_file,
  VM.nr_zone_unevictable,
];

/** The multi-gen LRU's side of lruvec_add_folio()/lruvec_del_folio() (lru_gen.ts). */
export interface LruGenHook {
  /** lru_gen_add_folio(): true if the folio went on a generation list (MGLRU on, evictable). */
  addFolio(head: number, reclaiming: boolean): boolean;
  /** lru_gen_del_folio(): true if the folio was on a generation list. */
  delFolio(head: number, reclaiming: boolean): boolean;
  /** folio_add_lru()'s MGLRU part: a folio added in a fault starts active. */
  prepareAdd(head: number): void;
}

export class LruLists {
  /** Most recent (head) and oldest (tail) folio of each list, index memcg * 5 + lru. */
  readonly firstOf = new Int32Array(MAX_MEMCG * NR_LRU_LISTS).fill(NO_PFN);
  readonly lastOf = new Int32Array(MAX_MEMCG * NR_LRU_LISTS).fill(NO_PFN);
  /** Pages on each list of each lruvec. */
  readonly pagesOf = new Float64Array(MAX_MEMCG * NR_LRU_LISTS);
  /** Pages on each list, all lruvecs together (the node's counts). */
  readonly nrPages = new Float64Array(NR_LRU_LISTS);
  /** The multi-gen LRU, when the kernel has one (always in mmsim; it may be disabled). */
  gen: LruGenHook | null = null;

  constructor(
    private readonly pages: PageArray,
    private readonly vmstat: Vmstat,
  ) {}

  /** The list a folio belongs on, from its flags (folio_lru_list). */
  listOf(head: number): number {
    const f = this.pages.flags[head]!;
    if (f & PG_unevictable) return LRU_UNEVICTABLE;
    const base = f & PG_swapbacked ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
    return f & PG_active ? base + 1 : base;
  }

  /** Oldest folio of a list of a memcg's lruvec, or NO_PFN. */
  last(memcg: number, lru: number): number {
    return this.lastOf[memcg * NR_LRU_LISTS + lru]!;
  }

  /** Pages on a list of a memcg's lruvec. */
  size(memcg: number, lru: number): number {
    return this.pagesOf[memcg * NR_LRU_LISTS + lru]!;
  }

  /**
   * folio_add_lru(): a folio new to the LRU (a fault, the page cache, the
   * swap cache). The classic LRU just adds it; the multi-gen LRU may mark it
   * active first.
   */
  addNew(head: number): void {
    if (this.gen !== null) this.gen.prepareAdd(head);
    this.add(head);
  }

  /** Puts a folio at the head of its list and sets PG_lru (lruvec_add_folio). */
  add(head: number): void {
    if (this.gen !== null && this.gen.addFolio(head, false)) return;
    const p = this.pages;
    const lru = this.listOf(head);
    const i = p.memcg[head]! * NR_LRU_LISTS + lru;
    folioListAdd(p, this.firstOf, this.lastOf, i, head, false);
    p.flags[head] |= PG_lru;
    this.account(i, lru, p.nrPages(head));
  }

  /** Puts a folio at the tail (oldest end) of its list (lruvec_add_folio_tail). */
  addTail(head: number): void {
    if (this.gen !== null && this.gen.addFolio(head, true)) return;
    const p = this.pages;
    const lru = this.listOf(head);
    const i = p.memcg[head]! * NR_LRU_LISTS + lru;
    folioListAdd(p, this.firstOf, this.lastOf, i, head, true);
    p.flags[head] |= PG_lru;
    this.account(i, lru, p.nrPages(head));
  }

  /** Takes a folio off its list and clears PG_lru (lruvec_del_folio). No-op if not on one. */
  del(head: number): void {
    const p = this.pages;
    if (!(p.flags[head]! & PG_lru)) return;
    if (this.gen !== null && this.gen.delFolio(head, false)) return;
    const lru = this.listOf(head);
    const i = p.memcg[head]! * NR_LRU_LISTS + lru;
    const prev = p.lruPrev[head]!;
    const next = p.lruNext[head]!;
    if (prev !== NO_PFN) p.lruNext[prev] = next;
    else this.firstOf[i] = next;
    if (next !== NO_PFN) p.lruPrev[next] = prev;
    else this.lastOf[i] = prev;
    p.flags[head] &= ~PG_lru;
    this.account(i, lru, -p.nrPages(head));
  }

  /** Moves a folio to another list after its flags change: del, change, add. */
  move(head: number, change: () => void): void {
    const onLru = (this.pages.flags[head]! & PG_lru) !== 0;
    if (onLru) this.del(head);
    change();
    if (onLru) this.add(head);
  }

  /** __update_lru_size(): the multi-gen LRU counts its pages in these lists' sizes (as active or inactive). */
  updateSize(memcg: number, lru: number, n: number): void {
    this.account(memcg * NR_LRU_LISTS + lru, lru, n);
  }

  private account(i: number, lru: number, n: number): void {
    this.pagesOf[i]! += n;
    this.nrPages[lru]! += n;
    this.vmstat.add(NODE_ITEM[lru]!, n);
    this.vmstat.add(ZONE_ITEM[lru]!, n);
  }
}
