// LRU stack distances (Mattson, Gecsei, Slutz & Traiger 1970), one reference
// at a time in O(log n): the stack distance of a reference is the number of
// distinct keys referenced since the previous reference to the same key (-1 for
// the first), so an LRU cache of C pages hits exactly the references whose
// distance is below C, for every C at once.
//
// Each reference takes the next position t = 0, 1, 2...; a position is live
// while it is some key's latest reference, so the distance of a reference to a
// key last seen at s is the number of live positions after s. Live positions
// are bits of a bitmap, and a complete binary tree over 256-bit leaves counts
// the live bits below each node: one walk from s's leaf to the root both counts
// the live bits to the right of s and removes s (the leaf being filled is
// counted apart, so adding a position costs no walk). When positions run out, the
// live ones are renumbered 0..live-1 in order (compaction), so memory follows
// the number of keys tracked (about 6 bytes per key plus the caller's key map),
// never the trace length.
import { KeyIndex } from '../key_index.js';

/** Live bits in a 32-bit word. Example: 0b1011 -> 3. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

const MIN_POSITIONS = 1 << 10;
/** Positions per tree leaf: 8 bitmap words, one 32-byte run of memory. */
const LEAF_SHIFT = 8;
const LEAF_WORDS = 1 << (LEAF_SHIFT - 5);

/**
 * Stack distances over caller-assigned ids: small non-negative integers (dense
 * ids from an mmsim trace, or ids a key map hands out). State per id: its
 * latest position, or -1 while untracked.
 */
export class StackDistance {
  private posOf: Int32Array;
  /** Positions available before the next compaction: a power of two >= 1024. */
  private cap: number;
  private bits: Int32Array;
  /** Complete binary tree of live counts: tree[1] is the root, leaf j is tree[leaves + j]. */
  private tree: Int32Array;
  private leaves: number;
  private t = 0;
  private live = 0;
  /** The leaf that positions are being added to; its bits are not in the tree yet. */
  private open = 0;
  /** Live positions in the open leaf. */
  private openLive = 0;

  /** `positions`: initial number of positions (rounded up to a power of two, at least 1024). */
  constructor(opts: { positions?: number; ids?: number } = {}) {
    let cap = MIN_POSITIONS;
    while (cap < (opts.positions ?? 1 << 16)) cap *= 2;
    this.cap = cap;
    this.leaves = cap >>> LEAF_SHIFT;
    this.bits = new Int32Array(cap >>> 5);
    this.tree = new Int32Array(2 * this.leaves);
    this.posOf = new Int32Array(Math.max(16, opts.ids ?? 1024)).fill(-1);
  }

  /** Number of ids tracked (touched and not dropped since). */
  get size(): number {
    return this.live;
  }

  /** Bytes of typed arrays held now. */
  get bytes(): number {
    return this.posOf.byteLength + this.bits.byteLength + this.tree.byteLength;
  }

  /**
   * Records a reference to `id` (0 <= id < 2^31); returns its stack distance,
   * or -1 if `id` is not tracked (first reference, or dropped since).
   * Allocates nothing except when the id table or the positions must grow.
   */
  touch(id: number): number {
    if (id >= this.posOf.length) this.growIds(id);
    const s = this.posOf[id]!;
    const d = s < 0 ? -1 : this.remove(s);
    if (this.t === this.cap) this.compact();
    const t = this.t++;
    if (t >>> LEAF_SHIFT !== this.open) this.seal(t >>> LEAF_SHIFT);
    this.posOf[id] = t;
    this.live++;
    this.openLive++;
    this.bits[t >>> 5]! |= 1 << (t & 31);
    return d;
  }

  /** Stops tracking `id` (its next touch is a first reference again). No-op if untracked. */
  drop(id: number): void {
    if (id >= this.posOf.length) return;
    const s = this.posOf[id]!;
    if (s < 0) return;
    this.remove(s);
    this.posOf[id] = -1;
  }

  // Clears live position s and returns the number of live positions after it:
  // those after s in its own leaf (popcounts over at most 8 words), those in
  // the open leaf, and the tree's counts of the leaves in between, read off the
  // right siblings on the way up from s's leaf (which the walk decrements).
  // Worked example, 8-bit words for brevity: word 1011 0110 (bit 0 on the
  // right), s = bit 2: the live bits above it are 1011 0 -> 3 of them.
  private remove(s: number): number {
    const bits = this.bits;
    const w = s >>> 5;
    const word = bits[w]!;
    let c = popcount(word >>> (s & 31) >>> 1); // two shifts: s & 31 = 31 must give 0
    bits[w] = word & ~(1 << (s & 31));
    const end = ((s >>> LEAF_SHIFT) + 1) * LEAF_WORDS;
    for (let v = w + 1; v < end; v++) c += popcount(bits[v]!);
    this.live--;
    const leaf = s >>> LEAF_SHIFT;
    if (leaf === this.open) {
      this.openLive--;
      return c;
    }
    c += this.openLive;
    const tree = this.tree;
    let i = this.leaves + leaf;
    tree[i]!--;
    while (i > 1) {
      if ((i & 1) === 0) c += tree[i + 1]!; // the right sibling holds later positions
      i >>>= 1;
      tree[i]!--;
    }
    return c;
  }

