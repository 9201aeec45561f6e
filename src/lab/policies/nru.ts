// NRU (Not Recently Used; Tanenbaum, Modern Operating Systems 3.4.2): each page
// has R (referenced) and M (modified) bits, giving classes 0 = !R!M, 1 = !R M,
// 2 = R !M, 3 = R M. A reference sets R (and M on a write); a new page starts
// with R set. Every `interval` references (param, default = capacity, standing
// in for the clock interrupt) all R bits are cleared. The victim is a page
// drawn uniformly at random (seeded) from the lowest non-empty class.
// Simplification: M is never cleared (no write-back daemon), as in the book.
// Each class is an array of slots with a position index, so moving a page
// between classes and drawing from a class are O(1); a reset is O(resident).
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { SlotIndex } from '../slot_index.js';
import { checkCapacity, checkParams, intParam } from '../params.js';
import { Prng } from '../prng.js';

const R = 2;
const M = 1;

class NruPolicy implements CachePolicy {
  readonly name = 'nru';
  readonly capacity: number;
  private readonly index: SlotIndex;
  private readonly cls: Uint8Array;
  /** members[c * capacity + i], i < count[c]: the slots of class c. */
  private readonly members: Int32Array;
  private readonly posOf: Int32Array;
  private readonly count = new Int32Array(4);
  private readonly interval: number;
  private readonly rng: Prng;
  private ticks = 0;
  private used = 0;

  constructor(capacity: number, opts: PolicyOptions) {
    checkCapacity('nru', capacity);
    checkParams('nru', opts, ['interval']);
    this.capacity = capacity;
    this.interval = intParam('nru', opts, ['interval'], capacity, 1, Number.MAX_SAFE_INTEGER);
    this.index = new SlotIndex(capacity, 20); // direct-table budget: state <= 64 B/page
    this.cls = new Uint8Array(capacity);
    this.members = new Int32Array(4 * capacity);
    this.posOf = new Int32Array(capacity);
    this.rng = new Prng(opts.seed);
  }

  access(key: number, isWrite: boolean, _time: number, _nextUse: number): boolean {
    const s = this.index.find(key);
    let hit = true;
    if (s >= 0) {
      const c = this.cls[s]! | R | (isWrite ? M : 0);
      if (c !== this.cls[s]) this.move(s, c);
    } else {
      this.miss(key, isWrite);
      hit = false;
    }
    if (++this.ticks === this.interval) {
      this.ticks = 0;
      this.clearReferenced();
    }
    return hit;
  }

  size(): number {
    return this.used;
  }

  /** Bytes of policy state at most (typed arrays only), for memory reports. */
  stateBytes(): number {
    return this.index.maxBytes + this.cls.byteLength + this.members.byteLength + this.posOf.byteLength;
  }

  /** Class (0-3) of the page `key`, or -1 if not resident (tests). */
  classOf(key: number): number {
    const s = this.index.find(key);
    return s < 0 ? -1 : this.cls[s]!;
  }

  private miss(key: number, isWrite: boolean): void {
    let s: number;
    if (this.used < this.capacity) s = this.used++;
    else {
      let c = 0;
      while (this.count[c] === 0) c++;
      s = this.members[c * this.capacity + this.rng.nextInt(this.count[c]!)]!;
      this.remove(s);
      this.index.remove(s);
    }
    this.index.insert(s, key);
    this.add(s, R | (isWrite ? M : 0));
  }

  private add(s: number, c: number): void {
    const i = this.count[c]!++;
    this.members[c * this.capacity + i] = s;
    this.posOf[s] = i;
    this.cls[s] = c;
  }

  // Swap-remove: the class's last member fills the hole.
  private remove(s: number): void {
    const c = this.cls[s]!;
    const base = c * this.capacity;
    const i = this.posOf[s]!;
    const lastI = --this.count[c]!;
    const moved = this.members[base + lastI]!;
    this.members[base + i] = moved;
    this.posOf[moved] = i;
  }

  private move(s: number, c: number): void {
    this.remove(s);
    this.add(s, c);
  }

  // The periodic clear of R: classes 2 and 3 pour into 0 and 1, in member order.
  private clearReferenced(): void {
    for (const c of [R, R | M]) {
      const base = c * this.capacity;
      const n = this.count[c]!;
      for (let i = 0; i < n; i++) {
        const s = this.members[base + i]!;
        this.add(s, c & M);
      }
      this.count[c] = 0;
    }
  }
}

export function createNru(capacity: number, opts: PolicyOptions): CachePolicy {
  return new NruPolicy(capacity, opts);
}
