// SHARDS (Waldspurger, Park, Garthwaite & Ahmad, FAST 2015): an LRU
// miss-ratio curve estimated from a spatially hashed sample of the pages.
// A page is sampled when hash(page) < T, with rate R = T / 2^32, so every
// reference to a sampled page is seen and its stack distance among sampled
// pages, divided by R, estimates the true one. Fixed-rate keeps R; fixed-size
// keeps at most `maxSamples` pages by lowering T to evict the pages of largest
// hash, rescaling the counts gathered so far by R_new / R_old (memory then
// stays constant however large the footprint). Both apply the paper's
// SHARDS_adj correction: the first bucket takes the difference between the
// expected (N * R) and the actual number of sampled references.
// Simplification: fixed-size lowers T in steps that evict 1/8 of the sample
// (the paper evicts one page at a time), so the histogram is re-binned
// O(log footprint) times instead of once per new sample.
import { KeyStackDistance } from './stack_distance.js';
import { growToFit, suffixMisses, type MissCurve } from './curve.js';
import type { TraceReader } from '../../workload/trace/reader.js';

const TWO32 = 4294967296;

/** murmur3's 32-bit finaliser: a bijection on 32-bit values with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The seeded spatial hash of a page number (an integer double below 2^53),
 * uniform on [0, 2^32). For a fixed seed it is a bijection on pages below
 * 2^32, so no two of them collide. Splits the page with `>>> 0` and a
 * division, never `>>` on the double (see src/hw/addr.ts).
 */
export function shardsHash(page: number, seed: number): number {
  const lo = page >>> 0;
  const hi = (page / TWO32) >>> 0;
  const k = fmix32((hi ^ Math.imul(seed | 0, 0x9e3779b1)) + 0x7f4a7c15);
  return fmix32(lo ^ k);
}

export interface ShardsOptions {
  /** Fixed-rate sampling at this rate, 0 < rate <= 1. */
  rate?: number;
  /** Fixed-size sampling: at most this many pages in the sample (>= 8). */
  maxSamples?: number;
  /** Hash seed (default 1). */
  seed?: number;
  /** Apply SHARDS_adj (default true). */
  adjust?: boolean;
}

/** A SHARDS estimate of the LRU curve. */
export class ShardsCurve implements MissCurve {
  readonly requests: number;
  readonly footprint: number;
  /** Final sampling rate. */
  readonly rate: number;
  /** Sampled references, in units of the final rate. */
  readonly sampled: number;
  /** Expected sampled references N * R, in units of the final rate. */
  readonly expected: number;
  private readonly missesAt: Float64Array;

  constructor(hist: Float64Array, cold: number, sampled: number, expected: number, rate: number, requests: number, adjust: boolean) {
    this.requests = requests;
    this.rate = rate;
    this.sampled = sampled;
    this.expected = expected;
    this.footprint = cold / rate;
    // SHARDS_adj: distance 0 takes the missing (or surplus) expected samples.
    // A distance-0 reference hits at every size >= 1, so the correction only
    // changes the total that sampled counts are scaled by.
    const total = adjust ? expected : sampled;
    this.missesAt = suffixMisses(hist, cold);
    const scale = total > 0 ? requests / total : 0;
    for (let d = 0; d < this.missesAt.length; d++) this.missesAt[d] = Math.min(requests, Math.max(0, this.missesAt[d]! * scale));
  }

  /** Estimated misses at `size` pages: sampled distances >= size * rate count as misses. */
  misses(size: number): number {
    const d = Math.ceil(size * this.rate);
    return d < this.missesAt.length ? this.missesAt[d]! : this.missesAt[this.missesAt.length - 1]!;
  }
}

/** Builds a ShardsCurve from page numbers fed in batches. */
export class ShardsBuilder {
  private readonly seed: number;
  private readonly adjust: boolean;
  private readonly maxSamples: number;
  private threshold: number;
  private readonly sd = new KeyStackDistance();
  private hist = new Float64Array(1024);
  private cold = 0;
  private sampled = 0;
  /** Expected samples of the references before the last rate change, in current units. */
  private expectedBefore = 0;
  /** References seen when the rate last changed. */
  private changedAt = 0;
  private requests = 0;
  // Fixed-size: a max-heap of the sampled pages by hash.
  private heapHash: Float64Array;
  private heapPage: Float64Array;
  private heapLen = 0;

  /** Throws RangeError unless exactly one of rate (0 < rate <= 1) and maxSamples (integer >= 8) is given. */
  constructor(opts: ShardsOptions) {
    const { rate, maxSamples } = opts;
    if ((rate === undefined) === (maxSamples === undefined)) throw new RangeError('shards: give a rate or a sample size, not both');
    if (rate !== undefined && !(rate > 0 && rate <= 1)) throw new RangeError(`shards: rate must be in (0, 1], got ${rate}`);
    if (maxSamples !== undefined && !(Number.isInteger(maxSamples) && maxSamples >= 8 && maxSamples <= 2 ** 28)) {
      throw new RangeError(`shards: sample size must be an integer from 8 to ${2 ** 28}, got ${maxSamples}`);
    }
    this.seed = opts.seed ?? 1;
    this.adjust = opts.adjust ?? true;
    this.maxSamples = maxSamples ?? 0;
    this.threshold = rate !== undefined ? Math.max(1, Math.round(rate * TWO32)) : TWO32;
    const heap = maxSamples !== undefined ? maxSamples + 1 : 0;
    this.heapHash = new Float64Array(heap);
    this.heapPage = new Float64Array(heap);
  }

