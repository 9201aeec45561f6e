import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evenSizes, growToFit, missRatio, suffixMisses } from '../../../src/lab/mrc/curve.js';

describe('lab/mrc/curve', () => {
  it('spaces sizes evenly up to the maximum, without repeats', () => {
    assert.deepEqual(evenSizes(10, 4), [3, 5, 8, 10]);
    assert.deepEqual(evenSizes(100, 5), [20, 40, 60, 80, 100]);
    assert.deepEqual(evenSizes(3, 10), [1, 2, 3]);
    assert.deepEqual(evenSizes(1, 1), [1]);
  });

  it('turns a distance histogram into misses by size', () => {
    // 3 cold, one reference at distance 0, two at distance 1: 6 misses at 0 pages,
    // 5 at 1 page (distance 0 hits), 3 from 2 pages on; trailing zeros dropped.
    assert.deepEqual([...suffixMisses(Float64Array.from([1, 2, 0, 0]), 3)], [6, 5, 3]);
    assert.deepEqual([...suffixMisses(new Float64Array(4), 7)], [7]);
  });

  it('grows a histogram by doubling, keeping its contents', () => {
    const a = Float64Array.from([1, 2]);
    assert.equal(growToFit(a, 1), a);
    assert.deepEqual([...growToFit(a, 5)], [1, 2, 0, 0, 0, 0, 0, 0]);
  });

  it('divides misses by requests, and gives 0 for an empty trace', () => {
    assert.equal(missRatio({ requests: 8, footprint: 2, misses: () => 2 }, 1), 0.25);
    assert.equal(missRatio({ requests: 0, footprint: 0, misses: () => 0 }, 1), 0);
  });
});
