// A cache simulator that counts exactly as valgrind's cachegrind
// (`--tool=cachegrind --cache-sim=yes`, valgrind 3.19): three caches, I1, D1
// and a unified LL reached only on an L1 miss, each true LRU with
// move-to-front tag lists, write-allocate, no dirty state (a write counts as
// an access like a read). Its rules, as cachegrind/cg_sim.c and cg_main.c
// apply them:
//   - an access that straddles two lines is ONE access: both lines are looked
//     up (both update LRU), and it misses if either misses; on an L1 miss the
//     LL is looked up the same way for both lines;
//   - a modify (lackey `M`, a read-modify-write of one address) is one data
//     READ: it counts in Dr/D1mr/DLmr, never in Dw;
//   - data sizes above the smallest line size are clipped to it (cachegrind
//     clips dirty-helper and CAS sizes to min_line_size);
//   - tags start as 0, so block 0 (addresses 0..line-1) hits before it is
//     ever loaded; nothing real lives there;
//   - the LL is neither inclusive nor exclusive: nothing is ever evicted from
//     L1 because of it, and L1 evictions do not touch it.
// Simplification relative to real hardware: everything above is the model.

export interface CgCacheSpec {
  sizeBytes: number;
  assoc: number;
  lineBytes: number;
}

export interface CachegrindConfig {
  I1: CgCacheSpec;
  D1: CgCacheSpec;
  LL: CgCacheSpec;
}

/**
 * The configuration valgrind 3.19's cachegrind auto-detects on this project's
 * machines (AMD EPYC under KVM): I1 and D1 32 KiB 8-way, 64 B lines; the LL
 * that CPUID reports (320 MiB, "1-way") is not a power-of-two number of sets,
 * so cachegrind falls back to 256 MiB direct-mapped. See docs/hardware.md for
 * how to read what cachegrind uses on another machine.
 */
export const CACHEGRIND_DEFAULTS: CachegrindConfig = {
  I1: { sizeBytes: 32768, assoc: 8, lineBytes: 64 },
  D1: { sizeBytes: 32768, assoc: 8, lineBytes: 64 },
  LL: { sizeBytes: 268435456, assoc: 1, lineBytes: 64 },
};

/** cachegrind's smallest allowed line (MIN_LINE_SIZE): smaller lets one instruction straddle three lines. */
export const CG_MIN_LINE_BYTES = 16;

/**
 * The largest guest register valgrind 3.19 reports on amd64 with AVX (a YMM
 * register): cachegrind refuses to run when the smallest line of the three
 * caches is below it, so that no access straddles more than two lines.
 */
export const CG_MAX_REGISTER_BYTES = 32;

/** The event names cachegrind prints, in its order. */
export const CG_EVENTS = ['Ir', 'I1mr', 'ILmr', 'Dr', 'D1mr', 'DLmr', 'Dw', 'D1mw', 'DLmw'] as const;
export type CgEvent = (typeof CG_EVENTS)[number];
export type CachegrindCounts = Record<CgEvent, number>;

const IR = 0;
const I1MR = 1;
const ILMR = 2;
const DR = 3;
const D1MR = 4;
const DLMR = 5;
const DW = 6;
const D1MW = 7;
const DLMW = 8;

function log2Exact(n: number): number {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0 ? 31 - Math.clz32(n) : -1;
}

/** Why cachegrind would reject this cache, in its words, or null if it accepts it (cg_arch.c check_cache). */
export function checkCgCache(c: CgCacheSpec): string | null {
  if (c.sizeBytes % (c.lineBytes * c.assoc) !== 0 || log2Exact(c.sizeBytes / c.lineBytes / c.assoc) < 0) {
    return 'cache set count is not a power of two';
  }
  if (log2Exact(c.lineBytes) < 0) return 'cache line size is not a power of two';
  if (c.lineBytes < CG_MIN_LINE_BYTES) return `cache line size is too small (under ${CG_MIN_LINE_BYTES})`;
  if (c.sizeBytes <= c.lineBytes) return 'cache size <= line size';
  if (c.assoc > c.sizeBytes / c.lineBytes) return 'cache associativity > (size / line size)';
  return null;
}

/**
 * Why cachegrind would refuse to run with these three caches, in its words
 * (cg_main.c cg_post_clo_init), or null: each cache must pass checkCgCache,
 * and the smallest line must hold the largest register (32 bytes on amd64
 * with AVX, the machines cachegrind runs on here).
 */
export function checkCgConfig(c: CachegrindConfig): string | null {
  for (const name of ['I1', 'D1', 'LL'] as const) {
    const bad = checkCgCache(c[name]);
    if (bad) return `${name}: ${bad}`;
  }
  const minLine = Math.min(c.I1.lineBytes, c.D1.lineBytes, c.LL.lineBytes);
  if (minLine < CG_MAX_REGISTER_BYTES) {
    return `the minimum line size (${minLine}) must be equal to or larger than the maximum register size (${CG_MAX_REGISTER_BYTES})`;
  }
  return null;
}

/**
 * Parses cachegrind's option syntax "size,assoc,line_size" (e.g.
 * "32768,8,64"). Returns the spec, or a message saying what is wrong.
 */
