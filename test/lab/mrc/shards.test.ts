import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShardsBuilder, shardsHash, type ShardsOptions } from '../../../src/lab/mrc/shards.js';
import { LruCurveBuilder } from '../../../src/lab/mrc/lru_curve.js';
import { evenSizes } from '../../../src/lab/mrc/curve.js';
import { TRACE_NAMES, loadTrace } from '../policies/golden_fixture.js';

const exactCurves = new Map<Float64Array, ReturnType<LruCurveBuilder['curve']>>();

function exact(keys: Float64Array): ReturnType<LruCurveBuilder['curve']> {
  let c = exactCurves.get(keys);
  if (!c) {
    const b = new LruCurveBuilder();
    b.addPages(keys, keys.length);
    c = b.curve();
    exactCurves.set(keys, c);
  }
  return c;
}

function shards(keys: Float64Array, opts: ShardsOptions): ReturnType<ShardsBuilder['curve']> {
  const b = new ShardsBuilder(opts);
  // In batches, as a reader delivers them, so rate changes fall inside batches.
  for (let at = 0; at < keys.length; at += 8192) b.addPages(keys.subarray(at, at + 8192), Math.min(8192, keys.length - at));
  return b.curve();
}

/** Mean absolute miss-ratio error over 100 evenly spaced sizes up to the footprint. */
function error(keys: Float64Array, opts: ShardsOptions): { mean: number } {
  const e = exact(keys);
  const s = shards(keys, opts);
  const sizes = evenSizes(e.footprint, 100);
  const errs = sizes.map((z) => Math.abs(s.misses(z) - e.misses(z)) / e.requests);
  return { mean: errs.reduce((a, b) => a + b, 0) / errs.length };
}

describe('lab/mrc/shards', () => {
  it('is exact at rate 1, and in fixed-size mode while the sample holds every page', () => {
    const keys = loadTrace('mix-scan-loop-rand-200k');
    const e = exact(keys);
    const all = shards(keys, { rate: 1 });
    const roomy = shards(keys, { maxSamples: e.footprint });
    assert.equal(roomy.rate, 1);
    for (const size of [1, 2, 10, 100, 1000, 5000, 10_000, 41_496, 41_497, 41_498, 50_000]) {
      assert.equal(all.misses(size), e.misses(size), `rate 1, C=${size}`);
      assert.equal(roomy.misses(size), e.misses(size), `fixed-size, C=${size}`);
    }
    assert.equal(all.footprint, e.footprint);
  });

  // The documented bound (docs/trace-lab.md): on these 200,000-request traces
  // (16k-45k pages), fixed-rate 0.1 and fixed-size 4,096 pages give a mean
  // absolute miss-ratio error (over 100 sizes up to the footprint) of at most
  // 0.01 on average over seeds 1-10 and at most 0.02 for any one seed.
  for (const opts of [{ rate: 0.1 }, { maxSamples: 4096 }]) {
    it(`stays within the documented error bound with ${JSON.stringify(opts)} on the golden traces, seeds 1-10`, () => {
      for (const trace of TRACE_NAMES) {
        const means = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => error(loadTrace(trace), { ...opts, seed }).mean);
        const avg = means.reduce((a, b) => a + b, 0) / means.length;
        assert.ok(avg <= 0.01, `${trace}: mean error ${avg} on average`);
        assert.ok(Math.max(...means) <= 0.02, `${trace}: mean errors ${means.join(' ')}`);
      }
    });
  }

  it('keeps at most maxSamples pages, lowering the rate as the footprint grows', () => {
    const b = new ShardsBuilder({ maxSamples: 500, seed: 7 });
    const keys = loadTrace('zipf-a0.8-n20k-200k');
    let last = 1;
    for (let at = 0; at < keys.length; at += 1000) {
      b.addPages(keys.subarray(at, at + 1000), 1000);
      assert.ok(b.samplePages <= 500, `${b.samplePages} pages sampled`);
      assert.ok(b.rate <= last);
      last = b.rate;
    }
    // 19,372 pages, about 7/8 to all of 500 kept: the rate ends near 500 / 19372.
    assert.ok(b.rate > 0.02 && b.rate < 0.03, `rate ${b.rate}`);
  });

  it('applies SHARDS_adj: with it the first bucket absorbs the sampling surplus or shortfall', () => {
    const keys = loadTrace('shift-2phase-200k');
    const adj = shards(keys, { rate: 0.05, seed: 2 });
    const raw = shards(keys, { rate: 0.05, seed: 2, adjust: false });
    assert.equal(adj.sampled, raw.sampled);
    assert.ok(Math.abs(adj.expected - 200_000 * 0.05) < 1e-3, `expected ${adj.expected}`);
    // Misses at a size beyond every sampled distance are the cold ones, scaled by
    // requests / expected with the adjustment and by requests / sampled without.
    const big = 1e9;
    assert.ok(Math.abs(adj.misses(big) / raw.misses(big) - adj.sampled / adj.expected) < 1e-9);
  });

  it('is deterministic for a seed and draws another sample for another seed', () => {
    const keys = loadTrace('zipf-a0.8-n20k-200k');
    const a = shards(keys, { rate: 0.05, seed: 1 });
    const b = shards(keys, { rate: 0.05, seed: 1 });
    const c = shards(keys, { rate: 0.05, seed: 2 });
    assert.equal(a.misses(1000), b.misses(1000));
    assert.notEqual(a.sampled, c.sampled);
  });

  it('hashes pages uniformly, with no collisions below 2^32, and uses the high bits of larger pages', () => {
    const seen = new Set<number>();
    let under = 0;
    for (let p = 0; p < 100_000; p++) {
      const h = shardsHash(p, 1);
      assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
      seen.add(h);
      if (h < 0.1 * 2 ** 32) under++;
    }
    assert.equal(seen.size, 100_000);
    assert.ok(Math.abs(under - 10_000) < 400, `${under} of 100000 under rate 0.1`); // 4 sigma
    assert.notEqual(shardsHash(5 + 2 ** 32, 1), shardsHash(5, 1));
    assert.notEqual(shardsHash(5, 2), shardsHash(5, 1));
  });

  it('refuses a rate outside (0, 1], a tiny sample, or both options', () => {
    assert.throws(() => new ShardsBuilder({ rate: 0 }), RangeError);
    assert.throws(() => new ShardsBuilder({ rate: 1.5 }), RangeError);
    assert.throws(() => new ShardsBuilder({ maxSamples: 4 }), RangeError);
    assert.throws(() => new ShardsBuilder({ rate: 0.1, maxSamples: 100 }), RangeError);
    assert.throws(() => new ShardsBuilder({}), RangeError);
  });
});
