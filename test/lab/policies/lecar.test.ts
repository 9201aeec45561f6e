import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LeCaR } from '../../../src/lab/policies/lecar.js';
import { NaiveLeCaR } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/lecar', () => {
  it('evicts without a history entry when both experts pick the same object', () => {
    const p = new LeCaR(2, { seed: 1, params: {} });
    assert.equal(hitPattern(p, [1, 2, 3, 1]), 'mmmm');
    assert.deepEqual([p.wLru, p.wLfu], [0.5, 0.5]);
  });

  it('hand-worked weight update: an LRU-history hit one request after the eviction', () => {
    // lru-weight=1 makes the coin always follow LRU. [1 1 2] then 3: LRU picks
    // 1, LFU picks 2; 1 is evicted into the LRU history at request 4 and asked
    // for at request 5: t = 1, d = 0.005^(1/2), w_lru = 1·e^(−0.45·d) + 1e−10,
    // both renormalised with w_lfu = 0.5 (+1e−10): 0.65955850..., 0.34044149...
    const p = new LeCaR(2, { seed: 9, params: { 'lru-weight': '1' } });
    assert.equal(hitPattern(p, [1, 1, 2, 3, 1]), 'mHmmm');
    assert.ok(Math.abs(p.wLru - 0.6595585017929232) < 1e-12);
    assert.ok(Math.abs(p.wLfu - 0.34044149813898855) < 1e-12);
  });

  it('is reproducible for a seed', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 97 ^ (i % 13));
    const a = hitPattern(new LeCaR(20, { seed: 5, params: {} }), keys);
    assert.equal(hitPattern(new LeCaR(20, { seed: 5, params: {} }), keys), a);
  });

  it('matches the naive model (same seeded coin) on random traces', () => {
    checkAgainstModel((c) => new LeCaR(c, { seed: c, params: {} }), (c) => new NaiveLeCaR(c, c), {
      minCapacity: 1,
      maxCapacity: 12,
      nrKeys: 24,
    });
  });
});
