// A core's cache hierarchy: split L1 (L1i, L1d) over shared lower levels
// (L2, LLC), physically indexed, write-back and write-allocate, each lower
// level inclusive of the ones above it or not. Counts, per access kind
// (instruction, data, page-walk), which level served it, and DRAM reads and
// writes. Defaults: Intel Skylake client (docs/hardware.md).
// Several cores: each has its own hierarchy object (private L1s and L2) and
// the last levels may be CacheLevel instances shared by all of them
// (opts.sharedLower, see cores.ts); an inclusive shared level then
// back-invalidates every core's private copies.
// Simplifications: one line size for all levels; a write-back that misses a
// lower level allocates there without reading DRAM (whole-line write); an L1
// victim is written back before the missing line is fetched; no prefetching
// and no coherence traffic between cores (a core's write does not invalidate
// another core's private copy).
//
//   fetch / load / store / walk read
//        |            |
//      [L1i]        [L1d]        miss -> next level, victim -> write-back below
//         \          /
//          [ L2 ]                inclusive level evicts -> invalidate above
//          [ LLC ]
//          [ DRAM ]
import { C_READ_HITS, C_WRITE_HITS, CacheLevel, type CacheLevelConfig } from './cache.js';

export interface CacheHierarchyConfig {
  l1i: CacheLevelConfig;
  l1d: CacheLevelConfig;
  /** Shared levels below L1, nearest first (e.g. [L2, LLC]); may be empty. */
  lower: CacheLevelConfig[];
}

/**
 * Intel Skylake client (e.g. Core i7-6700K): L1i and L1d 32 KiB 8-way, L2
 * 256 KiB 4-way (non-inclusive), L3 8 MiB 16-way inclusive; 64 B lines.
 * Replacement is modelled as LRU (Intel does not document its policies).
 */
export const SKYLAKE_CACHES: CacheHierarchyConfig = {
  l1i: { name: 'L1i', sizeBytes: 32 * 1024, ways: 8, lineBytes: 64 },
  l1d: { name: 'L1d', sizeBytes: 32 * 1024, ways: 8, lineBytes: 64 },
  lower: [
    { name: 'L2', sizeBytes: 256 * 1024, ways: 4, lineBytes: 64 },
    { name: 'LLC', sizeBytes: 8 * 1024 * 1024, ways: 16, lineBytes: 64, inclusive: true },
  ],
};

/** Operations of access(); the codes of lackey's I, L and S (workload/trace/ref.ts). */
export const OP_FETCH = 0;
export const OP_LOAD = 1;
export const OP_STORE = 2;

/** Access kinds, for the served-by counters. */
export const KIND_INSTR = 0;
export const KIND_DATA = 1;
export const KIND_WALK = 2;
const N_KINDS = 3;

export class CacheHierarchy {
  // Fields are `declare`d so that V8 keeps numbers untagged (see mmu.ts HitPath).
  declare readonly l1i: CacheLevel;
  declare readonly l1d: CacheLevel;
  declare readonly lower: CacheLevel[];
  declare readonly lineBytes: number;
  /**
   * counted[kind * levels + k]: line accesses of a kind served at level k,
   * where k = 0 is L1, 1..lower.length the lower levels, and the last is DRAM;
   * except the L1 hits of instruction and data accesses, which are not
   * counted here but derived (see servedBy): the MMU's inlined hit path then
   * increments two counters per access instead of three.
   */
  private declare readonly counted: Float64Array;
  /** Number of levels in servedBy rows: L1 + lower + DRAM. */
  declare readonly levels: number;
  /** Lines read from and written to DRAM. */
  dramReads = 0;
  dramWrites = 0;
  /** Lines invalidated above by inclusive levels' evictions. */
  backInvalidations = 0;

  private declare readonly lineInv: number;
  /** above[k]: the levels above lower level k (1-based), for back-invalidation. */
  private declare readonly above: CacheLevel[][];

