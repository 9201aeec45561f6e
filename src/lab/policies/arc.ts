// ARC (Megiddo & Modha, FAST'03), as libCacheSim's ARC.c: resident lists T1
// (seen once recently) and T2 (seen twice or more), ghost lists B1 and B2 of
// their evicted ids, and a target size p for T1 that ghost hits adapt.
// libCacheSim's details are kept (p a double from 0, eviction and ghost
// trimming only when |T1| + |T2| = C, the |T1| = p tie); see docs/policies.md.

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap, directKeysFor } from '../key_map.js';
import { IdLists } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';

// List numbers, also `where[id]`.
const T1 = 0;
const T2 = 1;
const B1 = 2;
const B2 = 3;
const LIMBO = 4;

// ARC (Megiddo & Modha, FAST'03), as libCacheSim's ARC.c: resident lists T1
// (seen once recently) and T2 (seen at least twice), ghost lists B1 and B2 of
// ids evicted from them, and a target size p for T1 that ghost hits adapt:
// a B1 hit grows p by max(|B2|/|B1|, 1), a B2 hit shrinks it by max(|B1|/|B2|, 1).
// libCacheSim's details kept here: p is a double starting at 0; eviction and
// ghost trimming run only when |T1| + |T2| = C; REPLACE breaks the |T1| = p tie
// toward T1 only on a B2 hit.
export class Arc implements CachePolicy {
  readonly name = 'arc';
  readonly capacity: number;
  private readonly map: KeyMap;
  private readonly lists: IdLists;
  private readonly where: Uint8Array;
  /** Target size of T1. */
  p = 0;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('arc', capacity);
    readParams('arc', {}, opts?.params);
    this.capacity = capacity;
    // The directory T1+T2+B1+B2 never exceeds 2C (see the proof in docs/policies.md).
    const maxIds = 2 * capacity + 1;
    this.lists = new IdLists(maxIds, 4);
    this.where = new Uint8Array(maxIds);
    // What remains of 64 bytes per page goes to the map's direct table.
    const other = this.lists.byteLength() + this.where.byteLength + KeyMap.bytesFor(maxIds);
    this.map = new KeyMap(maxIds, { directKeys: directKeysFor(capacity, other / capacity) });
  }

  /** Bytes of policy state at most (typed arrays only), for memory reports. */
  stateBytes(): number {
    return this.map.maxByteLength() + this.lists.byteLength() + this.where.byteLength;
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const id = this.map.get(key);
    if (id >= 0) {
      const w = this.where[id];
      if (w === T2) {
        this.lists.moveToHead(T2, id);
        return true;
      }
      if (w === T1) {
        this.lists.remove(T1, id);
        this.where[id] = T2;
        this.lists.pushHead(T2, id);
        return true;
      }
      this.ghostHit(id, w);
      return false;
    }
    this.coldMiss(key);
    return false;
  }

  private ghostHit(id: number, w: number): void {
    const len = this.lists.len;
    const c = this.capacity;
    if (w === B1) {
      const delta = len[B2] / len[B1] > 1 ? len[B2] / len[B1] : 1;
      this.p = this.p + delta < c ? this.p + delta : c;
    } else {
      const delta = len[B1] / len[B2] > 1 ? len[B1] / len[B2] : 1;
      this.p = this.p - delta > 0 ? this.p - delta : 0;
    }
    this.lists.remove(w, id);
    this.where[id] = LIMBO;
    if (len[T1] + len[T2] === c) this.replace(w === B2);
    this.where[id] = T2;
    this.lists.pushHead(T2, id);
  }

  private coldMiss(key: number): void {
    const lists = this.lists;
    const len = lists.len;
    const c = this.capacity;
    if (len[T1] + len[T2] === c) {
      if (len[T1] + len[B1] + 1 > c) {
        if (len[B1] > 0) {
          this.map.delete(lists.popTail(B1));
          this.replace(false);
        } else {
          this.map.delete(lists.popTail(T1));
        }
      } else {
        if (len[T1] + len[T2] + len[B1] + len[B2] >= 2 * c && len[B2] > 0) this.map.delete(lists.popTail(B2));
        this.replace(false);
      }
    }
    const id = this.map.add(key);
    this.where[id] = T1;
    lists.pushHead(T1, id);
  }

  /** Demotes one resident to its ghost list: T1's tail if T1 is over target, else T2's. */
  private replace(b2Hit: boolean): void {
    const lists = this.lists;
    const t1 = lists.len[T1];
    if ((t1 > 0 && (t1 > this.p || (t1 === this.p && b2Hit))) || lists.len[T2] === 0) {
      const v = lists.popTail(T1);
      this.where[v] = B1;
      lists.pushHead(B1, v);
    } else {
      const v = lists.popTail(T2);
      this.where[v] = B2;
      lists.pushHead(B2, v);
    }
  }

  size(): number {
    return this.lists.len[T1] + this.lists.len[T2];
  }
}
