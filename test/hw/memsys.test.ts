import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySystem } from '../../src/hw/memsys.js';
import { KIND_WALK } from '../../src/hw/cache_hierarchy.js';

const walkReads = (m: MemorySystem) => m.caches.served(KIND_WALK).reduce((a, b) => a + b, 0);

describe('hw/memsys', () => {
  it('walks 4 levels on a cold miss, then hits the TLB', () => {
    const m = new MemorySystem();
    m.load(0x7f00_0000_1010, 8);
    assert.equal(walkReads(m), 4);
    m.load(0x7f00_0000_1ff0, 8);
    assert.equal(walkReads(m), 4);
    assert.deepEqual([m.tlb.stats().walks, m.tlb.stats().dAccesses], [1, 2]);
  });

  it('needs one read for a neighbouring page (PDE cache) and two in the next 2 MiB region (PDPTE cache)', () => {
    const m = new MemorySystem();
    m.load(0x4000_0000, 8);
    m.load(0x4000_1000, 8);
    assert.equal(walkReads(m), 4 + 1);
    m.load(0x4020_0000, 8);
    assert.equal(walkReads(m), 4 + 1 + 2);
    // Neighbouring entries share a cache line: the PTE of the second walk and
    // the PDE of the third hit L1d; the third walk's PTE is in a new table.
    assert.equal(m.caches.served(KIND_WALK)[0], 2);
  });

  it('walks 3 levels with 2 MiB pages, and one page covers 512 x 4 KiB', () => {
    const m = new MemorySystem({ pageShift: 21 });
    for (let i = 0; i < 512; i++) m.load(0x4000_0000 + i * 4096, 8);
    assert.equal(walkReads(m), 3);
    assert.equal(m.tlb.stats().walks, 1);
  });

  it('has the walker set Dirty once per page on the first store', () => {
    const m = new MemorySystem();
    m.load(0x5000, 8); // walk, clean entry
    m.store(0x5008, 8); // D assist: one walk write
    m.store(0x5010, 8); // entry has D now
    assert.equal(m.dirtyAssists, 1);
    m.store(0x9000, 8); // walk for a store sets D during the walk
    assert.equal(m.dirtyAssists, 2);
  });

  it('reports translation, cache and AMAT figures', () => {
    const m = new MemorySystem();
    for (let i = 0; i < 1000; i++) m.load((i % 64) * 64, 8);
    const r = m.report();
    assert.equal(r.cost.accesses, 1000);
    assert.equal(r.dramReads, 64 + 4); // 64 data lines + the 4 entries of one walk
    assert.ok(r.cost.amat > 4 && r.cost.amat < 30);
  });
});