  /**
   * opts.sharedLower: existing levels to use as the last lower levels
   * (shared with other cores' hierarchies) instead of building them from
   * config; config still describes them.
   */
  constructor(config: CacheHierarchyConfig = SKYLAKE_CACHES, opts: { sharedLower?: CacheLevel[] } = {}) {
    const all = [config.l1i, config.l1d, ...config.lower];
    const line = config.l1d.lineBytes;
    for (const c of all) {
      if (c.lineBytes !== line) throw new Error(`${c.name}: line size ${c.lineBytes} differs from L1d's ${line} (one line size per hierarchy)`);
    }
    const shared = opts.sharedLower ?? [];
    if (shared.length > config.lower.length) throw new Error('more shared levels than lower levels');
    this.l1i = new CacheLevel(config.l1i);
    this.l1d = new CacheLevel(config.l1d);
    const own = config.lower.length - shared.length;
    this.lower = config.lower.map((c, i) => (i < own ? new CacheLevel(c) : shared[i - own]!));
    this.lineBytes = line;
    this.lineInv = 1 / line;
    this.levels = this.lower.length + 2;
    this.counted = new Float64Array(N_KINDS * this.levels);
    this.above = [[], ...this.lower.map((_, i) => [this.l1i, this.l1d, ...this.lower.slice(0, i)])];
  }

  /**
   * Makes the back-invalidations of shared inclusive levels reach every
   * core: `cores` are all the hierarchies sharing this one's lower levels
   * (this one included). Call once after building them all.
   */
  linkCores(cores: CacheHierarchy[]): void {
    this.lower.forEach((level, i) => {
      const above: CacheLevel[] = [];
      for (const h of cores) {
        const j = h.lower.indexOf(level);
        if (j < 0) continue;
        above.push(h.l1i, h.l1d, ...h.lower.slice(0, j));
      }
      if (above.length > 0) this.above[i + 1] = above;
    });
  }

  /** A data load (isWrite false) or store of `size` >= 1 bytes at physical address `pa`. */
  data(pa: number, size: number, isWrite: boolean): void {
    this.access(pa, size, isWrite ? OP_STORE : OP_LOAD);
  }

  /** An instruction fetch of `size` >= 1 bytes at `pa`. */
  fetch(pa: number, size: number): void {
    this.access(pa, size, OP_FETCH);
  }

  /**
   * One access (OP_FETCH, OP_LOAD or OP_STORE) of `size` >= 1 bytes at `pa`.
   * An access that straddles two lines is two line accesses. The common
   * case, an L1 hit on the set's last-used way, is all inlined here, in one
   * code path for the three operations (V8 inlines by bytecode budget).
   */
  access(pa: number, size: number, op: number): void {
    const line = Math.floor(pa * this.lineInv);
    if (Math.floor((pa + size - 1) * this.lineInv) !== line) {
      this.straddle(line, op);
      return;
    }
    const l1 = op === OP_FETCH ? this.l1i : this.l1d;
    if (!l1.access(line, op === OP_STORE)) this.missBelow(l1, line, op === OP_FETCH ? KIND_INSTR : KIND_DATA);
  }

  /**
   * The hit path of access(): an access within one line that hits L1 is
   * counted and returns true; anything else returns false having changed
   * nothing, and the caller calls access().
   */
  hit(pa: number, size: number, op: number): boolean {
    const line = Math.floor(pa * this.lineInv);
    if (Math.floor((pa + size - 1) * this.lineInv) !== line) return false;
    return op === OP_FETCH ? this.l1i.lookup(line, false) : this.l1d.lookup(line, op === OP_STORE);
  }

  /**
   * The rest of access() for a line access (not straddling) whose L1
   * lookup missed: allocates the line in L1 and fetches it from below. For
   * the MMU's inlined hit path.
   */
  missL1(line: number, op: number): void {
    const l1 = op === OP_FETCH ? this.l1i : this.l1d;
    l1.allocate(line, op === OP_STORE);
    this.missBelow(l1, line, op === OP_FETCH ? KIND_INSTR : KIND_DATA);
  }

  private straddle(line: number, op: number): void {
    for (let l = line; l <= line + 1; l++) {
      if (op === OP_FETCH) this.instrLine(l);
      else this.dataLine(l, op === OP_STORE, KIND_DATA);
    }
  }

