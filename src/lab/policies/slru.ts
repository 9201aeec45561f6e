// Segmented LRU with n segments, as libCacheSim's SLRU.c (S4LRU by default):
// misses fill the lowest segment with room, hits move an object one segment
// up, overflow cascades down and leaves from segment 0. `SlruCore` is the
// mechanism on a shared KeyMap (reused as W-TinyLFU's main cache), `Slru` the
// policy. As in libCacheSim, with C < n (segments of 0) nothing is admitted.

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { IdLists, NIL } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';

/** `where[id]` for ids that SlruCore does not hold. */
export const NOT_IN_SLRU = 255;

// Segmented LRU with n segments, as libCacheSim's SLRU.c (S4LRU by default):
// segment 0 is the lowest. A miss enters the lowest segment with room (so the
// cache fills bottom-up), a hit moves an object one segment up (to the head of
// the top one if already there), and a segment over capacity pushes its tail
// down one segment; segment 0's overflow leaves the cache. Eviction takes the
// tail of the lowest non-empty segment.
// `SlruCore` is the mechanism on ids of a shared KeyMap, reused as
// W-TinyLFU's main cache; `Slru` is the stand-alone policy.
// libCacheSim quirk kept: an object is admitted only if segment 0 can hold it,
// so with C < n (segment size 0) nothing is ever cached.
/** The id space an SlruCore works in, shared with its owner. */
export interface SlruShared {
  readonly map: KeyMap;
  readonly lists: IdLists;
  readonly where: Uint8Array;
}

export class SlruCore {
  readonly nSeg: number;
  /** Capacity of each segment. */
  readonly segCap: Int32Array;
  /** Total capacity; may exceed the sum of segCap (the excess lands in segment 0). */
  readonly capacity: number;
  /** Objects held, all segments. */
  count = 0;
  private readonly map: KeyMap;
  private readonly lists: IdLists;
  private readonly where: Uint8Array;

  /**
   * Segments 0..segCaps.length-1 use lists 0..n-1 of `shared.lists`, and
   * record each id's segment in `shared.where` (the owner may use values ≥ n
   * for its own lists). Evicted ids are deleted from `shared.map`. `capacity`
   * may exceed the sum of segCaps; the excess lands in segment 0.
   */
  constructor(shared: SlruShared, opts: { segCaps: number[]; capacity: number }) {
    this.nSeg = opts.segCaps.length;
    this.segCap = Int32Array.from(opts.segCaps);
    this.capacity = opts.capacity;
    this.map = shared.map;
    this.lists = shared.lists;
    this.where = shared.where;
  }

  /** Whether an object may enter at all (segment 0 can hold one). */
  canInsert(): boolean {
    return this.segCap[0] >= 1 && this.capacity >= 1;
  }

  /** A hit on `id`, held here: promotes it one segment and cools overflowing segments. */
  hit(id: number): void {
    const s = this.where[id];
    const top = this.nSeg - 1;
    if (s === top) {
      this.lists.moveToHead(top, id);
      return;
    }
    this.lists.remove(s, id);
    this.lists.pushHead(s + 1, id);
    this.where[id] = s + 1;
    while (this.lists.len[s + 1] > this.segCap[s + 1]) this.cool(s + 1);
  }

  /**
   * Inserts `id` (allocated in the map, held nowhere) at the head of the lowest
   * segment with room; with none, evicts while full and uses segment 0.
   */
  insert(id: number): void {
    const len = this.lists.len;
    let seg = -1;
    for (let i = 0; i < this.nSeg; i++) {
      if (len[i] + 1 <= this.segCap[i]) {
        seg = i;
        break;
      }
    }
    if (seg < 0) {
      while (this.count + 1 > this.capacity) this.evict();
      seg = 0;
    }
    this.lists.pushHead(seg, id);
    this.where[id] = seg;
    this.count++;
  }

  /** The next victim: tail of the lowest non-empty segment, or NIL. */
  victim(): number {
    for (let i = 0; i < this.nSeg; i++) if (this.lists.len[i] > 0) return this.lists.tail[i];
    return NIL;
  }

  /** Evicts victim() from the cache and the map. Precondition: count > 0. */
  evict(): void {
    const id = this.victim();
    this.lists.remove(this.where[id], id);
    this.where[id] = NOT_IN_SLRU;
    this.map.delete(id);
    this.count--;
  }

  /** Moves segment i's tail down to segment i-1 (segment 0: evicts), cascading. */
  private cool(i: number): void {
    if (i === 0) {
      this.evict();
      return;
    }
    const id = this.lists.popTail(i);
    this.lists.pushHead(i - 1, id);
    this.where[id] = i - 1;
    while (this.lists.len[i - 1] > this.segCap[i - 1]) this.cool(i - 1);
  }

  /** Objects in segment i. */
  segLen(i: number): number {
    return this.lists.len[i];
  }
}

export class Slru implements CachePolicy {
  readonly name = 'slru';
  readonly capacity: number;
  private readonly map: KeyMap;
  readonly core: SlruCore;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('slru', capacity);
    const p = readParams('slru', { 'n-seg': { def: 4, min: 1, max: 16, integer: true } }, opts?.params);
    const n = p['n-seg'];
    this.capacity = capacity;
    this.map = new KeyMap(capacity);
    const lists = new IdLists(capacity, n);
    const where = new Uint8Array(capacity).fill(NOT_IN_SLRU);
    // (int64_t)cache_size / n_seg: integer division.
    const caps = new Array<number>(n).fill(Math.floor(capacity / n));
    this.core = new SlruCore({ map: this.map, lists, where }, { segCaps: caps, capacity });
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const id = this.map.get(key);
    if (id >= 0) {
      this.core.hit(id);
      return true;
    }
    this.miss(key);
    return false;
  }

  private miss(key: number): void {
    const core = this.core;
    if (!core.canInsert()) return;
    while (core.count + 1 > this.capacity) core.evict();
    core.insert(this.map.add(key));
  }

  size(): number {
    return this.core.count;
  }
}
