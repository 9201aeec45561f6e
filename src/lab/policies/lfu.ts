// LFU with libCacheSim's semantics: a page's frequency counts its hits while
// resident (a new page has 1; eviction forgets it); the victim has the least
// frequency, and among those the one that reached it earliest.
// O(1) per reference with the frequency-bucket list of Shah, Mitra & Matani
// (2010): buckets in increasing frequency, each a FIFO of pages in the order
// they reached that frequency. A hit moves the page to the tail of the next
// bucket up, creating it if needed; the victim is the head of the first bucket.
// Buckets come from a pool of capacity + 1 (at most one per resident page,
// plus the one created before an emptied bucket is freed), so memory does not
// grow with frequencies or trace length. Exact against libCacheSim (golden test).
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { SlotIndex } from '../slot_index.js';
import { checkCapacity, checkParams } from '../params.js';

class LfuPolicy implements CachePolicy {
  readonly name = 'lfu';
  readonly capacity: number;
  private readonly index: SlotIndex;
  // Pages, by slot.
  private readonly bucketOf: Int32Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  // Buckets, by bucket number.
  private readonly freq: Float64Array;
  private readonly bprev: Int32Array;
  private readonly bnext: Int32Array;
  private readonly first: Int32Array; // oldest page in the bucket
  private readonly last: Int32Array; // newest page in the bucket
  private readonly freeBuckets: Int32Array;
  private nFree: number;
  private lowest = -1; // bucket of least frequency
  private used = 0;

  constructor(capacity: number, opts: PolicyOptions) {
    checkCapacity('lfu', capacity);
    checkParams('lfu', opts, []);
    this.capacity = capacity;
    this.index = new SlotIndex(capacity); // no direct table: LFU's buckets use the 64 B/page budget
    this.bucketOf = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    const nb = capacity + 1;
    this.freq = new Float64Array(nb);
    this.bprev = new Int32Array(nb);
    this.bnext = new Int32Array(nb);
    this.first = new Int32Array(nb);
    this.last = new Int32Array(nb);
    this.freeBuckets = new Int32Array(nb);
    for (let i = 0; i < nb; i++) this.freeBuckets[i] = nb - 1 - i;
    this.nFree = nb;
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const s = this.index.find(key);
    if (s >= 0) {
      this.promote(s);
      return true;
    }
    this.miss(key);
    return false;
  }

  size(): number {
    return this.used;
  }

  /** Bytes of policy state at most (typed arrays only), for memory reports. */
  stateBytes(): number {
    return this.index.maxBytes + this.bucketOf.byteLength + this.prev.byteLength + this.next.byteLength + this.freq.byteLength + this.bprev.byteLength + this.bnext.byteLength + this.first.byteLength + this.last.byteLength + this.freeBuckets.byteLength;
  }

  private promote(s: number): void {
    const b = this.bucketOf[s]!;
    const f = this.freq[b]! + 1;
    let up = this.bnext[b]!;
    if (up < 0 || this.freq[up] !== f) up = this.newBucketAfter(b, f);
    this.removePage(s, b);
    this.appendPage(s, up);
  }

  private miss(key: number): void {
    let s: number;
    if (this.used < this.capacity) s = this.used++;
    else {
      const b = this.lowest;
      s = this.first[b]!;
      this.removePage(s, b);
      this.index.remove(s);
    }
    this.index.insert(s, key);
    let b = this.lowest;
    if (b < 0 || this.freq[b] !== 1) b = this.newBucketAfter(-1, 1);
    this.appendPage(s, b);
  }

  // Allocates a bucket of frequency f after bucket `after` (-1: at the front).
  private newBucketAfter(after: number, f: number): number {
    const b = this.freeBuckets[--this.nFree]!;
    this.freq[b] = f;
    this.first[b] = -1;
    this.last[b] = -1;
    const n = after < 0 ? this.lowest : this.bnext[after]!;
    this.bprev[b] = after;
    this.bnext[b] = n;
    if (after < 0) this.lowest = b;
    else this.bnext[after] = b;
    if (n >= 0) this.bprev[n] = b;
    return b;
  }

  private appendPage(s: number, b: number): void {
    const l = this.last[b]!;
    this.prev[s] = l;
    this.next[s] = -1;
    if (l >= 0) this.next[l] = s;
    else this.first[b] = s;
    this.last[b] = s;
    this.bucketOf[s] = b;
  }

  // Unlinks page s from bucket b, and frees b if that emptied it.
  private removePage(s: number, b: number): void {
    const p = this.prev[s]!;
    const n = this.next[s]!;
    if (p >= 0) this.next[p] = n;
    else this.first[b] = n;
    if (n >= 0) this.prev[n] = p;
    else this.last[b] = p;
    if (this.first[b]! >= 0) return;
    const bp = this.bprev[b]!;
    const bn = this.bnext[b]!;
    if (bp >= 0) this.bnext[bp] = bn;
    else this.lowest = bn;
    if (bn >= 0) this.bprev[bn] = bp;
    this.freeBuckets[this.nFree++] = b;
  }
}

export function createLfu(capacity: number, opts: PolicyOptions): CachePolicy {
  return new LfuPolicy(capacity, opts);
}
