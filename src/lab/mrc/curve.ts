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

/**
 * Misses by cache size from a stack-distance histogram: out[c] = cold +
 * (references at distance >= c), for c = 0 up to one past the largest
 * distance seen; beyond that only the cold misses remain.
 * Example: hist [1, 2, 0], cold 3 -> [6, 5, 3].
 */
export function suffixMisses(hist: Float64Array, cold: number): Float64Array {
  let top = hist.length;
  while (top > 0 && hist[top - 1] === 0) top--;
  const out = new Float64Array(top + 1);
  let sum = cold;
  out[top] = sum;
  for (let d = top - 1; d >= 0; d--) {
    sum += hist[d]!;
    out[d] = sum;
  }
  return out;
}

/** `a`, or a copy grown by doubling so that index `i` fits. */
export function growToFit(a: Float64Array<ArrayBuffer>, i: number): Float64Array<ArrayBuffer> {
  if (i < a.length) return a;
  let n = a.length * 2;
  while (n <= i) n *= 2;
  const bigger = new Float64Array(n);
  bigger.set(a);
  return bigger;
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
