// The walker in each paging mode, on the kernel's page tables: which entries
// a TLB miss reads, at which physical addresses, computed by hand from the
// SDM's layouts (vol. 3A 4.3: 32-bit paging, a page directory and page
// tables of 1024 four-byte entries; 4.4: PAE, PDPTEs held in registers, a
// page directory and page tables of 512 eight-byte entries; 4.5: 4-level).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/api/machine.js';
import { OP_LOAD } from '../../src/hw/cache_hierarchy.js';
import { MMU_WALK_READS } from '../../src/hw/mmu.js';
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
  /** Physical addresses of the entries one cold access to `va` reads (each a line access of the walk). */
  const walkAddresses = (va: number): number[] => {
    const seen: number[] = [];
    const caches = mmu.caches;
    const orig = caches.walk.bind(caches);
    caches.walk = (pa: number, w: boolean): number => {
      seen.push(pa);
      return orig(pa, w);
    };
    mmu.flushAll();
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
  });
});

describe('machine: the page-walk caches in 32-bit paging', () => {
  it('a 4 KiB walk after another 4 KiB walk in the same GiB still reads the PDE (32-bit paging caches PDEs only)', () => {
    const { sys, base, tableAt } = setup('i386');
    const mmu = sys.cores[0]!;
    mmu.flushAll();
    assert.ok(sys.access(0, base, 8, OP_LOAD) >= 0);
    // Another 4 MiB region: no PDE cache entry for it, so both its entries are read.
    const va = base + 4 * MIB + 4096;
    const seen: number[] = [];
    const caches = mmu.caches;
    const orig = caches.walk.bind(caches);
    caches.walk = (pa: number, w: boolean): number => {
      seen.push(pa);
      return orig(pa, w);
    };
    assert.ok(sys.access(0, va, 8, OP_LOAD) >= 0);
    caches.walk = orig;
    assert.deepEqual(seen, [tableAt(va, 0).frame * 4096 + (va >>> 22) * 4, tableAt(va, 3).frame * 4096 + ((va >>> 12) & 1023) * 4]);
  });
});
