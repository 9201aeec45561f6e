// Seeded Zipf page-number streams for the policy benchmarks: rank r in
// 1..nrPages is drawn with probability ∝ r^−α by inverse CDF (binary search
// over the cumulative weights), and ranks map to page numbers through a
// seeded permutation placed above 2^32 (x86-64 VPN range), so hot pages are
// scattered and keys exercise the 48-bit paths. Randomness: xoshiro128**.
import { Xoshiro128 } from '../src/lab/xoshiro128.js';

export const VPN_BASE = 0x555555554; // a typical x86-64 user VPN, > 2^32

/** Fills `out` with Zipf(alpha) page numbers over `nrPages` pages, deterministically for `seed`. */
export function fillZipfKeys(out: Float64Array, opts: { nrPages: number; alpha: number; seed: number }): void {
  const { nrPages, alpha, seed } = opts;
  const rng = new Xoshiro128(seed);
  const cdf = new Float64Array(nrPages);
  let sum = 0;
  for (let r = 0; r < nrPages; r++) {
    sum += Math.pow(r + 1, -alpha);
    cdf[r] = sum;
  }
  const perm = new Int32Array(nrPages);
  for (let i = 0; i < nrPages; i++) perm[i] = i;
  for (let i = nrPages - 1; i > 0; i--) {
    const j = rng.nextU32() % (i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (let i = 0; i < out.length; i++) {
    // 53-bit uniform in [0, 1) from two draws.
    const u = ((rng.nextU32() >>> 5) * 67108864 + (rng.nextU32() >>> 6)) / 9007199254740992;
    const x = u * sum;
    let lo = 0;
    let hi = nrPages - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    out[i] = VPN_BASE + perm[lo];
  }
}
