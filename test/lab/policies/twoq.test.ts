import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TwoQ } from '../../../src/lab/policies/twoq.js';
import { NaiveTwoQ } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/twoq', () => {
  it('derives Kin = ⌊0.25C⌋ and Kout = ⌊0.5C⌋ (README table)', () => {
    const p = new TwoQ(1000);
    assert.deepEqual([p.kin, p.kout], [250, 500]);
  });

  it('hand-worked C=4 (Kin 1, Kout 2): A1in overfills while filling, A1out ghosts lead to Am', () => {
    // 1-4 fill A1in; 5 evicts 1 (-> A1out); 1: ghost -> Am, 2 -> A1out;
    // 2: ghost -> Am, 3 -> A1out; 4 hit in A1in; 1 hit in Am; 6, 7 push 4, 5
    // to A1out (3 falls off); 3 is then a cold miss.
    const p = new TwoQ(4);
    assert.equal(hitPattern(p, [1, 2, 3, 4, 5, 1, 2, 4, 1, 6, 7, 3]), 'mmmmmmmHHmmm');
    assert.equal(hitPattern(p, [1, 2, 3, 7]), 'HHHH');
  });

  it('matches the naive model on random traces, default and other ratios', () => {
    checkAgainstModel((c) => new TwoQ(c), (c) => new NaiveTwoQ(c), { minCapacity: 1, maxCapacity: 16, nrKeys: 28 });
    checkAgainstModel(
      (c) => new TwoQ(c, { params: { 'Ain-size-ratio': '0.5', 'Aout-size-ratio': '1' } }),
      (c) => new NaiveTwoQ(c, 0.5, 1),
      { minCapacity: 1, maxCapacity: 10, nrKeys: 20, numRuns: 80 },
    );
  });
});
