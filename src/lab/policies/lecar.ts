// LeCaR (Vietri et al., HotStorage'18), as libCacheSim's LeCaR.c: experts LRU
// and LFU each propose a victim, a weighted coin picks one, and its id goes to
// that expert's history; a miss found in a history lowers that expert's weight.
// The coin is a seeded xoshiro128** (libCacheSim seeds from the clock, so its
// counts vary run to run; ours are reproducible per seed).

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { IdLists, NIL } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';
import { Xoshiro128 } from '../xoshiro128.js';

// Lists of `lists` and values of `where`.
const LRU = 0;
const H_LRU = 1;
const H_LFU = 2;

const LEARNING_RATE = 0.45;

// LeCaR (Vietri et al., HotStorage'18), as libCacheSim's LeCaR.c: two experts,
// LRU and LFU, each proposing a victim; a weighted coin picks one, and the
// victim's id goes to that expert's history (⌊C/2⌋ ids each). A miss that
// finds its id in a history means that expert erred: its weight is scaled by
// exp(−λ·d^t) (λ = 0.45, d = 0.005^(1/C), t = requests since the eviction),
// then both weights are renormalised.
// LFU here is libCacheSim's: minimum in-cache frequency, ties to the object
// that reached that frequency first. When both experts pick the same object
// it is evicted without a history entry. The coin is (rand mod 100)/100 from
// a seeded xoshiro128** (libCacheSim seeds from the clock, so its counts vary
// from run to run; ours are reproducible per seed).
export class LeCaR implements CachePolicy {
  readonly name = 'lecar';
  readonly capacity: number;
  /** Expert weights; they sum to 1 after the first update. */
  wLru: number;
  wLfu: number;
  readonly discount: number;
  private readonly updateWeights: boolean;
  private readonly historySize: number;
  private readonly rng: Xoshiro128;
  private readonly map: KeyMap;
  private readonly lists: IdLists;
  private readonly where: Uint8Array;
  private readonly freq: Int32Array;
  private readonly evictedAt: Float64Array;
  private nReq = 0;
  // LFU: frequency buckets in a chain sorted by frequency; each bucket is a
  // list of `bucketLists` (head = newest arrival, tail = oldest).
  private readonly bucketOf: Int32Array;
  private readonly bucketLists: IdLists;
  private readonly bFreq: Int32Array;
  private readonly bNext: Int32Array;
  private readonly bPrev: Int32Array;
  private readonly bFree: Int32Array;
  private nbFree: number;
  private minBucket = NIL;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('lecar', capacity);
    const p = readParams(
      'lecar',
      {
        'update-weight': { def: 1, min: 0, max: 1, integer: true },
        'lru-weight': { def: 0.5, min: 0, max: 1 },
      },
      opts?.params,
    );
    this.capacity = capacity;
    this.updateWeights = p['update-weight'] === 1;
    // As libCacheSim: lru-weight sets w_lru only; w_lfu starts at 0.5.
    this.wLru = p['lru-weight'];
    this.wLfu = 0.5;
    this.discount = Math.pow(0.005, 1 / capacity);
    this.historySize = Math.floor(capacity / 2);
    this.rng = new Xoshiro128(opts?.seed ?? 0);
    const maxIds = capacity + 2 * this.historySize + 2;
    this.map = new KeyMap(maxIds);
    this.lists = new IdLists(maxIds, 3);
    this.where = new Uint8Array(maxIds);
    this.freq = new Int32Array(maxIds);
    this.evictedAt = new Float64Array(maxIds);
    this.bucketOf = new Int32Array(maxIds).fill(NIL);
    // At most one bucket per resident object, plus one being created.
    const nb = capacity + 1;
    this.bucketLists = new IdLists(maxIds, nb);
    this.bFreq = new Int32Array(nb);
    this.bNext = new Int32Array(nb).fill(NIL);
    this.bPrev = new Int32Array(nb).fill(NIL);
    this.bFree = new Int32Array(nb);
    for (let i = 0; i < nb; i++) this.bFree[i] = nb - 1 - i;
    this.nbFree = nb;
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    this.nReq++;
    const id = this.map.get(key);
    if (id >= 0) {
      const w = this.where[id];
      if (w === LRU) {
        this.lists.moveToHead(LRU, id);
        this.bumpFreq(id);
        return true;
      }
      this.historyHit(id, w);
    }
    this.miss(key);
    return false;
  }

  /** The expert whose history holds `id` evicted it wrongly: lower its weight, forget the id. */
  private historyHit(id: number, w: number): void {
    const t = this.nReq - this.evictedAt[id];
    if (this.updateWeights) {
      const r = Math.pow(this.discount, t);
      if (w === H_LRU) {
        const wu = this.wLru * Math.exp(-LEARNING_RATE * r) + 1e-10;
        const s = wu + this.wLfu + 2e-10;
        this.wLru = wu / s;
        this.wLfu = (this.wLfu + 1e-10) / s;
      } else {
        const wu = this.wLfu * Math.exp(-LEARNING_RATE * r) + 1e-10;
        const s = wu + this.wLru + 2e-10;
        this.wLfu = wu / s;
        this.wLru = (this.wLru + 1e-10) / s;
      }
    }
    this.lists.remove(w, id);
    this.map.delete(id);
  }

  private miss(key: number): void {
    if (this.lists.len[LRU] >= this.capacity) this.evict();
    const id = this.map.add(key);
    this.where[id] = LRU;
    this.lists.pushHead(LRU, id);
    this.freq[id] = 1;
    let b = this.minBucket;
    if (b === NIL || this.bFreq[b] !== 1) b = this.newBucket(1, NIL, b);
    this.bucketOf[id] = b;
    this.bucketLists.pushHead(b, id);
  }

  private evict(): void {
    const lruVictim = this.lists.tail[LRU];
    const lfuVictim = this.bucketLists.tail[this.minBucket];
    let victim = lruVictim;
    let history = -1;
    if (lruVictim !== lfuVictim) {
      const r = (this.rng.nextU32() % 100) / 100;
      if (r < this.wLru) {
        history = H_LRU;
      } else {
        victim = lfuVictim;
        history = H_LFU;
      }
    }
    this.lists.remove(LRU, victim);
    this.leaveBucket(victim);
    if (history < 0) {
      this.map.delete(victim);
      return;
    }
    this.where[victim] = history;
    this.evictedAt[victim] = this.nReq;
    this.lists.pushHead(history, victim);
    while (this.lists.len[history] > this.historySize) this.map.delete(this.lists.popTail(history));
  }

  /** Moves `id` from its frequency bucket to the next frequency's (created if absent). */
  private bumpFreq(id: number): void {
    const b = this.bucketOf[id];
    const f = ++this.freq[id];
    let nb = this.bNext[b];
    if (nb === NIL || this.bFreq[nb] !== f) nb = this.newBucket(f, b, nb);
    this.bucketLists.remove(b, id);
    this.bucketLists.pushHead(nb, id);
    this.bucketOf[id] = nb;
    if (this.bucketLists.len[b] === 0) this.freeBucket(b);
  }

  private leaveBucket(id: number): void {
    const b = this.bucketOf[id];
    this.bucketLists.remove(b, id);
    this.bucketOf[id] = NIL;
    if (this.bucketLists.len[b] === 0) this.freeBucket(b);
  }

  /** A bucket for frequency f linked between `prev` and `next` (NIL = chain ends). */
  private newBucket(f: number, prev: number, next: number): number {
    const b = this.bFree[--this.nbFree];
    this.bFreq[b] = f;
    this.bPrev[b] = prev;
    this.bNext[b] = next;
    if (prev === NIL) this.minBucket = b;
    else this.bNext[prev] = b;
    if (next !== NIL) this.bPrev[next] = b;
    return b;
  }

  private freeBucket(b: number): void {
    const p = this.bPrev[b];
    const n = this.bNext[b];
    if (p === NIL) this.minBucket = n;
    else this.bNext[p] = n;
    if (n !== NIL) this.bPrev[n] = p;
    this.bFree[this.nbFree++] = b;
  }

  size(): number {
    return this.lists.len[LRU];
  }
}
