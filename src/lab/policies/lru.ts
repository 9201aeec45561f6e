// LRU: evict the page referenced least recently. A doubly linked list over
// slots (prev/next in Int32Arrays, -1 = none), head = most recent; a hit
// relinks its slot at the head, a miss reuses the tail's slot.
// Matches libCacheSim's LRU exactly (golden test on three traces x six sizes).
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyIndex } from '../key_index.js';
import { checkCapacity, checkParams } from '../params.js';

export class LruPolicy implements CachePolicy {
  readonly name: string = 'lru';
  readonly capacity: number;
  protected readonly index: KeyIndex;
  protected readonly keyOf: Float64Array;
  protected readonly prev: Int32Array;
  protected readonly next: Int32Array;
  protected head = -1;
  protected tail = -1;
  protected used = 0;

  constructor(capacity: number, opts: PolicyOptions, name = 'lru') {
    this.name = name;
    checkCapacity(name, capacity);
    checkParams(name, opts, []);
    this.capacity = capacity;
    this.index = new KeyIndex(capacity);
    this.keyOf = new Float64Array(capacity);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const s = this.index.get(key);
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

  /** Resident keys, most recent first (tests and debugging). */
  keys(): number[] {
    const out: number[] = [];
    for (let s = this.head; s >= 0; s = this.next[s]!) out.push(this.keyOf[s]!);
    return out;
  }

  // Cold path: take a free slot or evict the victim, then link the key at the head.
  protected miss(key: number): void {
    let s: number;
    if (this.used < this.capacity) s = this.used++;
    else {
      s = this.victim();
      this.unlink(s);
      this.index.delete(this.keyOf[s]!);
    }
    this.keyOf[s] = key;
    this.index.set(key, s);
    this.pushHead(s);
  }

  /** The slot to evict when full: the tail (least recent). */
  protected victim(): number {
    return this.tail;
  }

  protected unlink(s: number): void {
    const p = this.prev[s]!;
    const n = this.next[s]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }

  protected pushHead(s: number): void {
    const h = this.head;
    this.prev[s] = -1;
    this.next[s] = h;
    if (h >= 0) this.prev[h] = s;
    else this.tail = s;
    this.head = s;
  }
}

export function createLru(capacity: number, opts: PolicyOptions): CachePolicy {
  return new LruPolicy(capacity, opts);
}
