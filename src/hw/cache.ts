// One level of a set-associative CPU cache, physically indexed: tags, dirty
// bits and replacement state per line, write-back and write-allocate. It knows
// nothing of the levels around it: a miss allocates the line and reports the
// victim (evictedLine / evictedDirty) for cache_hierarchy.ts to write back or
// back-invalidate. Simplifications: no sectoring, no prefetcher, no MESI
// states (one core's view), and the index is plain bit selection (no hashed
// LLC slices).
//
// Addresses are line numbers (pa / lineBytes, an exact double below 2^53);
// the set is the line number's low bits:  set = line & (sets - 1).
// e.g. 32 KiB, 8-way, 64 B lines: 64 sets; pa 0x1fff000688 -> line
// 0x7fffc01a, set 0x1a.
import { makePolicy, type ReplacementName, type ReplacementPolicy } from './policies/replacement.js';

export interface CacheLevelConfig {
  /** For reports ("L1d"). */
  name: string;
  sizeBytes: number;
  ways: number;
  lineBytes: number;
  policy?: ReplacementName;
  seed?: number;
  /**
   * The level holds every line of the levels above it: evicting a line here
   * invalidates it above (back-invalidation). Default false (non-inclusive).
   */
  inclusive?: boolean;
}

/** Counter indices into CacheLevel.counts. */
export const C_READ_HITS = 0;
export const C_READ_MISSES = 1;
export const C_WRITE_HITS = 2;
export const C_WRITE_MISSES = 3;
/** Valid lines evicted to make room. */
export const C_EVICTIONS = 4;
/** Evicted lines that were dirty (written back to the level below). */
export const C_WRITEBACKS = 5;
/** Lines dropped by invalidate() (back-invalidation from an inclusive level below). */
export const C_INVALIDATIONS = 6;
const N_COUNTS = 7;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Why a geometry is impossible, or null if it is fine. */
export function checkGeometry(c: { sizeBytes: number; ways: number; lineBytes: number }): string | null {
  if (!isPowerOfTwo(c.lineBytes)) return `line size ${c.lineBytes} is not a power of two`;
  if (!Number.isInteger(c.ways) || c.ways < 1) return `associativity ${c.ways} is not a positive integer`;
  if (!Number.isInteger(c.sizeBytes) || c.sizeBytes < c.lineBytes) return `size ${c.sizeBytes} is smaller than the line size`;
  if (c.sizeBytes % (c.lineBytes * c.ways) !== 0 || !isPowerOfTwo(c.sizeBytes / (c.lineBytes * c.ways))) {
    return `${c.sizeBytes} B / (${c.ways} ways x ${c.lineBytes} B) is not a power-of-two number of sets`;
  }
  return null;
}

/**
 * The arrays behind a level's hit path (lookup()), for the MMU, which
 * inlines it (mmu.ts): a hit is tags[s] === line for a slot s of the set
 * line & setMask (slots set * ways ... + ways - 1), the set's mru way first.
 * A hit sets dirty[s] for a write and counts counts[C_READ_HITS or
 * C_WRITE_HITS]; a hit off the mru way also sets mru[set] and calls
 * policy.touch(set, way). A miss continues with allocate().
 */
export interface CacheHitPath {
  readonly policy: ReplacementPolicy;
  readonly tags: Float64Array;
  readonly mru: Int32Array;
  readonly dirty: Uint8Array;
  readonly counts: Float64Array;
  readonly setMask: number;
  readonly ways: number;
}

export class CacheLevel {
  // Fields are `declare`d so that V8 keeps numbers untagged (see mmu.ts HitPath).
  declare readonly name: string;
  declare readonly sets: number;
  declare readonly ways: number;
  declare readonly lineBytes: number;
  declare readonly inclusive: boolean;
  declare readonly policy: ReplacementPolicy;
  readonly counts = new Float64Array(N_COUNTS);
  /** After a missing access(): the line evicted to make room, or -1 if the way was free. */
  evictedLine = -1;
  /** After a missing access(): 1 if the evicted line was dirty. */
  evictedDirty = 0;

  private declare readonly setMask: number;
  private declare readonly tags: Float64Array;
  private declare readonly dirty: Uint8Array;
  private declare readonly mru: Int32Array;
  /** Valid ways per set: a full set needs no search for an invalid way on a miss. */
  private declare readonly used: Int32Array;

  constructor(c: CacheLevelConfig) {
    const bad = checkGeometry(c);
    if (bad) throw new Error(`${c.name}: ${bad}`);
    this.name = c.name;
    this.ways = c.ways;
    this.lineBytes = c.lineBytes;
    this.sets = c.sizeBytes / (c.lineBytes * c.ways);
    this.setMask = this.sets - 1;
    this.inclusive = c.inclusive === true;
    this.tags = new Float64Array(this.sets * this.ways).fill(-1);
    this.dirty = new Uint8Array(this.sets * this.ways);
    this.mru = new Int32Array(this.sets);
    this.used = new Int32Array(this.sets);
    this.policy = makePolicy(c.policy ?? 'lru', { sets: this.sets, ways: this.ways }, { seed: c.seed ?? 1 });
  }

  get sizeBytes(): number {
    return this.sets * this.ways * this.lineBytes;
  }

  /** The arrays of the hit path (see CacheHitPath). */
  hitPath(): CacheHitPath {
    return { policy: this.policy, tags: this.tags, mru: this.mru, dirty: this.dirty, counts: this.counts, setMask: this.setMask, ways: this.ways };
  }

