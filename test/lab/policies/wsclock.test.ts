import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WsClock } from '../../../src/lab/policies/wsclock.js';
import { NaiveWsClock } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/wsclock', () => {
  it('hand-worked C = 2, τ = 1: full turns take the oldest clean page; an old dirty page is written back first', () => {
    // t0 1, t1 2 (written). t2 3: both R set -> cleared, turn without writes,
    // oldest clean is frame 0 (page 1). t3 4: page 2 is dirty but young (age 1),
    // frame 0 (3) is the only clean page. t4 5: page 2 now old (age 2 > 1) and
    // dirty -> written back; second turn takes it. 4 hits. t6 2: full turn again,
    // frames tie on time of last use -> first found, frame 0 (page 4).
    const p = new WsClock(2, { params: { tau: '1' } });
    assert.equal(hitPattern(p, [1, 2, 3, 4, 5, 4, 2], [false, true]), 'mmmmmHm');
    const s = p.stats();
    assert.deepEqual([s.writebacks, s.fullTurns], [1, 3]);
    assert.equal(hitPattern(p, [5, 2, 4]), 'HHm');
  });

  it('matches the naive model on random traces with reads and writes', () => {
    for (const tau of [1, 4, 50]) {
      checkAgainstModel((c) => new WsClock(c, { params: { tau: String(tau) } }), (c) => new NaiveWsClock(c, tau), {
        minCapacity: 1,
        maxCapacity: 10,
        nrKeys: 20,
        numRuns: 60,
      });
    }
  });
});
