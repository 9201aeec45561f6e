import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sieve } from '../../../src/lab/policies/sieve.js';
import { NaiveSieve } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/sieve', () => {
  it('hand-worked C=3: the hand spares visited objects and resumes toward the head', () => {
    // 1 2 3 fill; 1 hit (visited); 4: hand at tail 1 (visited -> cleared), 2 evicted,
    // hand -> 3; 5: 3 evicted, hand -> 4; 1 hit; 3: 4 evicted.
    const p = new Sieve(3);
    assert.equal(hitPattern(p, [1, 2, 3, 1, 4, 5, 1, 3]), 'mmmHmmHm');
    assert.equal(hitPattern(p, [5, 1, 3, 4]), 'HHHm');
  });

  it('matches the naive model on random traces', () => {
    checkAgainstModel((c) => new Sieve(c), (c) => new NaiveSieve(c), { minCapacity: 1, maxCapacity: 8, nrKeys: 14 });
  });
});
