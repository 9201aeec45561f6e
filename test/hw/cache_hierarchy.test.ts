import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CacheHierarchy, KIND_DATA, KIND_INSTR, KIND_WALK, SKYLAKE_CACHES, type CacheHierarchyConfig } from '../../src/hw/cache_hierarchy.js';

// L1s: 1 set x 2 ways; L2: 1 set x 4 ways (non-inclusive); LLC: 4 sets x 4 ways, inclusive.
const TINY: CacheHierarchyConfig = {
  l1i: { name: 'L1i', sizeBytes: 128, ways: 2, lineBytes: 64 },
  l1d: { name: 'L1d', sizeBytes: 128, ways: 2, lineBytes: 64 },
  lower: [
    { name: 'L2', sizeBytes: 256, ways: 4, lineBytes: 64 },
    { name: 'LLC', sizeBytes: 1024, ways: 4, lineBytes: 64, inclusive: true },
  ],
};

const read = (h: CacheHierarchy, line: number) => h.data(line * 64, 8, false);
const write = (h: CacheHierarchy, line: number) => h.data(line * 64, 8, true);

describe('hw/cache_hierarchy', () => {
  it('writes back, back-invalidates and reaches DRAM as worked out by hand', () => {
    const h = new CacheHierarchy(TINY);
    const [, , l2, llc] = h.all();
    write(h, 1); // miss everywhere; 1 dirty in L1d
    read(h, 2);
    read(h, 3); // L1d evicts dirty 1 -> write-back hits L2 (1 was filled there)
    assert.equal(l2.stats().writes, 1);
    assert.ok(l2.isDirty(1));
    read(h, 5); // LLC set 1 (lines 1, 5, 9, 13... share it)
    read(h, 9); // L2 evicts 2 (clean)
    read(h, 13); // L2 evicts dirty 1 -> write-back hits the LLC
    assert.ok(llc.isDirty(1));
    read(h, 17); // LLC set 1 full: evicts 5, which the inclusive LLC invalidates in L2
    assert.equal(h.backInvalidations, 1);
    assert.ok(!l2.contains(5));
    read(h, 21); // LLC evicts 9 (1 was touched by its write-back after 9): L2 loses 9
    read(h, 25); // LLC evicts dirty 1: a DRAM write
    assert.deepEqual([h.dramReads, h.dramWrites, h.backInvalidations], [9, 1, 2]);
    assert.deepEqual(h.served(KIND_DATA), [0, 0, 0, 9]);
    h.checkInvariants();
  });

  it('serves a repeated access from L1 and counts a line-straddling access as two', () => {
    const h = new CacheHierarchy();
    h.data(0x1000, 8, false);
    h.data(0x1000, 8, true);
    h.data(0x103c, 8, false); // bytes 0x103c..0x1043: lines 0x40 and 0x41
    assert.deepEqual(h.served(KIND_DATA), [2, 0, 0, 2]);
    h.fetch(0x400000, 4);
    assert.deepEqual(h.served(KIND_INSTR), [0, 0, 0, 1]);
    assert.equal(h.walk(0x1008, false), 0); // the PTE line shares line 0x40 with the data
    assert.deepEqual(h.served(KIND_WALK), [1, 0, 0, 0]);
  });

  it('keeps inclusion and accounts every access under random traffic', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ line: fc.integer({ min: 0, max: 40 }), kind: fc.constantFrom('r', 'w', 'i', 'walk') }), { maxLength: 400 }),
        fc.constantFrom('lru', 'plru', 'random'),
        (ops, policy) => {
          const cfg: CacheHierarchyConfig = {
            l1i: { ...TINY.l1i, policy },
            l1d: { ...TINY.l1d, policy },
            lower: TINY.lower.map((c) => ({ ...c, policy })),
          };
          const h = new CacheHierarchy(cfg);
          for (const o of ops) {
            if (o.kind === 'i') h.fetch(o.line * 64, 4);
            else if (o.kind === 'walk') h.walk(o.line * 64, false);
            else h.data(o.line * 64, 8, o.kind === 'w');
          }
          h.checkInvariants();
          const served = [KIND_INSTR, KIND_DATA, KIND_WALK].flatMap((k) => h.served(k)).reduce((a, b) => a + b, 0);
          assert.equal(served, ops.length);
          const dramServed = [KIND_INSTR, KIND_DATA, KIND_WALK].reduce((s, k) => s + h.served(k)[3], 0);
          assert.equal(h.dramReads, dramServed);
          // Dirty lines are written at most once each to DRAM per write into the hierarchy.
          assert.ok(h.dramWrites <= ops.filter((o) => o.kind === 'w').length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('has the Skylake client geometry by default', () => {
    const h = new CacheHierarchy(SKYLAKE_CACHES);
    assert.deepEqual(
      h.all().map((c) => [c.name, c.sizeBytes, c.ways, c.sets, c.inclusive]),
      [
        ['L1i', 32768, 8, 64, false],
        ['L1d', 32768, 8, 64, false],
        ['L2', 262144, 4, 1024, false],
        ['LLC', 8388608, 16, 8192, true],
      ],
    );
  });

  it('refuses levels with different line sizes', () => {
    assert.throws(() => new CacheHierarchy({ ...TINY, l1i: { ...TINY.l1i, sizeBytes: 256, lineBytes: 128 } }), /line size 128 differs/);
  });
});
