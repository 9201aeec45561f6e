// True LRU for a set-associative structure: one timestamp per way, the victim
// is the way with the oldest stamp. Timestamps are doubles (exact to 2^53), so
// the clock never wraps in practice. Hardware rarely implements true LRU above
// 4 ways, but it is the reference other policies are compared against, and the
// one cachegrind simulates.
import type { ReplacementName, ReplacementPolicy } from './replacement.js';

export class LruPolicy implements ReplacementPolicy {
  readonly name: ReplacementName = 'lru';
  private readonly stamp: Float64Array;
  private clock = 0;

  constructor(
    sets: number,
    private readonly ways: number,
  ) {
    this.stamp = new Float64Array(sets * ways);
  }

  touch(set: number, way: number): void {
    this.stamp[set * this.ways + way] = ++this.clock;
  }

  victim(set: number): number {
    const base = set * this.ways;
    let best = 0;
    let bestStamp = this.stamp[base];
    for (let w = 1; w < this.ways; w++) {
      const s = this.stamp[base + w];
      if (s < bestStamp) {
        bestStamp = s;
        best = w;
      }
    }
    return best;
  }

  reset(): void {
    this.stamp.fill(0);
    this.clock = 0;
  }
}
