// The walker in each paging mode, on the kernel's page tables: which entries
// a TLB miss reads, at which physical addresses, computed by hand from the
// SDM's layouts (vol. 3A 4.3: 32-bit paging, a page directory and page
// tables of 1024 four-byte entries; 4.4: PAE, PDPTEs held in registers, a
// page directory and page tables of 512 eight-byte entries; 4.5: 4-level).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/api/machine.js';
import { OP_LOAD, OP_STORE } from '../../src/hw/cache_hierarchy.js';
import { MMU_WALK_READS } from '../../src/hw/mmu.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_PSE } from '../../src/hw/pte.js';
import { TLB_DIRTY, TLB_WRITE } from '../../src/hw/tlb.js';
import type { Arch } from '../../src/kernel/arch.js';
import { System } from '../../src/machine/system.js';

const MIB = 1 << 20;

/** A process with 12 MiB of written anonymous memory, its first 4 MiB-aligned address, and the walks of one access. */
function setup(arch: Arch) {
  const m = new Machine({ arch, memtotal: '512M', cpus: 1 });
  const p = m.spawn('main', { image: null });
  const a = p.mmap({ pages: 3072, prot: 'rw', flags: ['private', 'anonymous'] });
  p.touch(a, 3072, { write: true });
  const base = Math.ceil(a / (4 * MIB)) * 4 * MIB;
  const sys = new System(m.kernel);
  sys.run(0, p.task);
  const mmu = sys.cores[0]!;
  const k = m.kernel;
  const pt = k.pt;
  const mm = p.task.mm!;
  /** The pool table holding the entry of `va` at depth d (0 PGD .. 3 PTE), and that table's frame. */
  const tableAt = (va: number, d: number): { table: number; frame: number } => {
    let table = mm.pgd;
    for (let level = 0; level < d; level++) {
      const idx = Math.floor(va / 2 ** [39, 30, 21][level]!) % 512;
      table = pt.val[table * 512 + idx]!;
    }
    return { table, frame: pt.tablePfn[table]! };
  };
  /**
   * Physical addresses of the entries one access to `va` reads (each a line
   * access of the walk): a cold access, after the TLBs and page-walk caches
   * are flushed, unless `flush` is false.
   */
  const walkAddresses = (va: number, flush = true): number[] => {
    const seen: number[] = [];
    const caches = mmu.caches;
    const orig = caches.walk.bind(caches);
    caches.walk = (pa: number, w: boolean): number => {
      seen.push(pa);
      return orig(pa, w);
    };
    if (flush) mmu.flushAll();
    const before = mmu.counts[MMU_WALK_READS]!;
    assert.ok(sys.access(0, va, 8, OP_LOAD) >= 0);
    caches.walk = orig;
    assert.equal(mmu.counts[MMU_WALK_READS]! - before, seen.length);
    return seen;
  };
  return { sys, base, tableAt, walkAddresses };
}

describe('machine: page walks in each paging mode', () => {
  it('x86-64: PML4E, PDPTE, PDE and PTE, 8 bytes each', () => {
    const { base, tableAt, walkAddresses } = setup('x86_64');
    const va = base + 5 * 4096 + 24;
    const want = [39, 30, 21, 12].map((shift, d) => tableAt(va, d).frame * 4096 + (Math.floor(va / 2 ** shift) % 512) * 8);
    assert.deepEqual(walkAddresses(va), want);
  });

  it('i386: a PDE indexed by bits 31:22 and a PTE by bits 21:12, 4 bytes each; PCID is off', () => {
    const { sys, base, tableAt, walkAddresses } = setup('i386');
    assert.equal(sys.tlb.pcid, false);
    for (const off of [5 * 4096, 2 * MIB + 7 * 4096]) {
      const va = base + off;
      const pgd = tableAt(va, 0).frame;
      const pte = tableAt(va, 3).frame;
      assert.deepEqual(walkAddresses(va), [pgd * 4096 + (va >>> 22) * 4, pte * 4096 + ((va >>> 12) & 1023) * 4]);
    }
    // One 4 KiB page table maps the whole 4 MiB: the second 2 MiB's entries are in its upper half.
    assert.equal(tableAt(base, 3).frame, tableAt(base + 2 * MIB, 3).frame);
    assert.equal(walkAddresses(base + 2 * MIB)[1]! % 4096, 2048);
  });

  it('PAE: no PDPT read (the PDPTEs are in registers), then a PDE and a PTE of 8 bytes', () => {
    const { sys, base, tableAt, walkAddresses } = setup('i386-pae');
    assert.equal(sys.tlb.pcid, false);
    const va = base + 3 * MIB + 9 * 4096;
    const pmd = tableAt(va, 2).frame;
    const pte = tableAt(va, 3).frame;
    assert.deepEqual(walkAddresses(va), [pmd * 4096 + ((va >>> 21) & 511) * 8, pte * 4096 + ((va >>> 12) & 511) * 8]);
    // Only the PDE is cached: PAE has no PML4E or PDPTE cache (SDM 4.10.3.1).
    const pwc = sys.cores[0]!.pwc;
    assert.deepEqual([pwc.pml4e.validEntries().length, pwc.pdpte.validEntries().length, pwc.pde.validEntries().length], [0, 0, 1]);
  });
});

