import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LruCurveBuilder, lruCurve } from '../../../src/lab/mrc/lru_curve.js';
import { createPolicy } from '../../../src/lab/policies/index.js';
import { replayEach } from '../../../src/lab/replay.js';
import { openTrace } from '../../../src/workload/trace/open.js';
import { openSink } from '../../../src/workload/trace/sink.js';
import { newRefBatch } from '../../../src/workload/trace/ref.js';
import { TRACE_NAMES, loadResults, loadTrace } from '../policies/golden_fixture.js';
import { naiveLru } from '../policies/naive.js';
import { tmpFile } from '../../workload/trace/helpers.js';

function curveOf(keys: ArrayLike<number>): ReturnType<LruCurveBuilder['curve']> {
  const b = new LruCurveBuilder();
  b.addPages(Float64Array.from(keys), keys.length);
  return b.curve();
}

/** Misses of src/lab/policies/lru.ts at each size, one policy per size. */
function lruPolicyMisses(keys: Float64Array, sizes: number[]): number[] {
  return sizes.map((size) => {
    const p = createPolicy('lru', size);
    let misses = 0;
    for (let i = 0; i < keys.length; i++) if (!p.access(keys[i]!, false, i, Infinity)) misses++;
    return misses;
  });
}

describe('lab/mrc/lru_curve', () => {
  it("equals libCacheSim's LRU miss counts at the golden sizes", () => {
    const lru = loadResults().filter((r) => r.algo === 'LRU');
    assert.equal(lru.length, 18);
    for (const trace of TRACE_NAMES) {
      const curve = curveOf(loadTrace(trace));
      for (const r of lru.filter((x) => x.trace === trace)) {
        assert.equal(curve.requests, r.requests);
        assert.equal(curve.misses(r.size), r.misses, `${trace} C=${r.size}`);
      }
    }
  });

  it('equals the LRU policy replayed separately on the golden traces: every size on their first 2,000 requests, a spread of sizes on the whole', () => {
    for (const trace of TRACE_NAMES) {
      const head = loadTrace(trace).subarray(0, 2000);
      const short = curveOf(head);
      const every = Array.from({ length: short.footprint + 1 }, (_, i) => i + 1);
      assert.deepEqual(
        every.map((s) => short.misses(s)),
        lruPolicyMisses(head, every),
        `${trace}, first 2000`,
      );
      const keys = loadTrace(trace);
      const curve = curveOf(keys);
      const sizes = [1, 2, 3, 4, 5, 6, 7, 8];
      for (let s = 12; s < curve.footprint; s = Math.ceil(s * 1.7)) sizes.push(s);
      sizes.push(curve.knee - 1, curve.knee, curve.knee + 1, curve.footprint, curve.footprint + 1);
      assert.deepEqual(
        sizes.map((s) => curve.misses(s)),
        lruPolicyMisses(keys, sizes),
        trace,
      );
    }
  });

  it('equals the LRU policy and a naive LRU at every size on random traces', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 2 ** 40, max: 2 ** 40 + 5 })), { minLength: 1, maxLength: 400 }), (trace) => {
        const keys = Float64Array.from(trace);
        const curve = curveOf(keys);
        const footprint = new Set(trace).size;
        assert.equal(curve.footprint, footprint);
        const sizes = Array.from({ length: footprint + 1 }, (_, i) => i + 1);
        const want = lruPolicyMisses(keys, sizes);
        assert.deepEqual(
          sizes.map((s) => curve.misses(s)),
          want,
        );
        for (const size of [1, Math.ceil(footprint / 2), footprint]) {
          const naive = naiveLru(size, trace);
          assert.equal(trace.filter((k, t) => !naive.access(k, false, t)).length, curve.misses(size));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives the hand-worked curve of a b a c b a', () => {
    // distances: cold a b, a 1, cold c, b 2, a 2 -> misses 6 at C=1, 5 at C=2, 3 from C=3
    const curve = curveOf([1, 2, 1, 3, 2, 1]);
    assert.deepEqual([1, 2, 3, 4, 100].map((s) => curve.misses(s)), [6, 5, 3, 3, 3]);
    assert.equal(curve.knee, 3);
  });

  it('reads the same curve from text page numbers and from mmsim dense ids, through the replay of the LRU policy too', async () => {
    const keys = loadTrace('shift-2phase-200k').subarray(0, 50_000);
    const b = newRefBatch(keys.length);
    for (let i = 0; i < keys.length; i++) b.page[i] = keys[i]! * 2 ** 20; // pages above 2^32
    b.length = keys.length;
    const paths = [tmpFile('lc.txt', ''), tmpFile('lc.mmsim', '')];
    for (const p of paths) {
      const sink = openSink(p, p.endsWith('.txt') ? 'text' : 'mmsim');
      await sink.write(b);
      await sink.close();
    }
    const [text, ids] = [await lruCurve(await openTrace(paths[0]!)), await lruCurve(await openTrace(paths[1]!))];
    const sizes = [1, 10, 100, 1000, 5000, 20_000];
    const replayed = await replayEach(
      await openTrace(paths[1]!),
      sizes.map((s) => createPolicy('lru', s)),
    );
    assert.deepEqual(
      sizes.map((s) => text.misses(s)),
      replayed.map((r) => r.misses),
    );
    assert.deepEqual(
      sizes.map((s) => ids.misses(s)),
      replayed.map((r) => r.misses),
    );
  });
});
