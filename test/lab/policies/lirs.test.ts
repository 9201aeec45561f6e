import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Lirs } from '../../../src/lab/policies/lirs.js';
import { NaiveLirs } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/lirs', () => {
  it('derives Lh = max(1, ⌊0.01C⌋) and Ll = C − Lh (README table)', () => {
    for (const [c, h, l] of [
      [100, 1, 99],
      [5000, 50, 4950],
    ]) {
      const p = new Lirs(c);
      assert.deepEqual([p.hirLimit, p.lirLimit], [h, l]);
    }
    assert.throws(() => new Lirs(1), /no room for LIR/);
  });

  it('hand-worked C=3 (Ll 2, Lh 1), including libCacheSim’s Q-only hit that demotes a LIR block', () => {
    // 1 2 LIR; 3 HIR in Q; 4 evicts 3 (non-resident in S); 3 returns as LIR,
    // demoting 1 to Q (4 becomes non-resident); 1 (Q only) hits: 2 is demoted,
    // which evicts 1 itself from Q, yet 1 is pushed on S as resident; 2 hits
    // in Q; 5 is LIR; 1 hits and becomes LIR, demoting 3.
    const p = new Lirs(3);
    assert.equal(hitPattern(p, [1, 2, 3, 4, 3, 1, 2, 5, 1]), 'mmmmmHHmH');
    assert.equal(p.size(), 3);
    assert.equal(hitPattern(p, [3, 2]), 'Hm');
  });

  it('matches the naive model on random traces', () => {
    checkAgainstModel((c) => new Lirs(c), (c) => new NaiveLirs(c), { minCapacity: 2, maxCapacity: 12, nrKeys: 26 });
  });

  it('C = 2 (one LIR slot): a non-LIR entry at the bottom of S is demoted without corrupting the lists', () => {
    // This sequence once left a freed id on Q and then looped forever: a
    // phantom block (see above) reached the bottom of S, and demoting it also
    // evicted it from Q. Steps 15-18 are the corner.
    const keys = [5, 0, 2, 0, 2, 0, 3, 5, 0, 2, 3, 3, 6, 4, 6, 3, 6, 1, 3, 3, 1, 0, 3, 0, 3, 4, 7, 7, 9, 8, 9, 10, 13, 13];
    const p = new Lirs(2);
    const m = new NaiveLirs(2);
    keys.forEach((k, t) => assert.equal(p.access(k, false, t, Infinity), m.access(k), `reference ${t}`));
    checkAgainstModel((c) => new Lirs(c), (c) => new NaiveLirs(c), { minCapacity: 2, maxCapacity: 3, nrKeys: 9, maxLength: 600, numRuns: 200 });
  });
});
