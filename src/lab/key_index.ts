// A hash map from page number (any integer double in [0, 2^53)) to a small
// integer, on two typed arrays: open addressing, linear probing, Fibonacci
// hashing, backward-shift deletion (no tombstones, so lookups never slow down
// after many evictions). This is what lets policies keep their state in
// struct-of-arrays indexed by slot instead of in a Map.
//
// Memory: 12 bytes per bucket; the table keeps load between 0.3 and 0.6, so
// 20-40 bytes per key. It grows by doubling when needed, so it also serves as
// a footprint-sized map (trace statistics, id remapping).

const EMPTY = -1;
const TWO32 = 4294967296;
const MAX_LOAD = 0.6;

export class KeyIndex {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private shift: number;
  private count = 0;
  private limit: number;

  /** A map sized for `expected` keys without growing. */
  constructor(expected: number) {
    let bits = 3;
    while (2 ** bits * MAX_LOAD < expected) bits++;
    this.keys = new Float64Array(2 ** bits).fill(EMPTY);
    this.vals = new Int32Array(2 ** bits);
    this.mask = 2 ** bits - 1;
    this.shift = 32 - bits;
    this.limit = Math.floor(2 ** bits * MAX_LOAD);
  }

  /** Number of keys present. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.keys.byteLength + this.vals.byteLength;
  }

  // Home bucket. Worked example: key 2^32 + 5 mixes lo = 5 with hi = 1 before
  // the multiply, so it does not collide with key 5 the way `key | 0` would.
  private home(key: number): number {
    let x: number;
    if (key < TWO32) x = key | 0;
    else {
      const lo = key % TWO32;
      x = (lo | 0) ^ Math.imul(((key - lo) / TWO32) | 0, 0x85ebca6b);
    }
    return Math.imul(x ^ (x >>> 15), 0x9e3779b1) >>> this.shift;
  }

  /** The value stored for `key`, or -1 if absent. */
  get(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(key);
    while (true) {
      const k = keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Stores key -> val (val >= 0). Precondition: key is absent, key >= 0. */
  set(key: number, val: number): void {
    if (this.count >= this.limit) this.grow();
    this.count++;
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(key);
    while (keys[i] !== EMPTY) i = (i + 1) & mask;
    keys[i] = key;
    this.vals[i] = val;
  }

  /** Removes `key`. Precondition: key is present. */
  delete(key: number): void {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = this.home(key);
    while (keys[i] !== key) i = (i + 1) & mask;
    this.count--;
    // Backward shift: pull later entries of the probe run into the hole unless
    // their home lies cyclically in (hole, j], where they already sit.
    let j = i;
    while (true) {
      j = (j + 1) & mask;
      const k = keys[j]!;
      if (k === EMPTY) break;
      const h = this.home(k);
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (!stays) {
        keys[i] = k;
        vals[i] = vals[j]!;
        i = j;
      }
    }
    keys[i] = EMPTY;
  }

  /** Removes every key. O(table size). */
  clear(): void {
    this.keys.fill(EMPTY);
    this.count = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const bits = 32 - this.shift + 1;
    this.keys = new Float64Array(2 ** bits).fill(EMPTY);
    this.vals = new Int32Array(2 ** bits);
    this.mask = 2 ** bits - 1;
    this.shift = 32 - bits;
    this.limit = Math.floor(2 ** bits * MAX_LOAD);
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== EMPTY) this.set(oldKeys[i]!, oldVals[i]!);
  }
}
