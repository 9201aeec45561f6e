// S3-FIFO (Yang et al., SOSP'23), as libCacheSim's S3FIFO.c: a small FIFO
// (10% of the cache) that filters one-hit wonders, a main FIFO with 2-bit
// CLOCK-style reinsertion, and a ghost FIFO of ids recently evicted from small.
// The frequency counter saturates at 255, which the rules cannot tell from
// libCacheSim's unbounded one while the threshold is at most 255.

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap, directKeysFor } from '../key_map.js';
import { IdLists, NIL } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';

// List numbers, also the value of `where[id]`.
const SMALL = 0;
const MAIN = 1;
const GHOST = 2;
/** `where` of an id that left the ghost on a ghost hit and waits for insertion. */
const LIMBO = 3;

// S3-FIFO (Yang et al., SOSP'23), as libCacheSim's S3FIFO.c: a small FIFO
// (10% of the cache) that filters one-hit wonders, a main FIFO with 2-bit
// CLOCK-style reinsertion, and a ghost FIFO of ids recently evicted from small.
//   miss, id in ghost -> head of main      miss otherwise -> head of small
//   small tail: freq >= threshold -> main, else -> ghost (evicted)
//   main tail:  freq >= 1 -> reinsert with min(freq, 3) - 1, else evict
// The frequency counter saturates at 255, which the rules above cannot tell
// from libCacheSim's unbounded one while threshold <= 255.
export class S3Fifo implements CachePolicy {
  readonly name = 's3fifo';
  readonly capacity: number;
  /** Small FIFO target size S = ⌊ratio·C⌋, main size M = C − S, ghost size G = ⌊ratio·C⌋. */
  readonly smallSize: number;
  readonly mainSize: number;
  readonly ghostSize: number;
  readonly threshold: number;
  private readonly map: KeyMap;
  private readonly lists: IdLists;
  private readonly where: Uint8Array;
  private readonly freq: Uint8Array;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('s3fifo', capacity);
    const p = readParams(
      's3fifo',
      {
        'fifo-size-ratio': { def: 0.1, min: 0, max: 1, maxExclusive: true },
        'ghost-size-ratio': { def: 0.9, min: 0, max: 16 },
        'move-to-main-threshold': { def: 2, min: 1, max: 255, integer: true },
      },
      opts?.params,
    );
    this.capacity = capacity;
    // int64 truncation of the double product, as libCacheSim sizes its FIFOs.
    this.smallSize = Math.trunc(capacity * p['fifo-size-ratio']);
    this.mainSize = capacity - this.smallSize;
    this.ghostSize = Math.trunc(capacity * p['ghost-size-ratio']);
    this.threshold = p['move-to-main-threshold'];
    // Residents + ghosts + the one id in limbo during a ghost-hit miss.
    const maxIds = capacity + this.ghostSize + 1;
    this.lists = new IdLists(maxIds, 3);
    this.where = new Uint8Array(maxIds);
    this.freq = new Uint8Array(maxIds);
    // What remains of 64 bytes per page goes to the map's direct table.
    const other = this.lists.byteLength() + 2 * maxIds + KeyMap.bytesFor(maxIds);
    this.map = new KeyMap(maxIds, { directKeys: directKeysFor(capacity, other / capacity) });
  }

  /** Bytes of policy state at most (typed arrays only), for memory reports. */
  stateBytes(): number {
    return this.map.maxByteLength() + this.lists.byteLength() + this.where.byteLength + this.freq.byteLength;
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const id = this.map.get(key);
    if (id >= 0 && this.where[id] !== GHOST) {
      const f = this.freq[id];
      if (f < 255) this.freq[id] = f + 1;
      return true;
    }
    this.miss(key, id);
    return false;
  }

  private miss(key: number, ghostId: number): void {
    const lists = this.lists;
    if (ghostId >= 0) {
      lists.remove(GHOST, ghostId);
      this.where[ghostId] = LIMBO;
    }
    while (lists.len[SMALL] + lists.len[MAIN] + 1 > this.capacity) this.evict();
    let id = ghostId;
    let to = MAIN;
    if (id < 0) {
      id = this.map.add(key);
      to = SMALL;
    }
    this.where[id] = to;
    this.freq[id] = 0;
    lists.pushHead(to, id);
  }

  private evict(): void {
    const len = this.lists.len;
    if (len[MAIN] > this.mainSize || len[SMALL] === 0) this.evictMain();
    else this.evictSmall();
  }

  /** Moves small's tail objects to main while they were re-referenced; evicts the first that was not. */
  private evictSmall(): void {
    const lists = this.lists;
    while (lists.len[SMALL] > 0) {
      const id = lists.popTail(SMALL);
      if (this.freq[id] >= this.threshold) {
        this.freq[id] = 0;
        this.where[id] = MAIN;
        lists.pushHead(MAIN, id);
        continue;
      }
      this.toGhost(id);
      return;
    }
  }

  /** Reinserts main's tail objects while their counter is non-zero (decrementing it); evicts the first at zero. */
  private evictMain(): void {
    const lists = this.lists;
    const freq = this.freq;
    while (lists.len[MAIN] > 0) {
      const id = lists.popTail(MAIN);
      const f = freq[id];
      if (f >= 1) {
        freq[id] = (f < 3 ? f : 3) - 1;
        lists.pushHead(MAIN, id);
        continue;
      }
      this.where[id] = NIL;
      this.map.delete(id);
      return;
    }
  }

  private toGhost(id: number): void {
    const lists = this.lists;
    if (this.ghostSize === 0) {
      this.map.delete(id);
      return;
    }
    if (lists.len[GHOST] >= this.ghostSize) this.map.delete(lists.popTail(GHOST));
    this.where[id] = GHOST;
    lists.pushHead(GHOST, id);
  }

  size(): number {
    return this.lists.len[SMALL] + this.lists.len[MAIN];
  }
}