  /** Current sampling rate. */
  get rate(): number {
    return this.threshold / TWO32;
  }

  /** Adds n references given as page numbers. */
  addPages(pages: Float64Array, n: number): void {
    const seed = this.seed;
    for (let i = 0; i < n; i++) {
      const page = pages[i]!;
      const h = shardsHash(page, seed);
      if (h >= this.threshold) continue;
      const d = this.sd.access(page);
      this.sampled++;
      if (d >= 0) {
        if (d >= this.hist.length) this.hist = growToFit(this.hist, d);
        this.hist[d]!++;
      } else {
        this.cold++;
        if (this.maxSamples > 0) this.addSample(h, page, this.requests + i + 1);
      }
    }
    this.requests += n;
  }

  // Fixed-size: a new page entered the sample; past maxSamples, evict the
  // pages of largest hash until 7/8 of maxSamples remain, and lower the
  // threshold to the largest evicted hash (pages at or above it are out).
  private addSample(h: number, page: number, refs: number): void {
    this.heapPush(h, page);
    if (this.heapLen <= this.maxSamples) return;
    const keep = Math.max(1, Math.floor((this.maxSamples * 7) / 8));
    let t = this.threshold;
    while (this.heapLen > keep || (this.heapLen > 0 && this.heapHash[0]! >= t)) {
      t = this.heapHash[0]!;
      this.sd.forget(this.heapPage[0]!);
      this.heapPop();
    }
    this.rescale(t, refs);
  }

  // The rate falls from T/2^32 to t/2^32: counts so far shrink by f = t/T,
  // and a sampled distance d (true distance d/R_old) becomes d*f at the new
  // rate, split between the two neighbouring integers in proportion. `refs`:
  // references seen so far, the last of them sampled at the old rate.
  private rescale(t: number, refs: number): void {
    const f = t / this.threshold;
    this.expectedBefore = (this.expectedBefore + (refs - this.changedAt) * this.rate) * f;
    this.changedAt = refs;
    this.cold *= f;
    this.sampled *= f;
    const old = this.hist;
    const hist = new Float64Array(old.length);
    for (let d = 0; d < old.length; d++) {
      const c = old[d]!;
      if (c === 0) continue;
      const x = d * f;
      const lo = Math.floor(x);
      hist[lo]! += c * f * (1 - (x - lo));
      if (x > lo) hist[lo + 1]! += c * f * (x - lo);
    }
    this.hist = hist;
    this.threshold = t;
  }

  private heapPush(h: number, page: number): void {
    const hh = this.heapHash;
    const hp = this.heapPage;
    let i = this.heapLen++;
    while (i > 0) {
      const p = (i - 1) >>> 1;
      if (hh[p]! >= h) break;
      hh[i] = hh[p]!;
      hp[i] = hp[p]!;
      i = p;
    }
    hh[i] = h;
    hp[i] = page;
  }

  private heapPop(): void {
    const hh = this.heapHash;
    const hp = this.heapPage;
    const n = --this.heapLen;
    const h = hh[n]!;
    const page = hp[n]!;
    let i = 0;
    while (true) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && hh[c + 1]! > hh[c]!) c++;
      if (hh[c]! <= h) break;
      hh[i] = hh[c]!;
      hp[i] = hp[c]!;
      i = c;
    }
    hh[i] = h;
    hp[i] = page;
  }

  /** Bytes of typed arrays held now (stack distances, key map, histogram, heap). */
  get bytes(): number {
    return this.sd.bytes + this.hist.byteLength + this.heapHash.byteLength + this.heapPage.byteLength;
  }

  /** Pages in the sample now. */
  get samplePages(): number {
    return this.sd.size;
  }

  /** The estimate from everything added so far. */
  curve(): ShardsCurve {
    const expected = this.expectedBefore + (this.requests - this.changedAt) * this.rate;
    return new ShardsCurve(this.hist, this.cold, this.sampled, expected, this.rate, this.requests, this.adjust);
  }
}

/**
 * Reads the whole trace and returns the SHARDS estimate of its LRU curve.
 * The reader must fill page numbers (open mmsim traces with `pages`), since
 * the sample is drawn by hashing them. Throws what the reader throws.
 */
export async function shardsCurve(reader: TraceReader, opts: ShardsOptions & { onProgress?: (requests: number) => void }): Promise<ShardsCurve> {
  const b = new ShardsBuilder(opts);
  let requests = 0;
  for await (const batch of reader.batches()) {
    b.addPages(batch.page, batch.length);
    requests += batch.length;
    opts.onProgress?.(requests);
  }
  return b.curve();
}
