import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SKYLAKE_TLB, TlbHierarchy, type TlbHierarchyConfig } from '../../src/hw/tlb_hierarchy.js';
import { TLB_DIRTY, TLB_GLOBAL, TLB_MISSES, TLB_WRITE, type TlbEntry } from '../../src/hw/tlb.js';

const e4k = (pfn: number, flags = TLB_WRITE): TlbEntry => ({ pageShift: 12, pfn, flags });

describe('hw/tlb_hierarchy', () => {
  it('has the Skylake geometry by default', () => {
    const h = new TlbHierarchy();
    assert.deepEqual(
      h.l1d.map((a) => [a.entries, a.ways, a.pageShifts]),
      [
        [64, 4, [12]],
        [32, 4, [21]],
        [4, 4, [30]],
      ],
    );
    assert.deepEqual(h.l1i.map((a) => a.entries), [128, 8]);
    assert.deepEqual(h.stlb.map((a) => [a.entries, a.ways, a.pageShifts]), [
      [1536, 12, [12, 21]],
      [16, 4, [30]],
    ]);
  });

  it('misses, is filled by the walker, then hits in the L1 dTLB', () => {
    const h = new TlbHierarchy();
    assert.equal(h.translateData(0x7000_1234, 1), -1);
    h.fill(0x7000_1234, 1, e4k(0x42));
    assert.equal(h.translateData(0x7000_1234, 1), 0x42000 + 0x234);
    assert.deepEqual([h.stats().dAccesses, h.stats().dL1Misses, h.stats().walks], [2, 1, 1]);
  });

  it('refills the L1 from the STLB after an L1 eviction', () => {
    // A 1-entry L1 dTLB in front of the Skylake STLB.
    const cfg: TlbHierarchyConfig = { ...SKYLAKE_TLB, l1d: [{ entries: 1, ways: 1, pageSizes: ['4k'] }] };
    const h = new TlbHierarchy(cfg);
    h.fill(0x1000, 1, e4k(1));
    h.fill(0x2000, 1, e4k(2)); // evicts page 1 from the L1, both stay in the STLB
    assert.equal(h.translateData(0x1008, 1), 0x1008);
    assert.equal(h.stats().stlbHits, 1);
    assert.equal(h.translateData(0x1010, 1), 0x1010); // now an L1 hit again
    assert.equal(h.stats().dL1Misses, 1);
    assert.equal(h.stats().walks, 0);
  });

  it('finds 2 MiB pages through the L1 2M array and 1 GiB pages through the STLB 1G array', () => {
    const h = new TlbHierarchy();
    h.fill(0x4000_0000, 1, { pageShift: 21, pfn: 0x100000, flags: TLB_WRITE }); // 2 MiB page at 1 GiB -> frame 0x100000 (4 GiB)
    assert.equal(h.translateData(0x4000_0000 + 0x1f_fff0, 1), 0x1_0000_0000 + 0x1f_fff0);
    h.fill(0x80_0000_0000, 1, { pageShift: 30, pfn: 0x40000, flags: TLB_WRITE }); // 1 GiB page -> 1 GiB
    assert.equal(h.translateData(0x80_0000_0000 + 0x3fff_ffff, 1), 0x4000_0000 + 0x3fff_ffff);
    // Instruction fetches: Skylake's iTLB has no 1G array, so they go to the STLB.
    assert.equal(h.translateInstr(0x80_0000_0010, 1), 0x4000_0010);
    assert.equal(h.stats().stlbHits, 1);
    // Both data translations hit an L1 array (2M, 1G): no L1 miss, though the 4K array missed twice.
    assert.deepEqual([h.stats().dL1Misses, h.l1d[0]!.counts[TLB_MISSES]], [0, 2]);
    assert.equal(h.stats().iL1Misses, 1);
  });

  it('drops a page everywhere on invlpg and non-global entries on a full flush that keeps globals', () => {
    const h = new TlbHierarchy();
    h.fill(0x1000, 1, e4k(1));
    h.fill(0xffff_8000_0000, 1, e4k(9, TLB_WRITE | TLB_GLOBAL)); // a kernel page, global
    h.fill(0x1000, 1, e4k(1), { instr: true });
    assert.equal(h.invlpg(0x1000, 1), 3); // L1 dTLB, L1 iTLB, STLB
    assert.equal(h.translateData(0x1000, 1), -1);
    h.fill(0x2000, 1, e4k(2));
    h.flushAll({ keepGlobal: true });
    assert.equal(h.translateData(0x2000, 1), -1);
    assert.equal(h.translateData(0xffff_8000_0000, 5), 9 * 4096);
    h.checkInvariants();
  });

  it('exposes the flags of the last translation and lets the walker set Dirty in every copy', () => {
    const h = new TlbHierarchy();
    h.fill(0x3000, 1, e4k(3));
    h.translateData(0x3000, 1);
    assert.equal(h.lastFlags & TLB_DIRTY, 0);
    h.setFlags(0x3000, 1, TLB_DIRTY);
    h.translateData(0x3000, 1);
    assert.equal(h.lastFlags & TLB_DIRTY, TLB_DIRTY);
    assert.ok(h.stlb[0].validEntries().every((e) => (e.flags & TLB_DIRTY) !== 0));
  });
});
