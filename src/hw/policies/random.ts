// Random replacement from a seeded generator (ARM cores and some L2 TLBs use
// it). The state is one generator for the whole structure, so the victim
// sequence depends only on the seed and the order of evictions.
import { Prng } from '../prng.js';
import type { ReplacementName, ReplacementPolicy } from './replacement.js';

export class RandomPolicy implements ReplacementPolicy {
  // Fields are `declare`d so that V8 keeps numbers untagged (see mmu.ts HitPath).
  readonly name: ReplacementName = 'random';
  private declare rng: Prng;
  private declare readonly ways: number;
  private declare readonly seed: number;

  constructor(ways: number, seed: number) {
    this.ways = ways;
    this.seed = seed;
    this.rng = new Prng(seed);
  }

  touch(_set: number, _way: number): void {}

  /** Unlike the others this draws a number, so calling it twice gives two answers. */
  victim(_set: number): number {
    return this.rng.below(this.ways);
  }

  reset(): void {
    this.rng = new Prng(this.seed);
  }
}
