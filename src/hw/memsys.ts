// The memory path of one core, put together: TLB hierarchy -> page walk
// (through the page-walk caches and the data caches) -> cache hierarchy, with
// the cost model on top. Until the kernel's page tables drive it (the MMU,
// TODO(#4)) translation is synthetic: every page has one size, and physical
// frames - for data pages and for page-table pages alike - are handed out in
// first-touch order from frame 0, as a freshly booted machine's allocator
// roughly would. One table page per virtual-address prefix gives walks the
// locality of real ones (the 512 PTEs of a table share 64 cache lines), and
// physical addresses stay small (cache line numbers are small integers).
// The walker sets Dirty as hardware does: a store through a TLB entry without
// D makes the walker write the PTE (one locked write through the caches).
// Simplifications: no PTE state is kept, so a walk for a store always writes
// D and Accessed is never written; an access that straddles two pages is
// translated once, at its first byte.
import { SKYLAKE_CACHES, CacheHierarchy, OP_FETCH, OP_LOAD, OP_STORE, type CacheHierarchyConfig } from './cache_hierarchy.js';
import { SKYLAKE_COST, costOf, type CostConfig, type CostReport } from './cost.js';
import { DEFAULT_PWC, PageWalkCache, WALK_LEVELS, type PwcConfig } from './pwc.js';
import { TLB_DIRTY, TLB_USER, TLB_WRITE, type TlbEntry } from './tlb.js';
import { SKYLAKE_TLB, TlbHierarchy, type TlbHierarchyConfig } from './tlb_hierarchy.js';

export interface MemorySystemOptions {
  tlb?: TlbHierarchyConfig;
  pwc?: PwcConfig;
  caches?: CacheHierarchyConfig;
  cost?: CostConfig;
  /** Page size of the identity mapping: 12 (4 KiB, default), 21 (2 MiB) or 30 (1 GiB). */
  pageShift?: number;
  /** Address-space id of the accesses (default 1). */
  asid?: number;
}

/** TLB fill options, allocated once. */
const FILL_INSTR = { instr: true };
const FILL_DATA = { instr: false };


export interface MemorySystemReport {
  tlb: ReturnType<TlbHierarchy['stats']>;
  pwc: ReturnType<PageWalkCache['stats']>;
  caches: Array<{ name: string } & ReturnType<CacheHierarchy['l1d']['stats']>>;
  dramReads: number;
  dramWrites: number;
  /** Walker writes that set a PTE's Dirty bit. */
  dirtyAssists: number;
  cost: CostReport;
}

