// SIEVE (Zhang et al., NSDI'24), as libCacheSim's Sieve.c: one FIFO queue,
// a visited bit per object and a hand that walks from the tail toward the
// head, clearing visited bits, and evicts the first unvisited object. Hits
// never move objects, which makes it "lazy promotion".
// Hand after an eviction: the evicted object's neighbour toward the head, or
// unset (= start again at the tail) when the evicted object was the head.

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { IdLists, NIL } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';

const Q = 0;

export class Sieve implements CachePolicy {
  readonly name = 'sieve';
  readonly capacity: number;
  private readonly map: KeyMap;
  private readonly lists: IdLists;
  private readonly visited: Uint8Array;
  private hand = NIL;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('sieve', capacity);
    readParams('sieve', {}, opts?.params);
    this.capacity = capacity;
    this.map = new KeyMap(capacity);
    this.lists = new IdLists(capacity, 1);
    this.visited = new Uint8Array(capacity);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const id = this.map.get(key);
    if (id >= 0) {
      this.visited[id] = 1;
      return true;
    }
    this.miss(key);
    return false;
  }

  private miss(key: number): void {
    if (this.lists.len[Q] >= this.capacity) this.evict();
    const id = this.map.add(key);
    this.visited[id] = 0;
    this.lists.pushHead(Q, id);
  }

  private evict(): void {
    const lists = this.lists;
    const visited = this.visited;
    let h = this.hand === NIL ? lists.tail[Q] : this.hand;
    while (visited[h] === 1) {
      visited[h] = 0;
      h = lists.prev(h);
      if (h === NIL) h = lists.tail[Q];
    }
    this.hand = lists.prev(h);
    lists.remove(Q, h);
    this.map.delete(h);
  }

  size(): number {
    return this.lists.len[Q];
  }
}
