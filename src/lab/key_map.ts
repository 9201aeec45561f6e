// The key -> id map of the trace-lab policies: keys (page numbers or object
// ids, exact doubles below 2^53) get small integer ids, and the policies keep
// per-key state in typed arrays indexed by id (struct-of-arrays). Small keys
// may be looked up in a direct table, the rest in an open-addressing hash
// table: one hash and a short linear probe. Lookups, insertions and deletions
// allocate nothing; deletion shifts entries back (no tombstones). Capacity is
// fixed at construction; grow() is a cold path.

const EMPTY = -1;
/** The direct table never exceeds 2^22 keys (16 MiB). */
const DIRECT_MAX = 1 << 22;

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

export interface KeyMapOptions {
  /**
   * Keys below this bound are looked up in a direct table (4 bytes per key,
   * allocated as keys arrive, by doubling), as SlotIndex does: mmsim binary
   * traces number pages 0, 1, 2... in order of first use, so the popular
   * pages have small ids and most lookups become one array load instead of a
   * hash and a probe. Default 0 (hash every key); at most 2^22.
   */
  directKeys?: number;
}

// Each tracked key owns an id in [0, maxIds). Where a key is found:
//
//   key < directKeys:  direct[key] = id                        (-1: absent)
//   otherwise:         table[slot] = fingerprint << idBits | id (-1: empty)
//
// Deletion shifts entries back (no tombstones), so probe lengths do not
// decay over a long replay. Layout, for maxIds = 3 (table of 8 slots, 2 id bits):
//   keys:  [ 4096 | 7 | <free: next 2> ]       keys[id], or the free-list link
//   table: [ -1, fp|1, -1, -1, fp|0, -1, ... ] slot -> fingerprint << idBits | id
// The fingerprint (the hash's top 31 − idBits bits) lets a probe skip
// non-matching slots without reading keys[] (a cache miss on large tables),
// and dist[slot] (the entry's distance from its home slot, saturating at 255)
// lets deletion shift entries back without rehashing their keys.
// The capacity is fixed at construction (policies know their bound: residents
// plus ghosts); add() beyond it throws. A policy without a hard bound calls
// grow() when full, a cold path that keeps every id.
// Memory: 8 (key) + 5 per slot (table, dist) at 1.25-2.5 slots per id, so
// 14.25-20.5 bytes per id, plus 4 bytes per direct key that has arrived.
export class KeyMap {
  /** keys[id] is the key that owns `id`; for a free id, the next free id. */
  keys: Float64Array;
  private direct = new Int32Array(0);
  private readonly directKeys: number;
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
  constructor(maxIds: number, opts: KeyMapOptions = {}) {
    if (!(maxIds >= 1) || !Number.isInteger(maxIds)) throw new RangeError(`KeyMap: bad maxIds ${maxIds}`);
    this.maxIds = maxIds;
    this.directKeys = Math.max(0, Math.min(DIRECT_MAX, Math.floor(opts.directKeys ?? 0)));
    this.keys = new Float64Array(maxIds);
    // Load factor at most 0.8 with every id in use (usually well below);
    // fingerprints keep the longer probe runs cheap: they stay in one or two
    // cache lines of `table` and rarely read keys[].
    const slots = slotsFor(maxIds);
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
    if (key < this.direct.length) return this.direct[key | 0]!; // | 0: an int32 index, exact here
    if (key < this.directKeys) return EMPTY;
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
    this.count++;
    if (key < this.directKeys) {
      if (key >= this.direct.length) this.growDirect(key);
      this.direct[key | 0] = id;
    } else this.insert(key, id);
    return id;
  }

  /** Puts the entry of `id`, whose key is `key`, in the first empty slot of its probe run. */
  private insert(key: number, id: number): void {
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
  }

  /** Removes the key that owns `id` (precondition: `id` is in use) and frees the id. */
  delete(id: number): void {
    const keys = this.keys;
    const key = keys[id];
    if (key < this.directKeys) this.direct[key | 0] = EMPTY;
    else this.unlink(key, id);
    keys[id] = this.freeHead;
    this.freeHead = id;
    this.count--;
  }

  /** Takes the table entry of `id`, whose key is `key`, out of the hash table. */
  private unlink(key: number, id: number): void {
    const table = this.table;
    const keys = this.keys;
    const mask = this.mask;
    const idMask = this.idMask;
    let i = hashKey(key) & mask;
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
  }

  // Cold path: the direct table doubles until it covers `key` (at most directKeys).
  private growDirect(key: number): void {
    let n = Math.max(1024, this.direct.length);
    while (n <= key) n *= 2;
    n = Math.min(n, this.directKeys);
    const t = new Int32Array(n).fill(EMPTY);
    t.set(this.direct);
    this.direct = t;
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
    const slots = slotsFor(newMaxIds);
    this.table = new Int32Array(slots).fill(EMPTY);
    this.dist = new Uint8Array(slots);
    this.mask = slots - 1;
    this.setIdBits(newMaxIds);
    // Direct entries stay where they are: ids do not change.
    for (let id = 0; id < this.maxIds; id++) {
      const key = this.keys[id];
      if (key >= this.directKeys) this.insert(key, id);
    }
    for (let i = this.maxIds; i < newMaxIds; i++) this.keys[i] = i + 1 < newMaxIds ? i + 1 : EMPTY;
    this.freeHead = this.maxIds;
    this.maxIds = newMaxIds;
  }

  /** Removes every key. O(table size); not for the per-access path. */
  clear(): void {
    this.direct.fill(EMPTY);
    this.table.fill(EMPTY);
    this.dist.fill(0);
    for (let i = 0; i < this.maxIds; i++) this.keys[i] = i + 1 < this.maxIds ? i + 1 : EMPTY;
    this.freeHead = 0;
    this.count = 0;
  }

  /** Bytes a map of `maxIds` ids holds besides its direct table. */
  static bytesFor(maxIds: number): number {
    return 8 * maxIds + 5 * slotsFor(maxIds);
  }

  /** Bytes held in typed arrays now. */
  byteLength(): number {
    return this.keys.byteLength + this.table.byteLength + this.dist.byteLength + this.direct.byteLength;
  }

  /** Bytes held at most at this capacity, once the direct table has grown to its bound. */
  maxByteLength(): number {
    return this.keys.byteLength + this.table.byteLength + this.dist.byteLength + 4 * this.directKeys;
  }
}

/** Hash slots for `maxIds` ids: the power of two at or above 1.25·maxIds (at least 8). */
function slotsFor(maxIds: number): number {
  let slots = 8;
  while (slots < maxIds * 1.25) slots *= 2;
  return slots;
}

/**
 * Direct-table size for a policy of `capacity` pages whose other state takes
 * `otherBytesPerPage`: what remains of `budgetBytesPerPage` (64 by default), at
 * 4 bytes per key. Returns 0 when nothing remains.
 */
export function directKeysFor(capacity: number, otherBytesPerPage: number, budgetBytesPerPage = 64): number {
  const spare = budgetBytesPerPage - otherBytesPerPage;
  return spare > 0 ? Math.min(DIRECT_MAX, Math.floor((capacity * spare) / 4)) : 0;
}
