// LIRS (Jiang & Zhang, SIGMETRICS'02), as libCacheSim's LIRS.c implements it:
// blocks with low inter-reference recency (LIR, ~99% of the cache) are
// protected; resident HIR blocks sit in the LRU list Q (Lh = max(1, ⌊0.01·C⌋));
// the stack S of LIR, HIR and non-resident ids is pruned to end in a LIR block
// and held to 2C entries. libCacheSim's departures from the paper are kept
// (see docs/policies.md and the class comment).

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { IdLists, NIL } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';

// flags[id] bits.
const IN_S = 1;
const S_LIR = 2;
/** The S entry is resident (libCacheSim's in_cache). */
const S_RES = 4;
const IN_Q = 8;
const IN_NH = 16;

// Lists of `qn`: Q and NH share one pair of link arrays (an id is never on both).
const Q = 0;
const NH = 1;

// LIRS (Jiang & Zhang, SIGMETRICS'02), as libCacheSim's LIRS.c implements it.
// Blocks with a low inter-reference recency (LIR, ~99% of the cache) are
// protected; the rest of the cache (HIR, Lh = max(1, ⌊0.01·C⌋)) is an LRU
// list Q of resident HIR blocks. The LRU stack S holds LIR blocks, resident HIR
// blocks and non-resident HIR ids (NH, oldest first) and is pruned so its
// bottom is LIR; |S| is held to 2C by dropping the oldest NH ids.
// libCacheSim's departures from the paper are kept (docs/policies.md): a hit on
// a block in Q but not in S demotes one LIR block first; a new block becomes
// LIR whenever the LIR set has room; and if that demotion evicts the hit block
// from Q, the block stays in S as resident but uncounted, exactly as there.
export class Lirs implements CachePolicy {
  readonly name = 'lirs';
  readonly capacity: number;
  /** Lh and Ll. */
  readonly hirLimit: number;
  readonly lirLimit: number;
  private lirCount = 0;
  private hirCount = 0;
  /** The id evictLir() is moving from S to Q (NIL otherwise). */
  private pending = NIL;
  private readonly map: KeyMap;
  private s: IdLists;
  private qn: IdLists;
  private flags: Uint8Array;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('lirs', capacity);
    const p = readParams('lirs', { 'hirs-ratio': { def: 0.01, min: 0, max: 1, maxExclusive: true } }, opts?.params);
    this.capacity = capacity;
    this.hirLimit = Math.max(1, Math.trunc(p['hirs-ratio'] * capacity));
    this.lirLimit = capacity - this.hirLimit;
    if (this.lirLimit < 1) throw new RangeError(`lirs: cache size ${capacity} leaves no room for LIR blocks (HIR takes ${this.hirLimit})`);
    // |S| <= 2C after each request, plus Q-only blocks; grows in the rare case of more.
    const maxIds = 2 * capacity + this.hirLimit + 2;
    this.map = new KeyMap(maxIds);
    this.s = new IdLists(maxIds, 1);
    this.qn = new IdLists(maxIds, 2);
    this.flags = new Uint8Array(maxIds);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const id = this.map.get(key);
    let hit = true;
    if (id >= 0) {
      const f = this.flags[id];
      if ((f & IN_S) !== 0) this.s.moveToHead(0, id);
      if ((f & IN_Q) !== 0) this.qn.moveToHead(Q, id);
      if ((f & IN_S) === 0) this.hitHirInQOnly(id);
      else if ((f & S_LIR) !== 0) this.prune();
      else if ((f & S_RES) !== 0) this.hitHirInS(id);
      else {
        this.missNonResident(id);
        hit = false;
      }
    } else {
      this.missNew(key);
      hit = false;
    }
    if (this.s.len[0] > 2 * this.capacity) this.limitStack();
    return hit;
  }

  /** A resident HIR block in S becomes LIR, demoting LIR blocks while the LIR set is full. */
  private hitHirInS(id: number): void {
    if ((this.flags[id] & IN_Q) !== 0) {
      this.qn.remove(Q, id);
      this.flags[id] &= ~IN_Q;
      this.hirCount--;
    }
    while (this.lirCount + 1 > this.lirLimit) this.evictLir();
    this.flags[id] |= S_LIR;
    this.lirCount++;
  }

  /** A resident HIR block in Q only: demote while the LIR set is full, then push it on S as HIR. */
  private hitHirInQOnly(id: number): void {
    const key = this.map.keys[id];
    while (this.lirCount + 1 > this.lirLimit) this.evictLir();
    if ((this.flags[id] & IN_Q) === 0) {
      // The demotion evicted this very block from Q (Lh = 1): libCacheSim
      // still puts it on S as resident, outside every count.
      id = this.addKey(key);
      this.flags[id] = IN_S | S_RES;
    } else {
      this.flags[id] |= IN_S | S_RES;
    }
    this.s.pushHead(0, id);
  }

  /** A miss on a non-resident HIR id in S: it comes back as LIR. */
  private missNonResident(id: number): void {
    while (this.lirCount + 1 > this.lirLimit) this.evictLir();
    if ((this.flags[id] & IN_NH) !== 0) {
      this.qn.remove(NH, id);
      this.flags[id] &= ~IN_NH;
    }
    this.flags[id] |= S_LIR | S_RES;
    this.lirCount++;
  }

  /** A miss on an unknown block: LIR while the LIR set has room, else resident HIR on S and Q. */
  private missNew(key: number): void {
    if (this.lirCount + 1 > this.lirLimit && this.hirCount + 1 > this.hirLimit) {
      while (this.hirCount + 1 > this.hirLimit) this.evictHir();
    }
    const id = this.addKey(key);
    this.s.pushHead(0, id);
    if (this.lirCount + 1 <= this.lirLimit) {
      this.flags[id] = IN_S | S_LIR | S_RES;
      this.lirCount++;
    } else {
      this.flags[id] = IN_S | S_RES | IN_Q;
      this.qn.pushHead(Q, id);
      this.hirCount++;
    }
  }

  /**
   * Moves the block at the bottom of S (a LIR block, except in the corner
   * below) to the top of Q as resident HIR, then prunes.
   * Corner: with one LIR slot (C = 2) libCacheSim's own bookkeeping lets a
   * non-LIR entry reach the bottom of S; its evictLIR then demotes that entry
   * all the same (lir_count still drops by one). We follow it, except that the
   * entry is never duplicated: if it was in Q it is (re)placed at Q's top, and
   * a non-resident id also leaves NH.
   */
  private evictLir(): void {
    const id = this.s.popTail(0);
    let f = this.flags[id] & ~(IN_S | S_LIR | S_RES);
    if ((f & IN_NH) !== 0) {
      this.qn.remove(NH, id);
      f &= ~IN_NH;
    }
    this.flags[id] = f;
    this.lirCount--;
    this.pending = id;
    while (this.hirCount + 1 > this.hirLimit) this.evictHir();
    this.pending = NIL;
    if ((this.flags[id] & IN_Q) !== 0) {
      this.qn.moveToHead(Q, id);
    } else {
      this.flags[id] |= IN_Q;
      this.qn.pushHead(Q, id);
      this.hirCount++;
    }
    this.prune();
  }

  /** Evicts Q's LRU block; if it is still in S, its entry there becomes a non-resident id. */
  private evictHir(): void {
    const id = this.qn.popTail(Q);
    this.hirCount--;
    const f = this.flags[id] & ~IN_Q;
    if ((f & IN_S) !== 0) {
      this.flags[id] = (f & ~S_RES) | IN_NH;
      this.qn.pushHead(NH, id);
    } else {
      this.flags[id] = f;
      // The block evictLir is moving stays known: it goes back into Q next.
      if (id !== this.pending) this.map.delete(id);
    }
  }

  /** Removes non-LIR entries from the bottom of S (never the top one). */
  private prune(): void {
    const s = this.s;
    for (;;) {
      const id = s.tail[0];
      if (id === s.head[0] || (this.flags[id] & S_LIR) !== 0) return;
      s.remove(0, id);
      let f = this.flags[id] & ~(IN_S | S_RES);
      if ((f & IN_NH) !== 0) {
        this.qn.remove(NH, id);
        f &= ~IN_NH;
      }
      this.flags[id] = f;
      if ((f & IN_Q) === 0) this.map.delete(id);
    }
  }

  /** Drops the oldest non-resident ids while |S| > 2C. */
  private limitStack(): void {
    while (this.s.len[0] > 2 * this.capacity) {
      const id = this.qn.popTail(NH);
      if (id === NIL) return;
      this.s.remove(0, id);
      this.flags[id] = 0;
      this.map.delete(id);
    }
  }

  private addKey(key: number): number {
    if (this.map.size === this.map.maxIds) {
      const n = this.map.maxIds * 2;
      this.map.grow(n);
      this.s = this.s.grown(n);
      this.qn = this.qn.grown(n);
      const f = new Uint8Array(n);
      f.set(this.flags);
      this.flags = f;
    }
    return this.map.add(key);
  }

  size(): number {
    return this.lirCount + this.hirCount;
  }
}
