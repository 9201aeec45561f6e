// LRU: evict the page referenced least recently. A doubly linked list over
// slots, head = most recent; a hit relinks its slot at the head, a miss reuses
// the tail's slot. Links are interleaved in one Int32Array (link[2s] = prev,
// link[2s+1] = next, -1 = none) so a relink touches one cache line per slot.
// Matches libCacheSim's LRU exactly (golden test on three traces x six sizes).
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { SlotIndex } from '../slot_index.js';

// Direct-table bytes per slot: 64 minus the rest of the state (keyOf 8 + chain 4 + bucket heads <= 8 + links 8).
const BUDGET = 36;
import { checkCapacity, checkParams } from '../params.js';

/** LRU, and MRU with flavour.evictMostRecent (same list, other end). */
export class LruPolicy implements CachePolicy {
  readonly name: string;
  readonly capacity: number;
  private readonly index: SlotIndex;
  private readonly link: Int32Array;
  private head = -1;
  private tail = -1;
  private used = 0;
  /** MRU: evict the head (most recent) instead of the tail. */
  private readonly evictMostRecent: boolean;

  constructor(capacity: number, opts: PolicyOptions, flavour = { name: 'lru', evictMostRecent: false }) {
    const name = flavour.name;
    this.name = name;
    this.evictMostRecent = flavour.evictMostRecent;
    checkCapacity(name, capacity);
    checkParams(name, opts, []);
    this.capacity = capacity;
    this.index = new SlotIndex(capacity, BUDGET); // direct-table budget: state <= 64 B/page
    this.link = new Int32Array(2 * capacity);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const s = this.index.find(key);
    if (s >= 0) {
      if (s !== this.head) {
        this.unlink(s);
        this.pushHead(s);
      }
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
    return this.index.maxBytes + this.link.byteLength;
  }

  /** Resident keys, most recent first (tests and debugging). */
  keys(): number[] {
    const out: number[] = [];
    for (let s = this.head; s >= 0; s = this.link[2 * s + 1]!) out.push(this.index.keyOf[s]!);
    return out;
  }

  // Cold path: take a free slot or evict the victim, then link the key at the head.
  private miss(key: number): void {
    let s: number;
    if (this.used < this.capacity) s = this.used++;
    else {
      s = this.evictMostRecent ? this.head : this.tail;
      this.unlink(s);
      this.index.remove(s);
    }
    this.index.insert(s, key);
    this.pushHead(s);
  }

  private unlink(s: number): void {
    const link = this.link;
    const p = link[2 * s]!;
    const n = link[2 * s + 1]!;
    if (p >= 0) link[2 * p + 1] = n;
    else this.head = n;
    if (n >= 0) link[2 * n] = p;
    else this.tail = p;
  }

  private pushHead(s: number): void {
    const link = this.link;
    const h = this.head;
    link[2 * s] = -1;
    link[2 * s + 1] = h;
    if (h >= 0) link[2 * h] = s;
    else this.tail = s;
    this.head = s;
  }
}

export function createLru(capacity: number, opts: PolicyOptions): CachePolicy {
  return new LruPolicy(capacity, opts);
}
