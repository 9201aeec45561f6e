// The key -> slot index every fixed-capacity policy uses: chained hashing
// threaded through the slots themselves. A policy keeps at most `capacity`
// pages, each in a slot 0..capacity-1; this index owns the slot's key
// (keyOf) and one chain link per slot, plus one chain head per bucket:
//
//   head[h(key)] -> slot s -> chain[s] -> slot t -> ... -> -1
//   keyOf[s] = the page in slot s
//
// Memory: 8 (key) + 4 (link) + 4-8 (bucket heads, load 0.5-1) = 16-20 bytes
// per slot. A lookup walks about 1.5 slots on average; insertion and removal
// touch one chain, with no tombstones and no rehashing, since the number of
// keys never exceeds the capacity. Keys are integer doubles in [0, 2^53).
//
// Small keys skip the hash: a key below `directKeys` is looked up in slotOf,
// an Int32Array indexed by the key itself, grown on demand. Dense ids from
// mmsim's binary format are small, and the most popular pages get the
// smallest ids (they appear first), so most lookups become one load, 2-3x
// faster than a chain walk. The table is bounded by a budget in bytes per
// slot that each policy chooses so that all its state stays within 64 bytes
// per resident page: with 32 bytes, a 10,000-page cache indexes ids below
// 80,000 directly and hashes the rest.

const TWO32 = 4294967296;
/** Never more than 2^22 direct keys (16 MiB). */
const DIRECT_MAX = 1 << 22;

export class SlotIndex {
  /** The page held by each slot (meaningful only for occupied slots). */
  readonly keyOf: Float64Array;
  private readonly chain: Int32Array;
  private readonly head: Int32Array;
  private readonly shift: number;
  private slotOf = new Int32Array(0);
  private readonly directKeys: number;
  /** Bucket of the key of the last find(), reused by insert() of that key. */
  private lastKey = -1;
  private lastBucket = 0;

  /** `directBytesPerSlot`: budget for the direct table, in bytes per slot (4 per key). */
  constructor(capacity: number, directBytesPerSlot = 0) {
    this.directKeys = Math.min(DIRECT_MAX, Math.floor((capacity * directBytesPerSlot) / 4));
    let bits = 1;
    while (2 ** bits < capacity) bits++;
    this.keyOf = new Float64Array(capacity);
    this.chain = new Int32Array(capacity);
    this.head = new Int32Array(2 ** bits).fill(-1);
    this.shift = 32 - bits;
  }

  /** Bytes held now (for memory reports). */
  get bytes(): number {
    return this.keyOf.byteLength + this.chain.byteLength + this.head.byteLength + this.slotOf.byteLength;
  }

  /** Bytes held at most, once the direct table has grown to its budget. */
  get maxBytes(): number {
    return this.keyOf.byteLength + this.chain.byteLength + this.head.byteLength + 4 * this.directKeys;
  }

  // Fibonacci hashing of the key's 32-bit halves. Worked example: key 2^32 + 5
  // mixes hi = 1 into lo = 5 before the multiply, so it does not collide with 5.
  private bucket(key: number): number {
    let x: number;
    if (key < TWO32) x = key | 0;
    else {
      const lo = key % TWO32;
      x = (lo | 0) ^ Math.imul(((key - lo) / TWO32) | 0, 0x85ebca6b);
    }
    return Math.imul(x ^ (x >>> 15), 0x9e3779b1) >>> this.shift;
  }

  /** The slot holding `key`, or -1. */
  find(key: number): number {
    if (key < this.slotOf.length) return this.slotOf[key | 0]!; // | 0: an int32 index, exact here
    if (key < this.directKeys) return -1;
    const b = this.bucket(key);
    this.lastKey = key;
    this.lastBucket = b;
    const keyOf = this.keyOf;
    let s = this.head[b]!;
    while (s >= 0 && keyOf[s] !== key) s = this.chain[s]!;
    return s;
  }

  /** Puts `key` in the free slot `s`. Precondition: key absent, s not in use. */
  insert(s: number, key: number): void {
    if (key < this.directKeys) {
      if (key >= this.slotOf.length) this.growDirect(key);
      this.slotOf[key | 0] = s;
      this.keyOf[s] = key;
      return;
    }
    const b = key === this.lastKey ? this.lastBucket : this.bucket(key);
    this.keyOf[s] = key;
    this.chain[s] = this.head[b]!;
    this.head[b] = s;
  }

  /** Frees slot `s` (its key leaves the index). Precondition: s in use. */
  remove(s: number): void {
    const key = this.keyOf[s]!;
    if (key < this.directKeys) {
      this.slotOf[key | 0] = -1;
      return;
    }
    const b = this.bucket(key);
    let t = this.head[b]!;
    if (t === s) {
      this.head[b] = this.chain[s]!;
      return;
    }
    let u = this.chain[t]!;
    while (u !== s) {
      t = u;
      u = this.chain[t]!;
    }
    this.chain[t] = this.chain[s]!;
  }

  // Cold path: the direct table doubles until it covers `key`.
  private growDirect(key: number): void {
    let n = Math.max(1024, this.slotOf.length);
    while (n <= key) n *= 2;
    n = Math.min(n, this.directKeys);
    const t = new Int32Array(n).fill(-1);
    t.set(this.slotOf);
    this.slotOf = t;
  }
}
