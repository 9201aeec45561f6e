// CLOCK with an n-bit reference counter per page, in two flavours that differ
// only in the counter a newly loaded page starts with:
//  - `clock`: libCacheSim's Clock (= FIFO-reinsertion). A new page starts at 0;
//    a hit adds 1 up to 2^bits - 1; at eviction the oldest page, if its counter
//    is >= 1, loses 1 and goes back to the queue head. Param bits (alias
//    n-bit-counter), default 1. Exact against libCacheSim (golden test).
//  - `clock-hand` (clock_hand.ts): the textbook circular hand, where loading a
//    page references it, so it starts with its bit set.
// The FIFO-with-reinsertion queue and the circular hand are the same machine:
// pages only leave the queue to be replaced in place, so the queue is a ring of
// slots and "move the tail to the head" is "advance the hand".
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { SlotIndex } from '../slot_index.js';

// Direct-table bytes per slot: 64 minus the rest of the state (keyOf 8 + chain 4 + bucket heads <= 8 + counter 1).
const BUDGET = 40;
import { checkCapacity, checkParams, intParam } from '../params.js';

export class ClockPolicy implements CachePolicy {
  readonly name: string;
  readonly capacity: number;
  private readonly index: SlotIndex;
  private readonly count: Uint8Array;
  private readonly max: number;
  private readonly initial: number;
  private hand = 0;
  private used = 0;

  /** `insertReferenced`: a new page starts with counter 1 (textbook) instead of 0 (libCacheSim). */
  constructor(capacity: number, opts: PolicyOptions, flavour: { name: string; insertReferenced: boolean }) {
    this.name = flavour.name;
    checkCapacity(this.name, capacity);
    checkParams(this.name, opts, ['bits', 'n-bit-counter']);
    const bits = intParam(this.name, opts, ['bits', 'n-bit-counter'], 1, 1, 8);
    this.capacity = capacity;
    this.max = 2 ** bits - 1;
    this.initial = flavour.insertReferenced ? 1 : 0;
    this.index = new SlotIndex(capacity, BUDGET); // direct-table budget: state <= 64 B/page
    this.count = new Uint8Array(capacity);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const s = this.index.find(key);
    if (s >= 0) {
      if (this.count[s]! < this.max) this.count[s]!++;
      return true;
    }
    this.miss(key);
    return false;
  }

  size(): number {
    return this.used;
  }

  /** Bytes of policy state at most (typed arrays only), for memory reports. */
  stateBytes(): number {
    return this.index.maxBytes + this.count.byteLength;
  }

  private miss(key: number): void {
    let s: number;
    if (this.used < this.capacity) s = this.used++;
    else {
      const count = this.count;
      const cap = this.capacity;
      s = this.hand;
      // Terminates: each pass over the ring lowers every counter by one.
      while (count[s]! > 0) {
        count[s]!--;
        s = s + 1 === cap ? 0 : s + 1;
      }
      this.hand = s + 1 === cap ? 0 : s + 1;
      this.index.remove(s);
    }
    this.count[s] = this.initial;
    this.index.insert(s, key);
  }
}

export function createClock(capacity: number, opts: PolicyOptions): CachePolicy {
  return new ClockPolicy(capacity, opts, { name: 'clock', insertReferenced: false });
}
