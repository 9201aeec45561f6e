// Random replacement from a seeded generator (ARM cores and some L2 TLBs use
// it). The state is one generator for the whole structure, so the victim
// sequence depends only on the seed and the order of evictions.
import { Prng } from '../prng.js';
import type { ReplacementName, ReplacementPolicy } from './replacement.js';

export class RandomPolicy implements ReplacementPolicy {
  readonly name: ReplacementName = 'random';
  private rng: Prng;

  constructor(
    private readonly ways: number,
    private readonly seed: number,
  ) {
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
