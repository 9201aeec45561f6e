import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PageWalkCache, WALK_LEVELS } from '../../src/hw/pwc.js';

describe('hw/pwc', () => {
  it('shortens walks by the deepest cached level', () => {
    const p = new PageWalkCache();
    const va = 0x7f12_3456_7000;
    assert.equal(p.lookup(va, 1), WALK_LEVELS);
    p.fill(va, 1, { pageShift: 39, pfn: 100, flags: 0 });
    assert.equal(p.lookup(va, 1), 3);
    assert.equal(p.nextTablePfn, 100);
    p.fill(va, 1, { pageShift: 30, pfn: 200, flags: 0 });
    assert.equal(p.lookup(va, 1), 2);
    p.fill(va, 1, { pageShift: 21, pfn: 300, flags: 0 });
    assert.equal(p.lookup(va, 1), 1);
    assert.equal(p.nextTablePfn, 300);
    // Same 2 MiB region: same PT page. Next 2 MiB region: only the PDPTE applies.
    assert.equal(p.lookup(va + 0x1000, 1), 1);
    assert.equal(p.lookup(va + 0x20_0000, 1), 2);
    // Another PCID sees nothing.
    assert.equal(p.lookup(va, 2), 4);
    assert.deepEqual(p.stats(), { lookups: 7, misses: 2, walkReads: 4 + 3 + 2 + 1 + 1 + 2 + 4, pml4eHits: 1, pdpteHits: 2, pdeHits: 2 });
  });

  it('drops every entry of the PCID on INVLPG, whatever the address (Intel SDM 4.10.4.1)', () => {
    const p = new PageWalkCache();
    p.fill(0x1000, 1, { pageShift: 21, pfn: 1, flags: 0 });
    p.fill(0x4000_0000, 2, { pageShift: 21, pfn: 2, flags: 0 });
    p.invlpg(0x7fff_0000_0000, 1);
    assert.equal(p.lookup(0x1000, 1), 4);
    assert.equal(p.lookup(0x4000_0000, 2), 1);
    p.flushAll();
    assert.equal(p.lookup(0x4000_0000, 2), 4);
  });
});
