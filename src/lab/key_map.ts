// An open-addressing hash index from keys (page numbers or object ids, exact
// doubles below 2^53) to small integer ids, shared by the trace-lab policies,
// which keep per-key state in typed arrays indexed by id (struct-of-arrays).
// A lookup is one hash and a short linear probe, allocating nothing; deletion
// shifts entries back (no tombstones). Capacity is fixed; grow() is a cold path.

const EMPTY = -1;

/**
 * 32-bit mix of a non-negative integer key below 2^53. Both 32-bit halves go
 * in, so ids that differ only above bit 32 (x86-64 VPNs) spread too. Uses `>>> 0`
 * and a division, never `>>` on the double itself (see src/hw/addr.ts).
 */
export function hashKey(key: number): number {
  const lo = key >>> 0; // ToUint32: key mod 2^32, exact for integers
  const hi = (key / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2f), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

// Each tracked key owns an id in [0, maxIds). Deletion shifts entries back
// (no tombstones), so probe lengths do not decay over a long replay.
// Layout, for maxIds = 3 (table of 8 slots, 2 id bits):
//   keys:  [ 4096 | 7 | <free: next 2> ]       keys[id], or the free-list link
//   table: [ -1, fp|1, -1, -1, fp|0, -1, ... ] slot -> fingerprint << idBits | id
// The fingerprint (the hash's top 31 − idBits bits) lets a probe skip
// non-matching slots without reading keys[] (a cache miss on large tables),
// and dist[slot] (the entry's distance from its home slot, saturating at 255)
// lets deletion shift entries back without rehashing their keys.
// The capacity is fixed at construction (policies know their bound: residents
// plus ghosts); add() beyond it throws. A policy without a hard bound calls
// grow() when full, a cold path that keeps every id.
export class KeyMap {
  /** keys[id] is the key that owns `id`; for a free id, the next free id. */
  keys: Float64Array;
  private table: Int32Array;
  private dist: Uint8Array;
  private mask: number;
  private idBits = 0;
  private idMask = 0;
  private fpShift = 0;
  private freeHead: number;
  private count: number;
  maxIds: number;

  /** A map that can hold up to `maxIds` keys at once (maxIds ≥ 1). */
  constructor(maxIds: number) {
    if (!(maxIds >= 1) || !Number.isInteger(maxIds)) throw new RangeError(`KeyMap: bad maxIds ${maxIds}`);
    this.maxIds = maxIds;
    this.keys = new Float64Array(maxIds);
    // Load factor at most 0.8 with every id in use (usually well below);
    // fingerprints keep the longer probe runs cheap: they stay in one or two
    // cache lines of `table` and rarely read keys[].
    let slots = 8;
    while (slots < maxIds * 1.25) slots *= 2;
    this.table = new Int32Array(slots).fill(EMPTY);
    this.dist = new Uint8Array(slots);
    this.mask = slots - 1;
    this.setIdBits(maxIds);
    // Free list threaded through `keys`: 0 -> 1 -> ... -> maxIds-1 -> -1.
    for (let i = 0; i < maxIds; i++) this.keys[i] = i + 1 < maxIds ? i + 1 : EMPTY;
    this.freeHead = 0;
    this.count = 0;
  }

  /** Splits a table entry into id bits and fingerprint bits for ids below maxIds. */
  private setIdBits(maxIds: number): void {
    let bits = 1;
    while (2 ** bits < maxIds) bits++;
    this.idBits = bits;
    this.idMask = 2 ** bits - 1;
    // Fingerprint = the top (31 − bits) hash bits; with 31 id bits there are none.
    this.fpShift = bits + 1;
  }

  /** The table entry for `id` whose key hashes to `h`: fingerprint << idBits | id (non-negative). */
  private entry(h: number, id: number): number {
    return this.fpShift >= 32 ? id : (((h >>> this.fpShift) << this.idBits) | id);
  }

  /** Number of keys held. */
  get size(): number {
    return this.count;
  }

  /** The id of `key`, or -1 when absent. Allocates nothing. */
  get(key: number): number {
    const table = this.table;
    const mask = this.mask;
    const idMask = this.idMask;
    const h = hashKey(key);
    const want = this.entry(h, 0);
    let i = h & mask;
    for (;;) {
      const e = table[i];
      if (e === EMPTY) return EMPTY;
      if ((e & ~idMask) === want && this.keys[e & idMask] === key) return e & idMask;
      i = (i + 1) & mask;
    }
  }

  /**
   * Adds `key` (precondition: absent) and returns its new id. Ids are reused
   * most-recently-freed first. Throws when all maxIds ids are taken.
   */
  add(key: number): number {
    const id = this.freeHead;
    if (id === EMPTY) throw new RangeError(`KeyMap: more than ${this.maxIds} keys`);
    this.freeHead = this.keys[id];
    this.keys[id] = key;
    const table = this.table;
    const mask = this.mask;
    const h = hashKey(key);
    let i = h & mask;
    let d = 0;
    while (table[i] !== EMPTY) {
      i = (i + 1) & mask;
      d++;
    }
    table[i] = this.entry(h, id);
    this.dist[i] = d < 255 ? d : 255;
    this.count++;
    return id;
  }

  /** Removes the key that owns `id` (precondition: `id` is in use) and frees the id. */
  delete(id: number): void {
    const table = this.table;
    const keys = this.keys;
    const mask = this.mask;
    const idMask = this.idMask;
    let i = hashKey(keys[id]) & mask;
    while ((table[i] & idMask) !== id || table[i] === EMPTY) i = (i + 1) & mask;
    // Backward-shift deletion: an entry at j, d slots past its home, moves
    // into the hole i unless its home lies cyclically in (i, j], i.e. unless
    // d < (j − i) mod size.
    const dist = this.dist;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const other = table[j];
      if (other === EMPTY) break;
      let d = dist[j];
      if (d === 255) d = (j - (hashKey(keys[other & idMask]) & mask)) & mask;
      const gap = (j - i) & mask;
      if (d >= gap) {
        table[i] = other;
        const nd = d - gap;
        dist[i] = nd < 255 ? nd : 255;
        i = j;
      }
    }
    table[i] = EMPTY;
    dist[i] = 0;
    keys[id] = this.freeHead;
    this.freeHead = id;
    this.count--;
  }

  /**
   * Raises the capacity to `newMaxIds`, keeping every key's id; the new ids
   * are maxIds..newMaxIds-1. Precondition: the map is full (size === maxIds).
   * Callers must grow their own id-indexed arrays to match.
   */
  grow(newMaxIds: number): void {
    if (this.count !== this.maxIds || newMaxIds <= this.maxIds) throw new RangeError('KeyMap.grow: map not full or size not larger');
    const old = this.keys;
    this.keys = new Float64Array(newMaxIds);
    this.keys.set(old);
    let slots = 8;
    while (slots < newMaxIds * 1.25) slots *= 2;
    this.table = new Int32Array(slots).fill(EMPTY);
    this.dist = new Uint8Array(slots);
    this.mask = slots - 1;
    this.setIdBits(newMaxIds);
    for (let id = 0; id < this.maxIds; id++) {
      const h = hashKey(this.keys[id]);
      let i = h & this.mask;
      let d = 0;
      while (this.table[i] !== EMPTY) {
        i = (i + 1) & this.mask;
        d++;
      }
      this.table[i] = this.entry(h, id);
      this.dist[i] = d < 255 ? d : 255;
    }
    for (let i = this.maxIds; i < newMaxIds; i++) this.keys[i] = i + 1 < newMaxIds ? i + 1 : EMPTY;
    this.freeHead = this.maxIds;
    this.maxIds = newMaxIds;
  }

  /** Removes every key. O(table size); not for the per-access path. */
  clear(): void {
    this.table.fill(EMPTY);
    this.dist.fill(0);
    for (let i = 0; i < this.maxIds; i++) this.keys[i] = i + 1 < this.maxIds ? i + 1 : EMPTY;
    this.freeHead = 0;
    this.count = 0;
  }

  /** Bytes held in typed arrays. */
  byteLength(): number {
    return this.keys.byteLength + this.table.byteLength + this.dist.byteLength;
  }
}