  /**
   * Reads or writes `line`. Returns true on a hit. On a miss the line is
   * allocated (write-allocate; dirty if isWrite) and evictedLine/evictedDirty
   * describe the victim.
   */
  access(line: number, isWrite: boolean): boolean {
    return this.lookup(line, isWrite) || this.allocate(line, isWrite);
  }

  /**
   * The hit path of access(): true if `line` is present (counted as a hit,
   * replacement state updated, dirty if isWrite); false with nothing counted
   * or changed. The set's most recent way is checked first (one compare, no
   * replacement update: re-touching the MRU way changes no policy's choice),
   * then the other ways.
   */
  lookup(line: number, isWrite: boolean): boolean {
    const set = line & this.setMask;
    const base = set * this.ways;
    let slot = base + this.mru[set]!;
    if (this.tags[slot] !== line) {
      const tags = this.tags;
      const end = base + this.ways;
      slot = base;
      while (slot < end && tags[slot] !== line) slot++;
      if (slot === end) return false;
      this.mru[set] = slot - base;
      this.policy.touch(set, slot - base);
    }
    if (isWrite) this.dirty[slot] = 1;
    this.counts[isWrite ? 2 : 0]!++; // C_WRITE_HITS : C_READ_HITS
    return true;
  }

  /**
   * The miss half of access(), after lookup() returned false: counts the
   * miss and allocates `line` in an invalid way of its set if there is one,
   * else in the policy's victim (evictedLine/evictedDirty describe it).
   * Returns false. Precondition: `line` is not present.
   */
  allocate(line: number, isWrite: boolean): boolean {
    const set = line & this.setMask;
    const base = set * this.ways;
    let way = -1;
    if (this.used[set]! < this.ways) {
      for (let w = 0; w < this.ways; w++) {
        if (this.tags[base + w]! < 0) {
          way = w;
          break;
        }
      }
      this.used[set]!++;
    }
    this.counts[isWrite ? C_WRITE_MISSES : C_READ_MISSES]++;
    if (way < 0) {
      way = this.policy.victim(set);
      this.evictedLine = this.tags[base + way];
      this.evictedDirty = this.dirty[base + way];
      this.counts[C_EVICTIONS]++;
      if (this.evictedDirty) this.counts[C_WRITEBACKS]++;
    } else {
      this.evictedLine = -1;
      this.evictedDirty = 0;
    }
    this.tags[base + way] = line;
    this.dirty[base + way] = isWrite ? 1 : 0;
    this.mru[set] = way;
    this.policy.touch(set, way);
    return false;
  }

  /** Whether `line` is present; changes nothing. */
  contains(line: number): boolean {
    const base = (line & this.setMask) * this.ways;
    for (let w = 0; w < this.ways; w++) if (this.tags[base + w] === line) return true;
    return false;
  }

  /** Whether `line` is present and dirty; changes nothing. */
  isDirty(line: number): boolean {
    const base = (line & this.setMask) * this.ways;
    for (let w = 0; w < this.ways; w++) if (this.tags[base + w] === line) return this.dirty[base + w] === 1;
    return false;
  }

  /** Drops `line`. Returns -1 if absent, else 1 if it was dirty, 0 if clean. */
  invalidate(line: number): number {
    const base = (line & this.setMask) * this.ways;
    for (let w = 0; w < this.ways; w++) {
      if (this.tags[base + w] === line) {
        this.tags[base + w] = -1;
        this.used[line & this.setMask]!--;
        this.counts[C_INVALIDATIONS]++;
        const d = this.dirty[base + w];
        this.dirty[base + w] = 0;
        return d;
      }
    }
    return -1;
  }

  /** Valid lines, in slot order (tests and reports). */
  lines(): number[] {
    const out: number[] = [];
    for (const t of this.tags) if (t >= 0) out.push(t);
    return out;
  }

  /** Throws if a set holds a line twice, a line sits in the wrong set, or a set's valid-way count is wrong. */
  checkInvariants(): void {
    for (let set = 0; set < this.sets; set++) {
      const base = set * this.ways;
      let valid = 0;
      for (let w = 0; w < this.ways; w++) {
        const t = this.tags[base + w];
        if (t < 0) {
          if (this.dirty[base + w]) throw new Error(`${this.name}: invalid way ${w} of set ${set} is dirty`);
          continue;
        }
        valid++;
        if ((t & this.setMask) !== set) throw new Error(`${this.name}: line ${t} in set ${set}`);
        for (let v = 0; v < w; v++) if (this.tags[base + v] === t) throw new Error(`${this.name}: line ${t} twice in set ${set}`);
      }
      if (valid !== this.used[set]) throw new Error(`${this.name}: set ${set} counts ${this.used[set]} valid ways, holds ${valid}`);
    }
  }

  /** Hits, misses and writebacks by name. */
  stats(): { reads: number; readMisses: number; writes: number; writeMisses: number; evictions: number; writebacks: number; invalidations: number } {
    const c = this.counts;
    return {
      reads: c[C_READ_HITS] + c[C_READ_MISSES],
      readMisses: c[C_READ_MISSES],
      writes: c[C_WRITE_HITS] + c[C_WRITE_MISSES],
      writeMisses: c[C_WRITE_MISSES],
      evictions: c[C_EVICTIONS],
      writebacks: c[C_WRITEBACKS],
      invalidations: c[C_INVALIDATIONS],
    };
  }
}
