import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkingSet } from '../../../src/lab/policies/ws.js';
import { NaiveWs } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/ws', () => {
  it('hand-worked τ = 3: a reference hits iff its page was referenced within the last 3', () => {
    // t: 0 1 2 3 4 5 6, pages 1 2 1 3 4 1 2. W after each: {1} {1,2} {1,2}
    // {1,2,3} {1,3,4} (2 last at t1 <= 4-3) {1,3,4} {1,4,2} (3 last at t3 <= 6-3).
    const p = new WorkingSet(10, { params: { tau: '3', sample: '2' } });
    assert.equal(hitPattern(p, [1, 2, 1, 3, 4, 1, 2]), 'mmHmmHm');
    const s = p.stats();
    assert.equal(s.meanResident, (1 + 2 + 2 + 3 + 3 + 3 + 3) / 7);
    assert.equal(s.maxResident, 3);
    assert.equal(s.windowEvictions, 2);
    assert.deepEqual(s.residentSamples, [2, 3, 3]); // after references 1, 3, 5
  });

  it('uses the capacity as a cap, evicting the least recently referenced page', () => {
    const p = new WorkingSet(2, { params: { tau: '100' } });
    assert.equal(hitPattern(p, [1, 2, 3, 1, 3]), 'mmmmH');
    assert.equal(p.stats().capEvictions, 2);
  });

  it('never exceeds the capacity, and the resident set is exactly the last τ references’ pages', () => {
    const p = new WorkingSet(64, { params: { tau: '20' } });
    const keys: number[] = [];
    for (let t = 0; t < 3000; t++) {
      const k = (t * 31 + (t >> 6) * 7) % 45;
      keys.push(k);
      p.access(k, false, t, Infinity);
      assert.equal(p.size(), new Set(keys.slice(Math.max(0, t - 19), t + 1)).size);
    }
  });

  it('matches the naive model on random traces, window and cap both binding', () => {
    for (const tau of [1, 3, 8]) {
      checkAgainstModel((c) => new WorkingSet(c, { params: { tau: String(tau) } }), (c) => new NaiveWs(c, tau), {
        minCapacity: 1,
        maxCapacity: 10,
        nrKeys: 20,
        numRuns: 60,
      });
    }
  });
});
