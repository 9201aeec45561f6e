import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrequencySketch } from '../../src/lab/frequency_sketch.js';

describe('lab/frequency_sketch', () => {
  it('sizes itself as libCacheSim does: k = 10, ⌈14.3776·entries⌉ counters', () => {
    const s = new FrequencySketch(99, 0.001);
    assert.equal(s.nrHashes, 10);
    assert.equal(s.nrCounters, 1424); // README: C = 100, C − W = 99
    assert.equal(new FrequencySketch(9900).nrCounters, Math.ceil(14.377587 * 9900));
  });

  it('never underestimates a count, and halving halves an isolated key', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 400 }), (keys) => {
        const s = new FrequencySketch(20);
        const truth = new Map<number, number>();
        for (const k of keys) {
          s.add(k);
          truth.set(k, (truth.get(k) ?? 0) + 1);
        }
        for (const [k, n] of truth) assert.ok(s.estimate(k) >= n, `key ${k}`);
      }),
    );
    const s = new FrequencySketch(1000);
    for (let i = 0; i < 9; i++) s.add(42);
    assert.equal(s.estimate(42), 9);
    s.halve();
    assert.equal(s.estimate(42), 4);
  });

  it('estimateHashed/addHashed agree with the key forms', () => {
    const s = new FrequencySketch(50);
    const k = 2 ** 40 + 3;
    s.addHashed(s.hashA(k), s.hashB(k));
    s.add(k);
    assert.equal(s.estimate(k), 2);
    assert.equal(s.estimateHashed(s.hashA(k), s.hashB(k)), 2);
  });
});