describe('machine: 4 MiB pages in 32-bit paging (PDE.PS with CR4.PSE, SDM 4.3)', () => {
  /** A 4 MiB hugetlb page of an i386 process, written once, and a hook recording the walker's entry accesses. */
  function setup4m() {
    const m = new Machine({ arch: 'i386', memtotal: '512M', cpus: 1 });
    m.sysctl('nr_hugepages', 1);
    const p = m.spawn('main', { image: null });
    const a = p.mmap({ length: '4M', prot: 'rw', flags: ['private', 'anonymous', 'hugetlb'] });
    const sys = new System(m.kernel);
    sys.run(0, p.task);
    const mmu = sys.cores[0]!;
    assert.ok(sys.access(0, a, 4, OP_STORE) >= 0);
    const pt = m.kernel.pt;
    const mm = p.task.mm!;
    // The pool's PMD table under the address (PGD -> PUD -> PMD, folded levels) and the first of its two PS halves.
    const pud = pt.val[mm.pgd * 512 + Math.floor(a / 2 ** 39)]!;
    const pmd = pt.val[pud * 512 + (Math.floor(a / 2 ** 30) % 512)]!;
    const first = pmd * 512 + (Math.floor(a / 2 ** 21) % 512);
    const seen: Array<[number, boolean]> = [];
    const caches = mmu.caches;
    const orig = caches.walk.bind(caches);
    caches.walk = (pa: number, w: boolean): number => {
      seen.push([pa, w]);
      return orig(pa, w);
    };
    return { sys, mmu, pt, a, first, pgdFrame: pt.tablePfn[mm.pgd]!, seen };
  }

  it('one fault maps 4 MiB; a cold walk reads one 4-byte PDE (bits 31:22) and no PTE, and fills one 4M TLB entry', () => {
    const { sys, mmu, pt, a, first, pgdFrame, seen } = setup4m();
    assert.equal(a % (4 * MIB), 0);
    assert.equal(sys.faults, 1);
    const head = pt.val[first]!;
    // The two pool halves of the PDE: both PS, the second 512 frames further.
    assert.equal(head % 1024, 0);
    assert.ok(pt.flags[first]! & PTE_PSE);
    assert.equal(pt.flags[first + 1], pt.flags[first]);
    assert.equal(pt.val[first + 1], head + 512);
    mmu.flushAll();
    seen.length = 0;
    const before = mmu.stats();
    const va = a + 2 * MIB + 0x1234; // in the second 2 MiB: still the same PDE and TLB entry
    // pa = the page's frame * 4096 + bits 21:0 of the address.
    assert.equal(sys.access(0, va, 8, OP_LOAD), head * 4096 + 0x201234);
    // PDE index = va >>> 22; 4 bytes each. A and D are already set by the fault: no write.
    assert.deepEqual(seen, [[pgdFrame * 4096 + (va >>> 22) * 4, false]]);
    const after = mmu.stats();
    assert.equal(after.walkReads - before.walkReads, 1);
    // A PDE-leaf walk (the walks2m slot, walks_4m in i386 reports), no 4K walk.
    assert.equal(after.walks2m - before.walks2m, 1);
    assert.equal(after.walks4k - before.walks4k, 0);
    // One entry of page shift 22 for vpn va >>> 22 in the L1 dTLB's 4M array and in the STLB.
    const l1 = mmu.tlb.l1d.find((t) => t.pageShifts.includes(22))!;
    const stlb = mmu.tlb.stlb.find((t) => t.pageShifts.includes(22))!;
    assert.equal(l1.name, 'L1 dTLB 4m');
    assert.equal(stlb.name, 'STLB 4k+4m');
    for (const arr of [l1, stlb]) {
      const es = arr.validEntries();
      assert.equal(es.length, 1);
      assert.deepEqual([es[0]!.vpn, es[0]!.pageShift, es[0]!.pfn, es[0]!.flags & (TLB_WRITE | TLB_DIRTY)], [va >>> 22, 22, head, TLB_WRITE | TLB_DIRTY]);
    }
    // Any other address of the 4 MiB hits that entry: no walk.
    seen.length = 0;
    assert.equal(sys.access(0, a + 4 * MIB - 8, 8, OP_LOAD), head * 4096 + 4 * MIB - 8);
    assert.deepEqual(seen, []);
    assert.equal(mmu.stats().walks2m - before.walks2m, 1);
    assert.deepEqual(sys.checkInvariants(), []);
  });

  it('sets Accessed, then Dirty, in the PDE with a locked write at the PDE address (both pool halves)', () => {
    const { sys, mmu, pt, a, first, pgdFrame, seen } = setup4m();
    const head = pt.val[first]!;
    // Clear A and D, as if the OS had harvested them, and flush the TLB.
    for (const e of [first, first + 1]) pt.flags[e] = pt.flags[e]! & ~(PTE_ACCESSED | PTE_DIRTY);
    mmu.flushAll();
    seen.length = 0;
    const pde = pgdFrame * 4096 + (a >>> 22) * 4;
    // A load: the PDE read, then one locked write setting A (SDM 4.8).
    assert.equal(sys.access(0, a + 16, 4, OP_LOAD), head * 4096 + 16);
    assert.deepEqual(seen, [[pde, false], [pde, true]]);
    for (const e of [first, first + 1]) assert.equal(pt.flags[e]! & (PTE_ACCESSED | PTE_DIRTY), PTE_ACCESSED);
    const l1 = mmu.tlb.l1d.find((t) => t.pageShifts.includes(22))!;
    assert.equal(l1.validEntries()[0]!.flags & TLB_DIRTY, 0);
    // A store through the clean entry: the walker reads the PDE again and sets D.
    seen.length = 0;
    const s0 = mmu.stats();
    assert.equal(sys.access(0, a + 3 * MIB, 4, OP_STORE), head * 4096 + 3 * MIB);
    assert.deepEqual(seen, [[pde, false], [pde, true]]);
    const s1 = mmu.stats();
    assert.deepEqual([s1.dirtyAssists - s0.dirtyAssists, s1.dSets - s0.dSets, s1.aSets - s0.aSets, s1.walks2m - s0.walks2m], [1, 1, 0, 1]);
    for (const e of [first, first + 1]) assert.equal(pt.flags[e]! & (PTE_ACCESSED | PTE_DIRTY), PTE_ACCESSED | PTE_DIRTY);
    assert.ok(l1.validEntries()[0]!.flags & TLB_DIRTY);
    assert.deepEqual(sys.checkInvariants(), []);
  });

  it('a 4 KiB walk after another 4 KiB walk in the same GiB still reads the PDE (32-bit paging caches PDEs only)', () => {
    const { sys, base, tableAt, walkAddresses } = setup('i386');
    sys.cores[0]!.flushAll();
    assert.ok(sys.access(0, base, 8, OP_LOAD) >= 0);
    // Another 4 MiB region: no PDE cache entry for it, so both its entries are read.
    const va = base + 4 * MIB + 4096;
    const seen = walkAddresses(va, false);
    assert.deepEqual(seen, [tableAt(va, 0).frame * 4096 + (va >>> 22) * 4, tableAt(va, 3).frame * 4096 + ((va >>> 12) & 1023) * 4]);
  });
});
