// FIFO: evict the page loaded earliest; hits change nothing. Because a slot is
// only ever emptied to be refilled at once, the queue is a ring over slots and
// the oldest page always sits under the hand: no list, no pointers.
// Matches libCacheSim's FIFO exactly (golden test).
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { SlotIndex } from '../slot_index.js';

// Direct-table bytes per slot: 64 minus the rest of the state (keyOf 8 + chain 4 + bucket heads <= 8).
const BUDGET = 44;
import { checkCapacity, checkParams } from '../params.js';

class FifoPolicy implements CachePolicy {
  readonly name = 'fifo';
  readonly capacity: number;
  private readonly index: SlotIndex;
  private hand = 0;
  private used = 0;

  constructor(capacity: number, opts: PolicyOptions) {
    checkCapacity('fifo', capacity);
    checkParams('fifo', opts, []);
    this.capacity = capacity;
    this.index = new SlotIndex(capacity, BUDGET); // direct-table budget: state <= 64 B/page
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    if (this.index.find(key) >= 0) return true;
    this.miss(key);
    return false;
  }

  size(): number {
    return this.used;
  }

  /** Bytes of policy state at most (typed arrays only), for memory reports. */
  stateBytes(): number {
    return this.index.maxBytes;
  }

  private miss(key: number): void {
    let s: number;
    if (this.used < this.capacity) s = this.used++;
    else {
      s = this.hand;
      this.hand = s + 1 === this.capacity ? 0 : s + 1;
      this.index.remove(s);
    }
    this.index.insert(s, key);
  }
}

export function createFifo(capacity: number, opts: PolicyOptions): CachePolicy {
  return new FifoPolicy(capacity, opts);
}