export function parseCgCache(text: string): CgCacheSpec | string {
  const m = /^(\d+),(\d+),(\d+)$/.exec(text);
  if (!m) return `expected size,assoc,line_size in bytes (e.g. 32768,8,64), got '${text}'`;
  const spec = { sizeBytes: Number(m[1]), assoc: Number(m[2]), lineBytes: Number(m[3]) };
  if (spec.sizeBytes > 2 ** 31 - 1 || spec.assoc > 2 ** 31 - 1 || spec.lineBytes > 2 ** 31 - 1) {
    return 'one of the cache parameters is too large';
  }
  if (spec.assoc === 0) return 'cache associativity must be at least 1';
  return checkCgCache(spec) ?? spec;
}

/** One cachegrind cache: sets of `assoc` block numbers, most recent first. */
class CgCache {
  private readonly tags: Float64Array;
  private readonly assoc: number;
  private readonly setMask: number;
  private readonly lineInv: number;

  constructor(c: CgCacheSpec) {
    const bad = checkCgCache(c);
    if (bad) throw new Error(bad);
    const sets = c.sizeBytes / c.lineBytes / c.assoc;
    this.assoc = c.assoc;
    this.setMask = sets - 1;
    this.lineInv = 1 / c.lineBytes;
    // Zero, not "invalid": cachegrind starts every tag at 0.
    this.tags = new Float64Array(sets * c.assoc);
  }

  /** One access of `size` bytes at `addr`: true if it misses (cg_sim.c cachesim_ref_is_miss). */
  isMiss(addr: number, size: number): boolean {
    const b1 = Math.floor(addr * this.lineInv);
    const b2 = Math.floor((addr + size - 1) * this.lineInv);
    if (b1 === b2) return this.touch(b1);
    // Straddles two lines: look up both (state changes either way), one miss at most.
    const m1 = this.touch(b1);
    const m2 = this.touch(b2);
    return m1 || m2;
  }

  /** Looks `block` up in its set, moving it to the front; true on a miss (which inserts it). */
  private touch(block: number): boolean {
    const tags = this.tags;
    const base = (block & this.setMask) * this.assoc;
    if (tags[base] === block) return false;
    const end = base + this.assoc;
    let i = base + 1;
    while (i < end && tags[i] !== block) i++;
    const miss = i === end;
    if (miss) i = end - 1; // the LRU block falls off the end
    for (; i > base; i--) tags[i] = tags[i - 1];
    tags[base] = block;
    return miss;
  }
}

export class CachegrindSim {
  readonly config: CachegrindConfig;
  /** Counters in CG_EVENTS order. */
  readonly counts = new Float64Array(CG_EVENTS.length);
  private readonly i1: CgCache;
  private readonly d1: CgCache;
  private readonly ll: CgCache;
  private readonly maxData: number;

  /** Throws if the caches are ones cachegrind would reject or refuse to run with (see checkCgConfig). */
  constructor(config: CachegrindConfig = CACHEGRIND_DEFAULTS) {
    const bad = checkCgConfig(config);
    if (bad) throw new Error(bad);
    this.config = config;
    this.i1 = new CgCache(config.I1);
    this.d1 = new CgCache(config.D1);
    this.ll = new CgCache(config.LL);
    this.maxData = Math.min(config.I1.lineBytes, config.D1.lineBytes, config.LL.lineBytes);
  }

  /** An instruction fetch of `size` bytes (lackey `I`); size 0 is taken as 1. */
  instr(addr: number, size: number): void {
    this.counts[IR]++;
    if (this.i1.isMiss(addr, size || 1)) {
      this.counts[I1MR]++;
      if (this.ll.isMiss(addr, size || 1)) this.counts[ILMR]++;
    }
  }

  /** A data read (lackey `L`) or modify (lackey `M`). */
  read(addr: number, size: number): void {
    const n = size === 0 ? 1 : size > this.maxData ? this.maxData : size;
    this.counts[DR]++;
    if (this.d1.isMiss(addr, n)) {
      this.counts[D1MR]++;
      if (this.ll.isMiss(addr, n)) this.counts[DLMR]++;
    }
  }

  /** A data write (lackey `S`). */
  write(addr: number, size: number): void {
    const n = size === 0 ? 1 : size > this.maxData ? this.maxData : size;
    this.counts[DW]++;
    if (this.d1.isMiss(addr, n)) {
      this.counts[D1MW]++;
      if (this.ll.isMiss(addr, n)) this.counts[DLMW]++;
    }
  }

  /** The counts by cachegrind's event names. */
  result(): CachegrindCounts {
    const out = {} as CachegrindCounts;
    CG_EVENTS.forEach((name, i) => (out[name] = this.counts[i]));
    return out;
  }
}

/** cachegrind's description of a cache ("32768 B, 64 B, 8-way associative"), as in its desc: lines. */
export function describeCgCache(c: CgCacheSpec): string {
  return c.assoc === 1 ? `${c.sizeBytes} B, ${c.lineBytes} B, direct-mapped` : `${c.sizeBytes} B, ${c.lineBytes} B, ${c.assoc}-way associative`;
}
