import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Slru } from '../../../src/lab/policies/slru.js';
import { NaiveSlru } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/slru', () => {
  it('hand-worked C=4, 2 segments of 2: fills bottom-up, promotes on hits, demotes overflow', () => {
    // 1 2 -> seg0 [2 1], 3 4 -> seg1 [4 3]; 1 hits: seg1 [1 4 3] overflows and
    // its tail 3 drops to seg0 [3 2]; 5 evicts seg0's tail 2 (seg0 [5 3]);
    // 2 evicts 3 (seg0 [2 5]); 4 hits in seg1; 3 evicts 5.
    const p = new Slru(4, { params: { 'n-seg': '2' } });
    assert.equal(hitPattern(p, [1, 2, 3, 4, 1, 5, 2, 4, 3]), 'mmmmHmmHm');
    assert.equal(hitPattern(p, [1, 4, 2, 3, 5]), 'HHHHm');
  });

  it('admits nothing when a segment would hold 0 objects (C < n-seg), as libCacheSim', () => {
    const p = new Slru(3);
    assert.equal(hitPattern(p, [1, 1, 1]), 'mmm');
    assert.equal(p.size(), 0);
  });

  it('matches the naive model on random traces, 4 and 3 segments', () => {
    checkAgainstModel((c) => new Slru(c), (c) => new NaiveSlru(c), { minCapacity: 1, maxCapacity: 16, nrKeys: 28 });
    checkAgainstModel(
      (c) => new Slru(c, { params: { 'n-seg': '3' } }),
      (c) => new NaiveSlru(c, 3),
      { minCapacity: 1, maxCapacity: 14, nrKeys: 24, numRuns: 80 },
    );
  });
});
