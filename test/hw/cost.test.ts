import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CacheHierarchy } from '../../src/hw/cache_hierarchy.js';
import { costOf, SKYLAKE_COST } from '../../src/hw/cost.js';

describe('hw/cost', () => {
  it('charges each access the latency of the level that served it', () => {
    const h = new CacheHierarchy();
    h.data(0x1000, 8, false); // DRAM: 250
    h.data(0x1000, 8, false); // L1: 4
    h.fetch(0x2000, 4); // DRAM: 250
    h.walk(0x3000, false); // DRAM, a walk read: 250 of translation
    const r = costOf({ caches: h, stlbHits: 2 }, SKYLAKE_COST);
    assert.equal(r.accesses, 3);
    assert.equal(r.memoryCycles, 250 + 4 + 250);
    assert.equal(r.walkCycles, 250);
    assert.equal(r.translationCycles, 250 + 2 * 9);
    assert.equal(r.cycles, 504 + 268);
    assert.equal(r.amat, 772 / 3);
  });

  it('gives AMAT 0 with no access, and refuses a model without a latency per level', () => {
    assert.equal(costOf({ caches: new CacheHierarchy() }).amat, 0);
    assert.throws(() => costOf({ caches: new CacheHierarchy() }, { cacheHitCycles: [4, 12], dramCycles: 200, stlbHitCycles: 9 }), /cache level 3/);
  });
});
