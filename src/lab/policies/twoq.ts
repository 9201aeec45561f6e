// 2Q (Johnson & Shasha, VLDB'94, the "full" version), as libCacheSim's
// TwoQ.c: new objects enter the FIFO A1in; objects evicted from A1in leave
// their id in the ghost FIFO A1out; a miss that finds its id in A1out goes to
// the LRU Am. Hits in A1in change nothing (correlated references).
// Sizes: Kin = ⌊Ain-ratio·C⌋, Kout = ⌊Aout-ratio·C⌋, Am holds C − Kin.
// As in libCacheSim, A1in may exceed Kin while the cache fills.

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { IdLists } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';

const AIN = 0;
const AM = 1;
const AOUT = 2;
const LIMBO = 3;

export class TwoQ implements CachePolicy {
  readonly name = 'twoq';
  readonly capacity: number;
  readonly kin: number;
  readonly kout: number;
  private readonly map: KeyMap;
  private readonly lists: IdLists;
  private readonly where: Uint8Array;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('twoq', capacity);
    const p = readParams(
      'twoq',
      {
        'Ain-size-ratio': { def: 0.25, min: 0, max: 1, maxExclusive: true },
        'Aout-size-ratio': { def: 0.5, min: 0, max: 16 },
      },
      opts?.params,
    );
    this.capacity = capacity;
    this.kin = Math.trunc(capacity * p['Ain-size-ratio']);
    this.kout = Math.trunc(capacity * p['Aout-size-ratio']);
    const maxIds = capacity + this.kout + 1;
    this.map = new KeyMap(maxIds);
    this.lists = new IdLists(maxIds, 3);
    this.where = new Uint8Array(maxIds);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const id = this.map.get(key);
    if (id >= 0) {
      const w = this.where[id];
      if (w === AIN) return true;
      if (w === AM) {
        this.lists.moveToHead(AM, id);
        return true;
      }
    }
    this.miss(key, id);
    return false;
  }

  private miss(key: number, ghostId: number): void {
    const lists = this.lists;
    const len = lists.len;
    const c = this.capacity;
    if (ghostId >= 0) {
      lists.remove(AOUT, ghostId);
      this.where[ghostId] = LIMBO;
    }
    while (len[AIN] + len[AM] + 1 > c) {
      if (len[AIN] > this.kin) this.toGhost(lists.popTail(AIN));
      else this.map.delete(lists.popTail(AM));
    }
    if (ghostId >= 0) {
      while (len[AM] + 1 > c - this.kin) this.map.delete(lists.popTail(AM));
      this.where[ghostId] = AM;
      lists.pushHead(AM, ghostId);
      return;
    }
    const id = this.map.add(key);
    this.where[id] = AIN;
    lists.pushHead(AIN, id);
  }

  private toGhost(id: number): void {
    const lists = this.lists;
    if (this.kout === 0) {
      this.map.delete(id);
      return;
    }
    if (lists.len[AOUT] >= this.kout) this.map.delete(lists.popTail(AOUT));
    this.where[id] = AOUT;
    lists.pushHead(AOUT, id);
  }

  size(): number {
    return this.lists.len[AIN] + this.lists.len[AM];
  }
}
