import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { S3Fifo } from '../../../src/lab/policies/s3fifo.js';
import { NaiveS3Fifo } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/s3fifo', () => {
  it('derives S = ⌊0.1C⌋, M = C − S, G = ⌊0.9C⌋ (README table)', () => {
    for (const [c, s, m, g] of [
      [100, 10, 90, 90],
      [5000, 500, 4500, 4500],
    ]) {
      const p = new S3Fifo(c);
      assert.deepEqual([p.smallSize, p.mainSize, p.ghostSize], [s, m, g]);
    }
  });

  it('hand-worked C=10: twice-seen objects move to main, one-hit wonders go to the ghost', () => {
    // 1..10 fill small; 1 seen twice more; 11: small tail 1 (freq 2) -> main,
    // 2 (freq 0) -> ghost; 2: ghost hit -> main (3 -> ghost); 1 hit in main;
    // 3: ghost hit (4 -> ghost).
    const p = new S3Fifo(10);
    assert.equal(hitPattern(p, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 1, 11, 2, 1, 3]), 'mmmmmmmmmmHHmmHm');
    assert.equal(p.size(), 10);
    assert.equal(hitPattern(p, [2, 3, 1, 4]), 'HHHm');
  });

  it('matches the naive model on random traces, default and other parameters', () => {
    checkAgainstModel((c) => new S3Fifo(c), (c) => new NaiveS3Fifo(c), { minCapacity: 1, maxCapacity: 24, nrKeys: 30 });
    const params = { 'fifo-size-ratio': '0.3', 'ghost-size-ratio': '0.5', 'move-to-main-threshold': '1' };
    checkAgainstModel(
      (c) => new S3Fifo(c, { params }),
      (c) => new NaiveS3Fifo(c, 0.3, 0.5, 1),
      { minCapacity: 1, maxCapacity: 12, nrKeys: 20, numRuns: 80 },
    );
  });
});