export class MemorySystem {
  readonly tlb: TlbHierarchy;
  readonly pwc: PageWalkCache;
  readonly caches: CacheHierarchy;
  readonly costConfig: CostConfig;
  readonly pageShift: number;
  asid: number;
  dirtyAssists = 0;
  private readonly entry: TlbEntry = { pageShift: 12, pfn: 0, flags: 0 };
  private readonly tableEntry: TlbEntry = { pageShift: 21, pfn: 0, flags: 0 };
  private readonly pageSize: number;
  /** Data pages: virtual page number (at pageShift) -> first 4 KiB frame. */
  private readonly pages = new Map<number, number>();
  /** Page-table pages, per level 1..3: virtual-address prefix -> frame (level 0, the root, is rootPfn). */
  private readonly tables = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>(), new Map<number, number>()];
  private rootPfn = -1;
  /** Next free 4 KiB frame. */
  private nextPfn = 0;

  constructor(opts: MemorySystemOptions = {}) {
    this.tlb = new TlbHierarchy(opts.tlb ?? SKYLAKE_TLB);
    this.pwc = new PageWalkCache(opts.pwc ?? DEFAULT_PWC);
    this.caches = new CacheHierarchy(opts.caches ?? SKYLAKE_CACHES);
    this.costConfig = opts.cost ?? SKYLAKE_COST;
    this.pageShift = opts.pageShift ?? 12;
    if (this.pageShift !== 12 && this.pageShift !== 21 && this.pageShift !== 30) {
      throw new Error(`page shift ${this.pageShift}: expected 12, 21 or 30`);
    }
    this.pageSize = 2 ** this.pageShift;
    this.asid = opts.asid ?? 1;
  }

  /** A data load of `size` bytes at virtual address `va`. */
  load(va: number, size: number): void {
    this.access(va, size, OP_LOAD);
  }

  /** A data store; sets the page's Dirty bit through the walker if its TLB entry lacks it. */
  store(va: number, size: number): void {
    this.access(va, size, OP_STORE);
  }

  /** A read-modify-write of one location (lackey `M`): a load, then a store. */
  modify(va: number, size: number): void {
    this.access(va, size, OP_LOAD);
    this.access(va, size, OP_STORE);
  }

  /** An instruction fetch of `size` bytes. */
  fetch(va: number, size: number): void {
    this.access(va, size, OP_FETCH);
  }

  /**
   * One access: OP_FETCH, OP_LOAD or OP_STORE (cache_hierarchy.ts) of `size`
   * >= 1 bytes at `va`. The per-access entry point: one code path for the
   * three operations, so that V8 inlines the TLB and L1 hit paths into it.
   */
  access(va: number, size: number, op: number): void {
    let pa = this.tlb.translate(va, this.asid, op === OP_FETCH);
    if (pa < 0) pa = this.walk(va, op);
    else if (op === OP_STORE && (this.tlb.lastFlags & TLB_DIRTY) === 0) this.setDirty(va);
    this.caches.access(pa, size, op);
  }

  /** Takes `frames` contiguous free frames, aligned to their count (a power of two). */
  private allocFrames(frames: number): number {
    const pfn = Math.ceil(this.nextPfn / frames) * frames;
    this.nextPfn = pfn + frames;
    return pfn;
  }

  /** Frames allocated so far (data and page tables). */
  get framesUsed(): number {
    return this.nextPfn;
  }

  /** Frame of the table at `level` (0 = PML4 ... 3 = PT) on the walk of `va`, allocated on first use. */
  private tablePfn(va: number, level: number): number {
    if (level === 0) {
      if (this.rootPfn < 0) this.rootPfn = this.allocFrames(1);
      return this.rootPfn;
    }
    const prefix = Math.floor(va / 2 ** (48 - 9 * level));
    const map = this.tables[level];
    let pfn = map.get(prefix);
    if (pfn === undefined) {
      pfn = this.allocFrames(1);
      map.set(prefix, pfn);
    }
    return pfn;
  }

  /** Physical address of the 8-byte entry at `level` for `va`: table frame + 8 * index. */
  private entryAddr(va: number, level: number): number {
    return this.tablePfn(va, level) * 4096 + (Math.floor(va / 2 ** (39 - 9 * level)) % 512) * 8;
  }

  /** First frame of the data page holding `va`, allocated on first touch. */
  private pagePfn(va: number): number {
    const vpn = Math.floor(va / this.pageSize);
    let pfn = this.pages.get(vpn);
    if (pfn === undefined) {
      pfn = this.allocFrames(this.pageSize / 4096);
      this.pages.set(vpn, pfn);
    }
    return pfn;
  }

  /**
   * Cold path: a page walk of `va` after misses in both TLB levels. Reads
   * the entries the page-walk caches do not hold through the data caches,
   * caches the upper entries it read, fills the TLBs. Returns the physical
   * address.
   */
  private walk(va: number, op: number): number {
    const isWrite = op === OP_STORE;
    // Entries a full walk of this page size reads: 4 for 4K, 3 for 2M, 2 for 1G.
    const depth = WALK_LEVELS - (this.pageShift - 12) / 9;
    const reads = this.pwc.lookup(va, this.asid) - (WALK_LEVELS - depth);
    const first = depth - Math.max(reads, 1);
    for (let level = first; level < depth; level++) {
      this.caches.walk(this.entryAddr(va, level), false);
      // Cache the upper entries just read (those pointing to another table).
      if (level < depth - 1) {
        const t = this.tableEntry;
        t.pageShift = 39 - 9 * level;
        t.pfn = this.tablePfn(va, level + 1);
        t.flags = 0;
        this.pwc.fill(va, this.asid, t);
      }
    }
    if (isWrite) {
      this.caches.walk(this.entryAddr(va, depth - 1), true);
      this.dirtyAssists++;
    }
    const e = this.entry;
    e.pageShift = this.pageShift;
    e.pfn = this.pagePfn(va);
    e.flags = TLB_WRITE | TLB_USER | (isWrite ? TLB_DIRTY : 0);
    this.tlb.fill(va, this.asid, e, op === OP_FETCH ? FILL_INSTR : FILL_DATA);
    return e.pfn * 4096 + (va - Math.floor(va / this.pageSize) * this.pageSize);
  }

  /** Cold path: the walker writes D into the leaf entry and the TLB entry. */
  private setDirty(va: number): void {
    const depth = WALK_LEVELS - (this.pageShift - 12) / 9;
    this.caches.walk(this.entryAddr(va, depth - 1), true);
    this.tlb.setFlags(va, this.asid, TLB_DIRTY);
    this.dirtyAssists++;
  }

  report(): MemorySystemReport {
    return {
      tlb: this.tlb.stats(),
      pwc: this.pwc.stats(),
      caches: this.caches.all().map((c) => ({ name: c.name, ...c.stats() })),
      dramReads: this.caches.dramReads,
      dramWrites: this.caches.dramWrites,
      dirtyAssists: this.dirtyAssists,
      cost: costOf({ caches: this.caches, stlbHits: this.tlb.stats().stlbHits }, this.costConfig),
    };
  }
}
