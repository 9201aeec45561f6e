// The interface every replacement policy of a set-associative hardware
// structure (TLB, page-walk cache, CPU cache) implements, and the factory that
// picks one by name. A policy sees only (set, way) pairs: the structure owns
// tags and validity and always fills invalid ways before asking for a victim.
// The policy is chosen once at construction (libCacheSim's function table),
// never by a switch on each access.
import { LruPolicy } from './lru.js';
import { PlruPolicy } from './plru.js';
import { RandomPolicy } from './random.js';

export type ReplacementName = 'lru' | 'plru' | 'random';
export const REPLACEMENT_NAMES: readonly ReplacementName[] = ['lru', 'plru', 'random'];

export interface ReplacementPolicy {
  readonly name: ReplacementName;
  /**
   * Records a use of `way` in `set` (a hit or a fill). Touching the way used
   * last in a set again must not change the policy's state, so structures may
   * skip the call on their most-recently-used fast path.
   */
  touch(set: number, way: number): void;
  /**
   * The way to evict from a full `set`. Changes no state except the random
   * policy's generator, so call it exactly once per eviction.
   */
  victim(set: number): number;
  /** Forgets all history. */
  reset(): void;
}

export interface PolicyOptions {
  /** Seed for the random policy; ignored by the others. */
  seed?: number;
}

/** Builds the policy `name` for a structure of `sets` x `ways`. Throws on an unknown name. */
export function makePolicy(name: ReplacementName, geometry: { sets: number; ways: number }, opts: PolicyOptions = {}): ReplacementPolicy {
  switch (name) {
    case 'lru':
      return new LruPolicy(geometry.sets, geometry.ways);
    case 'plru':
      return new PlruPolicy(geometry.sets, geometry.ways);
    case 'random':
      return new RandomPolicy(geometry.ways, opts.seed ?? 1);
    default:
      throw new Error(`unknown replacement policy '${String(name)}' (expected ${REPLACEMENT_NAMES.join(', ')})`);
  }
}
