import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_NR_GENS, MIN_NR_GENS, Mglru } from '../../../src/lab/policies/mglru.js';
import { NaiveMglru } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/mglru', () => {
  it('hand-worked C=2: aging walks move referenced pages to the youngest generation', () => {
    // 1 2 fault into gen 1. 3: 2 generations -> age (both already youngest),
    // gen 0 retired, 1 evicted from gen 1. 2 hit. 4: age moves 2 to gen 2
    // (next to 3), gen 1 retired, 3 evicted. Same again for 4, then 5.
    const p = new Mglru(2);
    assert.equal(hitPattern(p, [1, 2, 3, 2, 4, 2, 5, 2, 4]), 'mmmHmHmHm');
    const s = p.stats();
    assert.deepEqual([s.agings, s.walkPromotions, s.evictions, s.evictPromotions], [4, 3, 4, 0]);
    assert.deepEqual([s.minSeq, s.maxSeq, s.genSizes], [4, 5, [1, 1]]); // gen 4: 2, gen 5: the new page 4
  });

  it('keeps between 2 and 4 generations and every page in one of them', () => {
    const p = new Mglru(16);
    let x = 1;
    for (let t = 0; t < 20000; t++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      p.access(x % (t % 2000 < 1000 ? 24 : 60), false, t, Infinity);
      const s = p.stats();
      const n = s.maxSeq - s.minSeq + 1;
      assert.ok(n >= MIN_NR_GENS && n <= MAX_NR_GENS, `generations ${n}`);
      assert.equal(
        s.genSizes.reduce((a, b) => a + b, 0),
        p.size(),
      );
    }
    assert.ok(p.stats().evictPromotions > 0, 'eviction-time promotion exercised');
  });

  it('matches the naive model on random traces', () => {
    checkAgainstModel((c) => new Mglru(c), (c) => new NaiveMglru(c), { minCapacity: 1, maxCapacity: 12, nrKeys: 24 });
  });
});
