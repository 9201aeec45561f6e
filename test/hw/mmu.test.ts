// The MMU on hand-built page tables (no kernel): walk lengths with the
// page-walk caches, Accessed/Dirty updates, faults, 2 MiB leaves, and the
// inlined hit path against the general path it copies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CacheHierarchy, KIND_WALK, SKYLAKE_CACHES, type CacheHierarchyConfig, OP_FETCH, OP_LOAD, OP_STORE } from '../../src/hw/cache_hierarchy.js';
import { Mmu } from '../../src/hw/mmu.js';
import { PageTablePool, LEVEL_PGD, LEVEL_PMD, LEVEL_PTE, LEVEL_PUD, pgdIndex, pmdIndex, pteIndex, pudIndex } from '../../src/hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_NX, PTE_PRESENT, PTE_PSE, PTE_RW, PTE_USER } from '../../src/hw/pte.js';
import { SKYLAKE_TLB, TlbHierarchy, type TlbHierarchyConfig } from '../../src/hw/tlb_hierarchy.js';
import { TLB_HITS, TLB_MISSES } from '../../src/hw/tlb.js';

const TABLE = PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY;

/** Page tables with a PGD at frame 1000; tables take frames 1001, 1002... */
class Tables {
  readonly pool = new PageTablePool();
  readonly root: number;
  private nextFrame = 1001;
  constructor() {
    this.root = this.pool.alloc(LEVEL_PGD, 1000);
  }
  private child(table: number, slot: number, level: number): number {
    const e = table * 512 + slot;
    if (!(this.pool.flags[e]! & PTE_PRESENT)) this.pool.set(table, slot, TABLE, this.pool.alloc(level, this.nextFrame++));
    return this.pool.val[e]!;
  }
  /** Maps the 4 KiB page at `va` to frame `pfn` with leaf flags `flags`. */
  map4k(va: number, pfn: number, flags: number): number {
    const vpn = Math.floor(va / 4096);
    const pud = this.child(this.root, pgdIndex(vpn), LEVEL_PUD);
    const pmd = this.child(pud, pudIndex(vpn), LEVEL_PMD);
    const pte = this.child(pmd, pmdIndex(vpn), LEVEL_PTE);
    this.pool.set(pte, pteIndex(vpn), flags, pfn);
    return pte * 512 + pteIndex(vpn);
  }
  /** Maps the 2 MiB page at `va` (aligned) to frames from `pfn` (512-aligned). */
  map2m(va: number, pfn: number, flags: number): number {
    const vpn = Math.floor(va / 4096);
    const pud = this.child(this.root, pgdIndex(vpn), LEVEL_PUD);
    const pmd = this.child(pud, pudIndex(vpn), LEVEL_PMD);
    this.pool.set(pmd, pmdIndex(vpn), flags | PTE_PSE, pfn);
    return pmd * 512 + pmdIndex(vpn);
  }
}

function mmuOn(t: Tables, tlb: TlbHierarchyConfig = SKYLAKE_TLB, caches: CacheHierarchyConfig = SKYLAKE_CACHES): Mmu {
  const m = new Mmu(new TlbHierarchy(tlb), new CacheHierarchy(caches));
  m.pool = t.pool;
  m.root = t.root;
  m.pcid = 1;
  return m;
}

const USER_RW = PTE_PRESENT | PTE_RW | PTE_USER;
const walkReads = (m: Mmu) => m.caches.served(KIND_WALK).reduce((a, b) => a + b, 0);

