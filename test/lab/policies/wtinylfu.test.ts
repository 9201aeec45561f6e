import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WTinyLfu } from '../../../src/lab/policies/wtinylfu.js';
import { NaiveWTinyLfu } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('lab/policies/wtinylfu', () => {
  it('derives window / probation / protected sizes as the README table', () => {
    for (const [c, w, m] of [
      [100, 1, 99],
      [2000, 20, 1980],
    ]) {
      const p = new WTinyLfu(c);
      assert.deepEqual([p.windowSize, p.mainSize], [w, m]);
    }
    assert.equal(new WTinyLfu(100).sketch.nrCounters, 1424);
  });

  it('hand-worked C=100: the first eviction drains the window into the main cache', () => {
    // 1..100 fill the window (it may exceed W while the cache fills). 101
    // evicts: window victims 1..99 move into the empty main cache; then 100
    // (seen once) loses to the main victim 1 (inserted + examined) and leaves.
    const p = new WTinyLfu(100);
    assert.equal(hitPattern(p, range(1, 101)), 'm'.repeat(101));
    assert.equal(hitPattern(p, [1, 50, 99, 101]), 'HHHH');
    assert.equal(hitPattern(p, [100]), 'm');
  });

  it('admits nothing when ⌊0.01·C⌋ = 0, as libCacheSim', () => {
    const p = new WTinyLfu(99);
    assert.equal(hitPattern(p, [1, 1, 1]), 'mmm');
  });

  it('matches the naive model (BigInt XXH64 sketch) on random traces', () => {
    checkAgainstModel(
      (c) => new WTinyLfu(c, { params: { 'window-size': '0.2' } }),
      (c) => new NaiveWTinyLfu(c, 0.2),
      { minCapacity: 5, maxCapacity: 30, nrKeys: 45, numRuns: 60 },
    );
  });
});
