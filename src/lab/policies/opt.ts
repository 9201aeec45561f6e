// OPT (Belady's MIN): on a fault with memory full, evict the page whose next
// reference lies farthest in the future (never = Infinity). Offline: the
// replay driver supplies each reference's next-use time, from the trace
// (oracleGeneral, mmsim with a next-use column) or from a backward pass.
// A binary max-heap over slots keyed by next use: O(log C) per reference.
// Ties can only be between pages never used again, and which of them goes
// does not change the miss count, which is therefore the optimum.
// Matches libCacheSim's Belady exactly (golden test). UNOPT (unopt.ts) is the
// same heap with the order reversed.
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { SlotIndex } from '../slot_index.js';
import { checkCapacity, checkParams } from '../params.js';

export class NextUseHeapPolicy implements CachePolicy {
  readonly name: string;
  readonly capacity: number;
  private readonly index: SlotIndex;
  /** Heap priority of each slot: next use (OPT) or its negation (UNOPT). */
  private readonly prio: Float64Array;
  /** heap[i] = slot; pos[slot] = i. */
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private readonly sign: number;
  private used = 0;

  /** farthest: evict the farthest next use (OPT) instead of the nearest (UNOPT). */
  constructor(capacity: number, opts: PolicyOptions, flavour: { name: string; farthest: boolean }) {
    this.name = flavour.name;
    checkCapacity(this.name, capacity);
    checkParams(this.name, opts, []);
    this.capacity = capacity;
    this.sign = flavour.farthest ? 1 : -1;
    this.index = new SlotIndex(capacity, 28); // direct-table budget: state <= 64 B/page
    this.prio = new Float64Array(capacity);
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
  }

  access(key: number, _isWrite: boolean, _time: number, nextUse: number): boolean {
    const s = this.index.find(key);
    const p = this.sign * nextUse;
    if (s >= 0) {
      const old = this.prio[s]!;
      this.prio[s] = p;
      if (p > old) this.siftUp(this.pos[s]!);
      else this.siftDown(this.pos[s]!);
      return true;
    }
    this.miss(key, p);
    return false;
  }

  size(): number {
    return this.used;
  }

  /** Bytes of policy state at most (typed arrays only), for memory reports. */
  stateBytes(): number {
    return this.index.maxBytes + this.prio.byteLength + this.heap.byteLength + this.pos.byteLength;
  }

  private miss(key: number, p: number): void {
    if (this.used < this.capacity) {
      const s = this.used;
      const i = this.used++;
      this.index.insert(s, key);
      this.prio[s] = p;
      this.heap[i] = s;
      this.pos[s] = i;
      this.siftUp(i);
      return;
    }
    const s = this.heap[0]!;
    this.index.remove(s);
    this.index.insert(s, key);
    this.prio[s] = p;
    this.siftDown(0);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const pos = this.pos;
    const prio = this.prio;
    const s = heap[i]!;
    const p = prio[s]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const ps = heap[parent]!;
      if (prio[ps]! >= p) break;
      heap[i] = ps;
      pos[ps] = i;
      i = parent;
    }
    heap[i] = s;
    pos[s] = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const pos = this.pos;
    const prio = this.prio;
    const n = this.used;
    const s = heap[i]!;
    const p = prio[s]!;
    while (true) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && prio[heap[c + 1]!]! > prio[heap[c]!]!) c++;
      const cs = heap[c]!;
      if (prio[cs]! <= p) break;
      heap[i] = cs;
      pos[cs] = i;
      i = c;
    }
    heap[i] = s;
    pos[s] = i;
  }
}

export function createOpt(capacity: number, opts: PolicyOptions): CachePolicy {
  return new NextUseHeapPolicy(capacity, opts, { name: 'opt', farthest: true });
}
