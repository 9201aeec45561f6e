// struct page and struct folio as struct-of-arrays, one slot per frame.
// Linux: include/linux/mm_types.h, include/linux/page-flags.h, mm.h.
// A folio of order n is 2^n frames; its head frame carries the folio's state
// (flags, refcount, mapping, index, LRU links, entire mapcount); each frame
// carries its own mapcount (CONFIG_PAGE_MAPCOUNT: the precise per-page count
// that smaps' Pss uses). Arrays cover the whole machine; untouched parts cost
// no memory (see hw/phys_mem.ts).

// Page flags (names from page-flags.h; bit positions are mmsim's own).
export const PG_locked = 1 << 0;
export const PG_referenced = 1 << 1;
export const PG_uptodate = 1 << 2;
export const PG_dirty = 1 << 3;
export const PG_lru = 1 << 4;
export const PG_active = 1 << 5;
export const PG_workingset = 1 << 6;
export const PG_writeback = 1 << 7;
export const PG_reclaim = 1 << 8;
export const PG_swapbacked = 1 << 9;
export const PG_unevictable = 1 << 10;
export const PG_mlocked = 1 << 11;
export const PG_swapcache = 1 << 12;
/** PageAnon: Linux tags folio->mapping's low bit; mmsim keeps a flag. */
export const PG_anon = 1 << 13;
export const PG_anon_exclusive = 1 << 14;
export const PG_head = 1 << 15;
export const PG_tail = 1 << 16;
/** Free, on a buddy free list (PageBuddy); `order` holds the block order. */
export const PG_buddy = 1 << 17;
export const PG_reserved = 1 << 18;
/** A page-table page (PageTable / PGTY_table). */
export const PG_table = 1 << 19;
/** The shared zero page or the huge zero folio. */
export const PG_zero = 1 << 20;
/** Large folio queued for deferred split (partially mapped). */
export const PG_deferred_split = 1 << 21;
/** Page-cache folio under readahead marking (PG_readahead). */
export const PG_readahead = 1 << 22;
/** A hugetlbfs pool page (folio_test_hugetlb): never on an LRU list, never swapped. */
export const PG_hugetlb = 1 << 23;
/** Idle tracking "young" (page_is_young) is not modelled. */

export const NO_PFN = -1;
export const NO_MAPPING = 0;

export class PageArray {
  readonly flags: Uint32Array;
  /** Folio reference count (head frame). */
  readonly refcount: Int32Array;
  /** PTE mappings of this frame (Linux's _mapcount + 1). */
  readonly mapcount: Int32Array;
  /** PMD mappings of the whole folio (head frame; folio->_entire_mapcount + 1). */
  readonly entireMapcount: Int32Array;
  /** Owner: an inode id (page cache) or an anon_vma id (anon), NO_MAPPING if none. */
  readonly mapping: Int32Array;
  /** Page offset in the file, or the anon linear page index (up to 2^36). */
  readonly index: Float64Array;
  /** LRU or buddy free-list links (head frames only). */
  readonly lruPrev: Int32Array;
  readonly lruNext: Int32Array;
  /** Folio order (head) or buddy block order. */
  readonly order: Uint8Array;
  /** Head frame of a tail frame; for a head, itself. */
  readonly head: Int32Array;
  /** Swap entry of a swap-cache folio (folio->swap), -1 if none. */
  readonly swap: Int32Array;
  /** The memory cgroup the folio is charged to (folio->memcg_data), 0 = root. */
  readonly memcg: Uint8Array;

  constructor(readonly nrFrames: number) {
    this.flags = new Uint32Array(nrFrames);
    this.refcount = new Int32Array(nrFrames);
    this.mapcount = new Int32Array(nrFrames);
    this.entireMapcount = new Int32Array(nrFrames);
    this.mapping = new Int32Array(nrFrames);
    this.index = new Float64Array(nrFrames);
    this.lruPrev = new Int32Array(nrFrames);
    this.lruNext = new Int32Array(nrFrames);
    this.order = new Uint8Array(nrFrames);
    this.head = new Int32Array(nrFrames);
    this.swap = new Int32Array(nrFrames);
    this.memcg = new Uint8Array(nrFrames);
  }

  /** Head frame of the folio containing `pfn` (compound_head). */
  folioOf(pfn: number): number {
    return this.flags[pfn]! & PG_tail ? this.head[pfn]! : pfn;
  }

  /** Frames in the folio headed by `head`. */
  nrPages(head: number): number {
    return this.flags[head]! & PG_head ? 1 << this.order[head]! : 1;
  }

  /** folio_mapcount: all mappings of a folio, PTE and PMD. */
  folioMapcount(head: number): number {
    const n = this.nrPages(head);
    let c = this.flags[head]! & PG_head ? this.entireMapcount[head]! : 0;
    for (let i = 0; i < n; i++) c += this.mapcount[head + i]!;
    return c;
  }

  /** folio_precise_page_mapcount: PTE mappings of this frame plus PMD mappings of its folio. */
  pageMapcount(pfn: number): number {
    const head = this.folioOf(pfn);
    return this.mapcount[pfn]! + (this.flags[head]! & PG_head ? this.entireMapcount[head]! : 0);
  }

  /** True if any frame of the folio is mapped (folio_mapped). */
  folioMapped(head: number): boolean {
    if (this.entireMapcount[head]! > 0) return true;
    const n = this.nrPages(head);
    for (let i = 0; i < n; i++) if (this.mapcount[head + i]! > 0) return true;
    return false;
  }
}
