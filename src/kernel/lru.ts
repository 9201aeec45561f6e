// The classic LRU lists of one node: inactive/active anon, inactive/active
// file, unevictable. Linux: include/linux/mm_inline.h (folio_lru_list,
// lruvec_add_folio), mm/swap.c (folio_add_lru, folio_activate).
// Lists are threaded through the head frames' lruPrev/lruNext; the head of a
// list is its most recently added folio.
// Simplification: folios go on their list at once (no per-CPU folio batches).
import { NO_PFN, PG_active, PG_lru, PG_swapbacked, PG_unevictable, type PageArray } from './page.js';
import { VM, type Vmstat } from './vmstat.js';

export const LRU_INACTIVE_ANON = 0;
export const LRU_ACTIVE_ANON = 1;
export const LRU_INACTIVE_FILE = 2;
export const LRU_ACTIVE_FILE = 3;
export const LRU_UNEVICTABLE = 4;
export const NR_LRU_LISTS = 5;

const NODE_ITEM = [VM.nr_inactive_anon, VM.nr_active_anon, VM.nr_inactive_file, VM.nr_active_file, VM.nr_unevictable];
const ZONE_ITEM = [
  VM.nr_zone_inactive_anon,
  VM.nr_zone_active_anon,
  VM.nr_zone_inactive_file,
  VM.nr_zone_active_file,
  VM.nr_zone_unevictable,
];

export class LruLists {
  /** Most recent (head) and oldest (tail) folio of each list. */
  readonly first = new Int32Array(NR_LRU_LISTS).fill(NO_PFN);
  readonly last = new Int32Array(NR_LRU_LISTS).fill(NO_PFN);
  /** Pages on each list. */
  readonly nrPages = new Float64Array(NR_LRU_LISTS);

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

  /** Puts a folio at the head of its list and sets PG_lru (lruvec_add_folio). */
  add(head: number): void {
    const p = this.pages;
    const lru = this.listOf(head);
    const first = this.first[lru]!;
    p.lruPrev[head] = NO_PFN;
    p.lruNext[head] = first;
    if (first !== NO_PFN) p.lruPrev[first] = head;
    else this.last[lru] = head;
    this.first[lru] = head;
    p.flags[head] |= PG_lru;
    this.account(lru, p.nrPages(head));
  }

  /** Puts a folio at the tail (oldest end) of its list (lruvec_add_folio_tail). */
  addTail(head: number): void {
    const p = this.pages;
    const lru = this.listOf(head);
    const last = this.last[lru]!;
    p.lruNext[head] = NO_PFN;
    p.lruPrev[head] = last;
    if (last !== NO_PFN) p.lruNext[last] = head;
    else this.first[lru] = head;
    this.last[lru] = head;
    p.flags[head] |= PG_lru;
    this.account(lru, p.nrPages(head));
  }

  /** Takes a folio off its list and clears PG_lru (lruvec_del_folio). No-op if not on one. */
  del(head: number): void {
    const p = this.pages;
    if (!(p.flags[head]! & PG_lru)) return;
    const lru = this.listOf(head);
    const prev = p.lruPrev[head]!;
    const next = p.lruNext[head]!;
    if (prev !== NO_PFN) p.lruNext[prev] = next;
    else this.first[lru] = next;
    if (next !== NO_PFN) p.lruPrev[next] = prev;
    else this.last[lru] = prev;
    p.flags[head] &= ~PG_lru;
    this.account(lru, -p.nrPages(head));
  }

  /** Moves a folio to another list after its flags change: del, change, add. */
  move(head: number, change: () => void): void {
    const onLru = (this.pages.flags[head]! & PG_lru) !== 0;
    if (onLru) this.del(head);
    change();
    if (onLru) this.add(head);
  }

  private account(lru: number, n: number): void {
    this.nrPages[lru]! += n;
    this.vmstat.add(NODE_ITEM[lru]!, n);
    this.vmstat.add(ZONE_ITEM[lru]!, n);
  }
}
