// Miss-ratio curves: the miss count of a replacement policy as a function of
// the cache size. Exact LRU curves come from stack distances (lru_curve.ts),
// estimated ones from SHARDS sampling (shards.ts), and curves of the other
// policies from replaying the trace at each size (policy_curve.ts); this file
// holds what they share: the curve interface and the choice of sizes.

/** A miss-ratio curve over cache sizes of 1 page and up. */
export interface MissCurve {
  /** References in the trace. */
  readonly requests: number;
  /** Distinct pages (estimated for sampled curves). */
  readonly footprint: number;
  /** Misses at `size` pages (an integer >= 1); a real-valued estimate for sampled curves. */
  misses(size: number): number;
}

/** misses(size) / requests, 0 for an empty trace. */
export function missRatio(curve: MissCurve, size: number): number {
  return curve.requests === 0 ? 0 : curve.misses(size) / curve.requests;
}

/**
 * `points` cache sizes evenly spaced up to `max` pages: round(max * i / points)
 * for i = 1..points, duplicates dropped. Example: max 10, points 4 -> 3 5 8 10.
 */
export function evenSizes(max: number, points: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= points; i++) {
    const s = Math.max(1, Math.round((max * i) / points));
    if (out[out.length - 1] !== s) out.push(s);
  }
  return out;
}
