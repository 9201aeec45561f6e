// RAND: evict a page chosen uniformly at random among the resident ones, from
// the seeded PRNG, so the same seed gives the same misses. Pages live in slots
// 0..capacity-1 and a victim is a slot number drawn with Prng.nextInt.
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { SlotIndex } from '../slot_index.js';

// Direct-table bytes per slot: 64 minus the rest of the state (keyOf 8 + chain 4 + bucket heads <= 8).
const BUDGET = 44;
import { checkCapacity, checkParams } from '../params.js';
import { Prng } from '../prng.js';

class RandPolicy implements CachePolicy {
  readonly name = 'rand';
  readonly capacity: number;
  private readonly index: SlotIndex;
  private readonly rng: Prng;
  private used = 0;

  constructor(capacity: number, opts: PolicyOptions) {
    checkCapacity('rand', capacity);
    checkParams('rand', opts, []);
    this.capacity = capacity;
    this.index = new SlotIndex(capacity, BUDGET); // direct-table budget: state <= 64 B/page
    this.rng = new Prng(opts.seed);
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
      s = this.rng.nextInt(this.capacity);
      this.index.remove(s);
    }
    this.index.insert(s, key);
  }
}

export function createRand(capacity: number, opts: PolicyOptions): CachePolicy {
  return new RandPolicy(capacity, opts);
}
