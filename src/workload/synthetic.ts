// Synthetic page-reference streams. Zipf(alpha) over `pages` pages: the page of
// popularity rank r (0-based) is drawn with probability (r+1)^-alpha / H, by
// inverse CDF (binary search in a Float64Array of cumulative weights), and
// ranks are scattered over page numbers by a seeded Fisher-Yates permutation
// so hot pages are not all neighbours. Randomness comes only from the seeded
// xoshiro128** PRNG, so a seed gives the same trace on every machine.
// Memory: 12 bytes per page (CDF + permutation); constant in the request count.
import { Prng } from '../lab/prng.js';
import { newRefBatch, REF_LOAD, type RefBatch } from './trace/ref.js';

export interface ZipfOptions {
  alpha: number;
  pages: number;
  requests: number;
  seed: number;
}

export class ZipfGenerator {
  private readonly cdf: Float64Array;
  private readonly perm: Uint32Array;
  private readonly rng: Prng;

  /** Throws RangeError for alpha < 0 or pages outside 1..2^32. */
  constructor(opts: { alpha: number; pages: number; seed: number }) {
    const { alpha, pages, seed } = opts;
    if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new RangeError(`zipf: alpha must be a number >= 0, got ${alpha}`);
    if (!Number.isInteger(pages) || pages < 1 || pages > 2 ** 32) throw new RangeError(`zipf: pages must be an integer from 1 to 2^32, got ${pages}`);
    this.rng = new Prng(seed);
    this.cdf = new Float64Array(pages);
    let sum = 0;
    for (let r = 0; r < pages; r++) {
      sum += Math.pow(r + 1, -alpha);
      this.cdf[r] = sum;
    }
    for (let r = 0; r < pages; r++) this.cdf[r]! /= sum;
    this.cdf[pages - 1] = 1;
    this.perm = new Uint32Array(pages);
    for (let i = 0; i < pages; i++) this.perm[i] = i;
    for (let i = pages - 1; i > 0; i--) {
      const j = this.rng.nextInt(i + 1);
      const t = this.perm[i]!;
      this.perm[i] = this.perm[j]!;
      this.perm[j] = t;
    }
  }

  /** The rank of the next draw: the smallest r with cdf[r] > u. */
  nextRank(): number {
    const u = this.rng.nextFloat();
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The page number of the next draw. */
  nextPage(): number {
    return this.perm[this.nextRank()]!;
  }
}

/** The trace as RefBatch objects (page numbers, loads), one reused batch. */
export function* zipfBatches(opts: ZipfOptions): Generator<RefBatch> {
  const gen = new ZipfGenerator(opts);
  const batch = newRefBatch();
  batch.kind.fill(REF_LOAD);
  batch.loadsOnly = true;
  let left = opts.requests;
  while (left > 0) {
    const n = Math.min(left, batch.page.length);
    for (let i = 0; i < n; i++) {
      const p = gen.nextPage();
      batch.page[i] = p;
      batch.addr[i] = p * 4096;
    }
    batch.length = n;
    left -= n;
    yield batch;
  }
}
