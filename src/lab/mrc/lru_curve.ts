// The exact LRU miss-ratio curve, for every cache size at once, in one pass
// over the trace (Mattson's stack algorithm): LRU at C pages hits exactly the
// references whose stack distance is below C, so a histogram of distances
// gives misses(C) = cold + (references with distance >= C) for every C.
// Memory follows the footprint (stack_distance.ts plus 8 bytes per distinct
// distance seen), never the trace length.
import { KeyStackDistance, StackDistance } from './stack_distance.js';
import { growToFit, suffixMisses, type MissCurve } from './curve.js';
import type { TraceReader } from '../../workload/trace/reader.js';

/** An exact LRU curve: a suffix sum of the stack-distance histogram. */
export class LruCurve implements MissCurve {
  readonly requests: number;
  readonly footprint: number;
  /** missesAt[c] = misses at c pages, for c = 0 .. (largest distance + 1). */
  private readonly missesAt: Float64Array;

  /** `hist[d]` = references at stack distance d; `cold` = first references. */
  constructor(hist: Float64Array, cold: number, requests: number) {
    this.missesAt = suffixMisses(hist, cold);
    this.requests = requests;
    this.footprint = cold;
  }

  misses(size: number): number {
    return size < this.missesAt.length ? this.missesAt[size]! : this.missesAt[this.missesAt.length - 1]!;
  }

  /** The largest cache size whose misses still fall with size (beyond it, only cold misses remain). */
  get knee(): number {
    return this.missesAt.length - 1;
  }
}

/** Builds an LruCurve from references fed in batches. */
export class LruCurveBuilder {
  private readonly byId = new StackDistance();
  private readonly byKey = new KeyStackDistance();
  private hist = new Float64Array(1024);
  private cold = 0;
  private requests = 0;

  /**
   * Adds n references given as dense ids (mmsim traces: ids stand for pages
   * one to one). Do not mix with addPages in one builder.
   */
  addIds(ids: Uint32Array, n: number): void {
    const sd = this.byId;
    for (let i = 0; i < n; i++) this.count(sd.touch(ids[i]!));
    this.requests += n;
  }

  /** Adds n references given as page numbers. */
  addPages(pages: Float64Array, n: number): void {
    const sd = this.byKey;
    for (let i = 0; i < n; i++) this.count(sd.access(pages[i]!));
    this.requests += n;
  }

  private count(d: number): void {
    if (d < 0) this.cold++;
    else {
      if (d >= this.hist.length) this.hist = growToFit(this.hist, d);
      this.hist[d]!++;
    }
  }

  /** Bytes of typed arrays held now (stack distances, key map, histogram). */
  get bytes(): number {
    return this.byId.bytes + this.byKey.bytes + this.hist.byteLength;
  }

  /** The curve of everything added so far. */
  curve(): LruCurve {
    return new LruCurve(this.hist, this.cold, this.requests);
  }
}

/**
 * Reads the whole trace and returns its exact LRU curve. Open mmsim traces
 * without `pages` (dense ids are faster). Throws what the reader throws.
 */
export async function lruCurve(reader: TraceReader, opts: { onProgress?: (requests: number) => void } = {}): Promise<LruCurve> {
  const b = new LruCurveBuilder();
  let requests = 0;
  for await (const batch of reader.batches()) {
    if (batch.id) b.addIds(batch.id, batch.length);
    else b.addPages(batch.page, batch.length);
    requests += batch.length;
    opts.onProgress?.(requests);
  }
  return b.curve();
}
