import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evenSizes, missRatio } from '../../../src/lab/mrc/curve.js';

describe('lab/mrc/curve', () => {
  it('spaces sizes evenly up to the maximum, without repeats', () => {
    assert.deepEqual(evenSizes(10, 4), [3, 5, 8, 10]);
    assert.deepEqual(evenSizes(100, 5), [20, 40, 60, 80, 100]);
    assert.deepEqual(evenSizes(3, 10), [1, 2, 3]);
    assert.deepEqual(evenSizes(1, 1), [1]);
  });

  it('divides misses by requests, and gives 0 for an empty trace', () => {
    assert.equal(missRatio({ requests: 8, footprint: 2, misses: () => 2 }, 1), 0.25);
    assert.equal(missRatio({ requests: 0, footprint: 0, misses: () => 0 }, 1), 0);
  });
});
