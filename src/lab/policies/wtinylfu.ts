// W-TinyLFU (Einziger, Friedman & Manes, ToS'17), as libCacheSim's
// WTinyLFU.c with its default main cache: a window LRU of ⌊0.01·C⌋ objects in
// front of an SLRU (probation 1/5, protected 4/5), and a frequency sketch
// (src/lab/frequency_sketch.ts) that decides whether the window's victim may
// displace the main cache's. As in libCacheSim, with a window of 0 objects
// (C < 100 by default) nothing is admitted.

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { IdLists } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';
import { FrequencySketch } from '../frequency_sketch.js';
import { NOT_IN_SLRU, SlruCore } from './slru.js';

// Lists 0 and 1 are the SLRU's segments (probation, protected); 2 is the window.
const WINDOW = 2;

// W-TinyLFU (Einziger, Friedman & Manes, ToS'17), as libCacheSim's
// WTinyLFU.c with its default main cache: a window LRU of W = ⌊window·C⌋
// objects in front of an SLRU (probation 1/5, protected 4/5 of C − W), and a
// frequency sketch (src/lab/frequency_sketch.ts) that decides whether the
// window's victim may displace the main cache's victim.
// Sketch updates: every insertion, every main-cache hit (window hits are not
// counted), every window victim examined; all counters halve after every
// 32·(C − W) main-cache hits.
// libCacheSim quirk kept: an object is admitted only if W ≥ 1 and probation
// can hold one, so below C = 100 (window 0.01) nothing is ever cached.
export class WTinyLfu implements CachePolicy {
  readonly name = 'wtinylfu';
  readonly capacity: number;
  readonly windowSize: number;
  readonly mainSize: number;
  readonly sketch: FrequencySketch;
  private readonly map: KeyMap;
  private readonly lists: IdLists;
  private readonly where: Uint8Array;
  private readonly main: SlruCore;
  private readonly admits: boolean;
  private readonly agingPeriod: number;
  private mainHits = 0;
  /** The sketch hashes of each resident key, computed once at insertion. */
  private readonly hashA: Uint32Array;
  private readonly hashB: Uint32Array;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('wtinylfu', capacity);
    const p = readParams('wtinylfu', { 'window-size': { def: 0.01, min: 0, max: 1, maxExclusive: true } }, opts?.params);
    this.capacity = capacity;
    this.windowSize = Math.trunc(capacity * p['window-size']);
    this.mainSize = capacity - this.windowSize;
    // seg-size=1:4, each (int64_t)((double)part / sum * size).
    const probation = Math.trunc((1 / 5) * this.mainSize);
    const protectedSize = Math.trunc((4 / 5) * this.mainSize);
    this.map = new KeyMap(capacity);
    this.lists = new IdLists(capacity, 3);
    this.where = new Uint8Array(capacity).fill(NOT_IN_SLRU);
    this.main = new SlruCore(
      { map: this.map, lists: this.lists, where: this.where },
      { segCaps: [probation, protectedSize], capacity: this.mainSize },
    );
    this.admits = this.windowSize >= 1 && this.main.canInsert();
    this.sketch = new FrequencySketch(this.mainSize, 0.001);
    this.agingPeriod = 32 * this.mainSize;
    this.hashA = new Uint32Array(capacity);
    this.hashB = new Uint32Array(capacity);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const id = this.map.get(key);
    if (id >= 0) {
      if (this.where[id] === WINDOW) {
        this.lists.moveToHead(WINDOW, id);
        return true;
      }
      this.main.hit(id);
      this.sketch.addHashed(this.hashA[id], this.hashB[id]);
      if (++this.mainHits >= this.agingPeriod) {
        this.mainHits = 0;
        this.sketch.halve();
      }
      return true;
    }
    this.miss(key);
    return false;
  }

  private miss(key: number): void {
    if (!this.admits) return;
    while (this.lists.len[WINDOW] + this.main.count + 1 > this.capacity) this.evict();
    const id = this.map.add(key);
    this.where[id] = WINDOW;
    this.lists.pushHead(WINDOW, id);
    const a = this.sketch.hashA(key);
    const b = this.sketch.hashB(key);
    this.hashA[id] = a;
    this.hashB[id] = b;
    this.sketch.addHashed(a, b);
  }

  /**
   * libCacheSim's WTinyLFU_evict. The window's LRU object moves into the main
   * cache while that has room; once full, it enters only if the sketch counts
   * it more often than the main cache's victim, which it then replaces. The
   * loop ends only when a window object is rejected (evicted) or the window is
   * empty (then the main cache evicts), so one call may free several slots.
   */
  private evict(): void {
    const lists = this.lists;
    const main = this.main;
    for (;;) {
      if (lists.len[WINDOW] === 0) {
        main.evict();
        return;
      }
      const v = lists.tail[WINDOW];
      const va = this.hashA[v];
      const vb = this.hashB[v];
      if (main.count + 1 <= this.mainSize) {
        lists.remove(WINDOW, v);
        main.insert(v);
        this.sketch.addHashed(va, vb);
        continue;
      }
      const mv = main.victim();
      if (this.sketch.estimateHashed(va, vb) > this.sketch.estimateHashed(this.hashA[mv], this.hashB[mv])) {
        // Admitted: v replaces the main victim, and (as in libCacheSim) the
        // loop goes on with the next window object although a slot is free.
        main.evict();
        lists.remove(WINDOW, v);
        main.insert(v);
        this.sketch.addHashed(va, vb);
        continue;
      }
      lists.remove(WINDOW, v);
      this.where[v] = NOT_IN_SLRU;
      this.map.delete(v);
      this.sketch.addHashed(va, vb);
      return;
    }
  }

  size(): number {
    return this.lists.len[WINDOW] + this.main.count;
  }
}
