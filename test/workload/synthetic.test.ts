import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ZipfGenerator, zipfBatches } from '../../src/workload/synthetic.js';

describe('workload/synthetic', () => {
  it('draws the same pages as an independent Python implementation', () => {
    // Python: xoshiro128** (same seeding), cumulative (k+1)^-alpha, Fisher-Yates, bisect_right.
    const a = new ZipfGenerator({ alpha: 1.0, pages: 1000, seed: 1 });
    assert.deepEqual(Array.from({ length: 12 }, () => a.nextPage()), [523, 744, 903, 198, 210, 318, 577, 768, 104, 203, 891, 198]);
    const b = new ZipfGenerator({ alpha: 0.8, pages: 20000, seed: 101 });
    assert.deepEqual(Array.from({ length: 8 }, () => b.nextPage()), [8670, 18359, 19056, 1428, 844, 12717, 11544, 5742]);
  });

  it('gives rank 0 a share near 1/H(n) for alpha 1', () => {
    const n = 100;
    const g = new ZipfGenerator({ alpha: 1, pages: n, seed: 9 });
    let h = 0;
    for (let k = 1; k <= n; k++) h += 1 / k;
    let zeros = 0;
    const draws = 200000;
    for (let i = 0; i < draws; i++) if (g.nextRank() === 0) zeros++;
    const p = 1 / h;
    const sd = Math.sqrt((p * (1 - p)) / draws);
    assert.ok(Math.abs(zeros / draws - p) < 5 * sd, `${zeros / draws} vs ${p}`);
  });

  it('yields exactly the requested number of references in batches', () => {
    let n = 0;
    for (const b of zipfBatches({ alpha: 1, pages: 10, requests: 20000, seed: 1 })) n += b.length;
    assert.equal(n, 20000);
    assert.throws(() => new ZipfGenerator({ alpha: -1, pages: 10, seed: 1 }), RangeError);
  });
});
