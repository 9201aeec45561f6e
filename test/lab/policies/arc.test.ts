import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Arc } from '../../../src/lab/policies/arc.js';
import { NaiveArc } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/arc', () => {
  it('hand-worked C=2: ghost hits move p up (B1) and down (B2)', () => {
    // 1 2 1 -> T1=[2], T2=[1]; 3: REPLACE moves 2 to B1; 2: B1 hit, p = 1,
    // REPLACE moves 1 to B2; 1: B2 hit, p = 0, 3 to B1; 3: B1 hit, p = 1.
    const p = new Arc(2);
    assert.equal(hitPattern(p, [1, 2, 1, 3, 2, 1, 3]), 'mmHmmmm');
    assert.equal(p.p, 1);
    assert.equal(hitPattern(p, [1, 3, 2]), 'HHm');
  });

  it('never holds more than C residents or 2C directory entries', () => {
    const p = new Arc(5);
    for (let t = 0; t < 5000; t++) p.access((t * 7919) % 23, false, t, Infinity);
    assert.ok(p.size() <= 5);
  });

  it('matches the naive model on random traces', () => {
    checkAgainstModel((c) => new Arc(c), (c) => new NaiveArc(c), { minCapacity: 1, maxCapacity: 10, nrKeys: 24 });
  });
});
