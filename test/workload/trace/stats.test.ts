import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReuseTracker, reuseBucket, traceStats } from '../../../src/workload/trace/stats.js';
import { openText } from '../../../src/workload/trace/text.js';
import { tmpFile } from './helpers.js';

// Naive reuse distance: distinct pages strictly between the two references.
function naiveDistances(trace: number[]): number[] {
  return trace.map((p, t) => {
    const prev = t === 0 ? -1 : trace.lastIndexOf(p, t - 1); // fromIndex -1 would mean "from the end"
    return prev < 0 ? -1 : new Set(trace.slice(prev + 1, t)).size;
  });
}

describe('workload/trace/stats', () => {
  it('buckets distances by powers of two', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 7, 8, 2 ** 32, 2 ** 33 - 1].map(reuseBucket), [0, 1, 2, 2, 3, 3, 4, 33, 33]);
  });

  it('computes exact reuse distances, through many compactions of the tree', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 15 }), fc.constant(2 ** 36)), { maxLength: 300 }), (trace) => {
        const t = new ReuseTracker(4);
        assert.deepEqual(trace.map((p) => t.access(p)), naiveDistances(trace));
      }),
      { numRuns: 200 },
    );
  });

  it('summarises a hand-made trace', async () => {
    // a b a c b a: cold a b c; a->1 (b), b->2 (a c), a->2 (c b)
    const path = tmpFile('s.txt', '1\n2\n1\n3\n2\n1\n');
    const st = await traceStats(openText(path));
    assert.equal(st.requests, 6);
    assert.equal(st.footprint, 3);
    assert.equal(st.cold, 3);
    assert.deepEqual(st.histogram, [0, 1, 2]);
    assert.equal(st.minPage, 1);
    assert.equal(st.maxPage, 3);
  });
});
