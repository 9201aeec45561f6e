import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reuseBucket, traceStats } from '../../../src/workload/trace/stats.js';
import { openText } from '../../../src/workload/trace/text.js';
import { tmpFile } from './helpers.js';

describe('workload/trace/stats', () => {
  it('buckets distances by powers of two', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 7, 8, 2 ** 32, 2 ** 33 - 1].map(reuseBucket), [0, 1, 2, 2, 3, 3, 4, 33, 33]);
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