  /**
   * A page-walk read (isWrite false) or an Accessed/Dirty-bit update of the
   * 8-byte entry at `pa`. Walks go through L1d, as on Intel cores since Haswell.
   * Returns the level that served it (0 = L1 ... levels - 1 = DRAM).
   */
  walk(pa: number, isWrite: boolean): number {
    return this.dataLine(Math.floor(pa * this.lineInv), isWrite, KIND_WALK);
  }

  private dataLine(line: number, isWrite: boolean, kind: number): number {
    if (this.l1d.access(line, isWrite)) {
      if (kind === KIND_WALK) this.counted[KIND_WALK * this.levels]++;
      return 0;
    }
    return this.missBelow(this.l1d, line, kind);
  }

  private instrLine(line: number): void {
    if (this.l1i.access(line, false)) return;
    this.missBelow(this.l1i, line, KIND_INSTR);
  }

  /**
   * Cold path: `l1` missed `line` and allocated it. Its victim is written
   * back first (so an inclusive level evicting that same line while the
   * fetch fills it cannot leave a copy behind), then the line is fetched.
   */
  private missBelow(l1: CacheLevel, line: number, kind: number): number {
    if (l1.evictedLine >= 0) this.evicted(0, l1.evictedLine, l1.evictedDirty);
    let k = 1;
    for (; k <= this.lower.length; k++) {
      const c = this.lower[k - 1];
      if (c.access(line, false)) break;
      if (c.evictedLine >= 0) this.evicted(k, c.evictedLine, c.evictedDirty);
    }
    if (k > this.lower.length) this.dramReads++;
    this.counted[kind * this.levels + k]++;
    return k;
  }

  /**
   * A line left level k (0 = an L1): an inclusive level invalidates its
   * copies above (their dirty data joins the write-back), then dirty data is
   * written back to level k + 1.
   */
  private evicted(k: number, line: number, dirty: number): void {
    let isDirty = dirty === 1;
    if (k > 0 && this.lower[k - 1].inclusive) {
      const above = this.above[k];
      for (let i = 0; i < above.length; i++) {
        const c = above[i];
        const d = c.invalidate(line);
        if (d >= 0) {
          this.backInvalidations++;
          if (d === 1) isDirty = true;
        }
      }
    }
    if (isDirty) this.writeBack(k + 1, line);
  }

  /** Writes a dirty line into level k (1-based into lower; past the end is DRAM), allocating on a miss. */
  private writeBack(k: number, line: number): void {
    if (k > this.lower.length) {
      this.dramWrites++;
      return;
    }
    const c = this.lower[k - 1];
    if (!c.access(line, true) && c.evictedLine >= 0) this.evicted(k, c.evictedLine, c.evictedDirty);
  }

  /**
   * servedBy[kind * levels + k]: line accesses of a kind (KIND_INSTR,
   * KIND_DATA, KIND_WALK) served at level k (0 = L1, then the lower levels,
   * the last DRAM). A fresh array. Only fetches look up L1i, and only data
   * accesses and walks L1d, so the L1 hits of fetches are L1i's hits and
   * those of data accesses L1d's hits less the walks'.
   */
  get servedBy(): Float64Array {
    const out = this.counted.slice();
    const hits = (c: CacheLevel) => c.counts[C_READ_HITS]! + c.counts[C_WRITE_HITS]!;
    out[KIND_INSTR * this.levels] = hits(this.l1i);
    out[KIND_DATA * this.levels] = hits(this.l1d) - this.counted[KIND_WALK * this.levels]!;
    return out;
  }

  /** Line accesses of `kind` served at each level (L1, lower..., DRAM). */
  served(kind: number): number[] {
    return Array.from(this.servedBy.subarray(kind * this.levels, (kind + 1) * this.levels));
  }

  all(): CacheLevel[] {
    return [this.l1i, this.l1d, ...this.lower];
  }

  /** Per-level invariants plus inclusion: every line above an inclusive level is in it. */
  checkInvariants(): void {
    for (const c of this.all()) c.checkInvariants();
    this.lower.forEach((c, i) => {
      if (!c.inclusive) return;
      for (const up of [this.l1i, this.l1d, ...this.lower.slice(0, i)]) {
        for (const line of up.lines()) {
          if (!c.contains(line)) throw new Error(`${c.name} is inclusive but lacks line ${line} held by ${up.name}`);
        }
      }
    });
  }
}