  // The open leaf is counted apart, so a reference does not walk the tree to
  // add itself: the leaf's count enters the tree once, when the next leaf
  // opens (one walk per 256 references).
  private seal(next: number): void {
    const n = this.openLive;
    const tree = this.tree;
    for (let i = this.leaves + this.open; i >= 1; i >>>= 1) tree[i]! += n;
    this.open = next;
    this.openLive = 0;
  }

  private growIds(id: number): void {
    let n = this.posOf.length * 2;
    while (n <= id) n *= 2;
    const bigger = new Int32Array(n).fill(-1);
    bigger.set(this.posOf);
    this.posOf = bigger;
  }

  // Renumbers the live positions 0..live-1 in order, keeping at least 3/4 of
  // the positions free so compactions stay rare (amortised O(1) per reference).
  // A live position's new number is the count of live bits before it.
  private compact(): void {
    const bits = this.bits;
    const before = new Int32Array(bits.length);
    let sum = 0;
    for (let w = 0; w < bits.length; w++) {
      before[w] = sum;
      sum += popcount(bits[w]!);
    }
    const posOf = this.posOf;
    for (let id = 0; id < posOf.length; id++) {
      const s = posOf[id]!;
      if (s >= 0) posOf[id] = before[s >>> 5]! + popcount(bits[s >>> 5]! & ((1 << (s & 31)) - 1));
    }
    const live = this.live;
    while (live * 4 > this.cap) this.cap *= 2;
    this.leaves = this.cap >>> LEAF_SHIFT;
    this.bits = new Int32Array(this.cap >>> 5);
    this.tree = new Int32Array(2 * this.leaves);
    this.bits.fill(-1, 0, live >>> 5);
    if (live & 31) this.bits[live >>> 5] = (1 << (live & 31)) - 1;
    // Leaves below live >>> LEAF_SHIFT are full; the next is the open one.
    this.open = live >>> LEAF_SHIFT;
    this.openLive = live & ((1 << LEAF_SHIFT) - 1);
    for (let j = 0; j < this.open; j++) this.tree[this.leaves + j] = 1 << LEAF_SHIFT;
    for (let i = this.leaves - 1; i >= 1; i--) this.tree[i] = this.tree[2 * i]! + this.tree[2 * i + 1]!;
    this.t = live;
  }

  /** Throws if the tree's counts disagree with the bitmap or the id table (tests). */
  checkInvariants(): void {
    let ids = 0;
    for (let id = 0; id < this.posOf.length; id++) {
      const s = this.posOf[id]!;
      if (s < 0) continue;
      ids++;
      if (s >= this.t || !(this.bits[s >>> 5]! & (1 << (s & 31)))) throw new Error(`id ${id}: position ${s} not live`);
    }
    if (ids !== this.live) throw new Error(`${ids} ids tracked, ${this.live} counted`);
    for (let j = 0; j < this.leaves; j++) {
      let n = 0;
      for (let v = j * LEAF_WORDS; v < (j + 1) * LEAF_WORDS; v++) n += popcount(this.bits[v]!);
      if (j === this.open ? n !== this.openLive || this.tree[this.leaves + j] !== 0 : this.tree[this.leaves + j] !== n) throw new Error(`leaf ${j}`);
    }
    for (let i = 1; i < this.leaves; i++) if (this.tree[i] !== this.tree[2 * i]! + this.tree[2 * i + 1]!) throw new Error(`tree node ${i}`);
    if (this.tree[1]! + this.openLive !== this.live) throw new Error('root count');
  }
}

/**
 * Stack distances over arbitrary keys (page numbers, exact doubles below
 * 2^53): a key map hands out ids, reused after forget(), so state follows the
 * keys tracked at once.
 */
export class KeyStackDistance {
  private readonly ids = new KeyIndex(1 << 12);
  private readonly sd: StackDistance;
  private free = new Int32Array(64);
  private nrFree = 0;

  constructor(opts: { positions?: number } = {}) {
    this.sd = new StackDistance(opts);
  }

  /** Number of keys tracked. */
  get size(): number {
    return this.ids.size;
  }

  /** Bytes of typed arrays held now (key map included). */
  get bytes(): number {
    return this.sd.bytes + this.ids.bytes + this.free.byteLength;
  }

  /** Records a reference to `key`; returns its stack distance, or -1 if untracked. */
  access(key: number): number {
    let id = this.ids.get(key);
    if (id < 0) {
      id = this.nrFree > 0 ? this.free[--this.nrFree]! : this.ids.size;
      this.ids.set(key, id);
    }
    return this.sd.touch(id);
  }

  /** Stops tracking `key`. Precondition: it is tracked. */
  forget(key: number): void {
    const id = this.ids.get(key);
    this.ids.delete(key);
    this.sd.drop(id);
    if (this.nrFree === this.free.length) {
      const bigger = new Int32Array(this.free.length * 2);
      bigger.set(this.free);
      this.free = bigger;
    }
    this.free[this.nrFree++] = id;
  }

  /** Throws if the internal counts disagree (tests). */
  checkInvariants(): void {
    this.sd.checkInvariants();
    if (this.sd.size !== this.ids.size) throw new Error(`${this.ids.size} keys, ${this.sd.size} ids`);
  }
}