describe('hw/mmu', () => {
  it('walks 4 entries cold, 1 for a neighbour page (PDE cache), then hits the TLB', () => {
    const t = new Tables();
    t.map4k(0x7000_0000_0000, 5, USER_RW | PTE_ACCESSED);
    t.map4k(0x7000_0000_1000, 6, USER_RW | PTE_ACCESSED);
    const m = mmuOn(t);
    assert.equal(m.access(0x7000_0000_0010, 8, OP_LOAD), 0);
    assert.equal(m.pa, 5 * 4096 + 0x10);
    assert.equal(walkReads(m), 4);
    assert.equal(m.access(0x7000_0000_1ff8, 8, OP_LOAD), 0);
    assert.equal(m.pa, 6 * 4096 + 0xff8);
    assert.equal(walkReads(m), 5);
    assert.equal(m.access(0x7000_0000_1000, 8, OP_LOAD), 0);
    assert.deepEqual([walkReads(m), m.stats().walks4k], [5, 2]);
  });

  it('sets Accessed on a walk, and Dirty on a store (by a second walk for a clean cached entry)', () => {
    const t = new Tables();
    const e = t.map4k(0x40_0000, 7, USER_RW);
    const m = mmuOn(t);
    m.access(0x40_0000, 8, OP_LOAD);
    assert.equal(t.pool.flags[e]! & (PTE_ACCESSED | PTE_DIRTY), PTE_ACCESSED);
    m.access(0x40_0008, 8, OP_STORE); // clean TLB entry: a dirty assist re-walks (PDE cache: 1 read) and writes D
    assert.equal(t.pool.flags[e]! & PTE_DIRTY, PTE_DIRTY);
    m.access(0x40_0010, 8, OP_STORE); // now a plain hit
    assert.deepEqual([m.stats().aSets, m.stats().dSets, m.stats().dirtyAssists, walkReads(m)], [1, 1, 1, 4 + 1 + 2]);
    // 4 reads + the A write, then 1 read + the D write: 7 line accesses of kind walk.
  });

  it('faults without caching anything for a missing entry, and for a forbidden access', () => {
    const t = new Tables();
    t.map4k(0x40_0000, 7, PTE_PRESENT | PTE_USER | PTE_ACCESSED | PTE_NX); // read-only, no-exec
    const m = mmuOn(t);
    assert.equal(m.access(0x80_0000, 8, OP_LOAD), -1);
    assert.deepEqual([m.faultAddr, m.faultPresent, m.faultWrite], [0x80_0000, false, false]);
    assert.equal(m.access(0x40_0000, 8, OP_LOAD), 0);
    assert.equal(m.access(0x40_0000, 8, OP_STORE), -1); // a TLB hit without Write: fault, entry dropped
    assert.deepEqual([m.faultPresent, m.faultWrite], [true, true]);
    assert.equal(m.access(0x40_0000, 4, OP_FETCH), -1); // NX
    assert.deepEqual([m.faultPresent, m.faultExec], [true, true]);
    assert.deepEqual([m.stats().faultsNotPresent, m.stats().faultsProtection], [1, 2]);
  });

  it('translates a 2 MiB leaf with a 3-entry walk and one TLB entry for all its 512 pages', () => {
    const t = new Tables();
    t.map2m(0x4000_0000, 0x200, USER_RW | PTE_ACCESSED | PTE_DIRTY);
    const m = mmuOn(t);
    for (let i = 0; i < 512; i++) {
      assert.equal(m.access(0x4000_0000 + i * 4096 + 8, 8, OP_STORE), 0);
      assert.equal(m.pa, (0x200 + i) * 4096 + 8);
    }
    assert.deepEqual([m.stats().walks2m, m.stats().walks4k, walkReads(m)], [1, 0, 3]);
  });

  it('splits an access across two pages into two translations', () => {
    const t = new Tables();
    t.map4k(0x1000, 3, USER_RW | PTE_ACCESSED);
    t.map4k(0x2000, 9, USER_RW | PTE_ACCESSED);
    const m = mmuOn(t);
    assert.equal(m.access(0x1ffc, 8, OP_LOAD), 0);
    assert.equal(m.pa, 3 * 4096 + 0xffc);
    assert.equal(m.stats().splits, 1);
    assert.equal(m.tlb.stats().dAccesses, 2);
  });

  /**
   * The same accesses through access() (inlined hit path) and through the
   * general pieces (translate(), then the hierarchy's access()) must leave
   * the same counters, addresses and replacement outcomes.
   */
  function sameAsGeneralPath(small: TlbHierarchyConfig, caches: CacheHierarchyConfig = SKYLAKE_CACHES): void {
    fc.assert(
      fc.property(fc.array(fc.record({ page: fc.nat({ max: 40 }), off: fc.nat({ max: 4090 }), op: fc.constantFrom(OP_FETCH, OP_LOAD, OP_STORE), size: fc.constantFrom(1, 4, 8, 16) }), { maxLength: 300 }), (accs) => {
        const t = new Tables();
        for (let p = 0; p < 32; p++) t.map4k(0x10_0000 + p * 4096, 50 + p, USER_RW);
        t.map2m(0x4000_0000, 0x400, USER_RW);
        const fast = mmuOn(t, small, caches);
        const t2 = new Tables();
        for (let p = 0; p < 32; p++) t2.map4k(0x10_0000 + p * 4096, 50 + p, USER_RW);
        t2.map2m(0x4000_0000, 0x400, USER_RW);
        const slow = mmuOn(t2, small, caches);
        for (const a of accs) {
          const va = a.page < 32 ? 0x10_0000 + a.page * 4096 + a.off : 0x4000_0000 + (a.page - 32) * 4096 + a.off;
          if ((va % 4096) + a.size > 4096) continue;
          const r = fast.access(va, a.size, a.op);
          const pa = slow.translate(va, a.op);
          assert.equal(r === 0, pa >= 0);
          if (pa < 0) continue;
          slow.caches.access(pa, a.size, a.op);
          assert.equal(fast.pa, pa);
        }
        const counts = (m: Mmu) => [
          ...m.tlb.all().flatMap((x) => [x.counts[TLB_HITS], x.counts[TLB_MISSES]]),
          ...m.caches.all().flatMap((c) => Object.values(c.stats())),
          ...m.caches.servedBy,
          ...m.counts,
        ];
        assert.deepEqual(counts(fast), counts(slow));
      }),
      { numRuns: 60, seed: 17 },
    );
  }

  it('counts exactly as the general path it inlines, for random accesses on small TLBs', () => {
    sameAsGeneralPath({ ...SKYLAKE_TLB, l1d: [{ entries: 8, ways: 2, pageSizes: ['4k'] }, { entries: 4, ways: 4, pageSizes: ['2m'] }], l1i: [{ entries: 8, ways: 4, pageSizes: ['4k'] }], stlb: [{ entries: 32, ways: 4, pageSizes: ['4k', '2m'] }] });
  });

  it('counts exactly as the general path on small caches, whose sets keep evicting and refilling lines (way hints go stale)', () => {
    const tiny = (name: string, sizeBytes: number, ways: number, inclusive = false) => ({ name, sizeBytes, ways, lineBytes: 64, inclusive });
    sameAsGeneralPath(
      { ...SKYLAKE_TLB, l1d: [{ entries: 8, ways: 2, pageSizes: ['4k'] }], l1i: [{ entries: 8, ways: 4, pageSizes: ['4k'] }], stlb: [{ entries: 32, ways: 4, pageSizes: ['4k', '2m'] }] },
      { l1i: tiny('L1i', 512, 2), l1d: tiny('L1d', 1024, 4), lower: [tiny('L2', 4096, 4), tiny('LLC', 16384, 8, true)] },
    );
  });

  it('counts as the general path when the first L1 TLB array is one the inlined path cannot index (1 GiB pages, 8 sets)', () => {
    sameAsGeneralPath({ ...SKYLAKE_TLB, l1d: [{ entries: 16, ways: 2, pageSizes: ['1g'] }, { entries: 8, ways: 2, pageSizes: ['4k'] }, { entries: 4, ways: 4, pageSizes: ['2m'] }], l1i: [{ entries: 8, ways: 4, pageSizes: ['4k'] }], stlb: [{ entries: 32, ways: 4, pageSizes: ['4k', '2m'] }] });
  });
});
