// Hand-computed cases of the x86 TLB management (arch/x86/mm/tlb.c as
// modelled in src/machine/tlb.ts): the single-page flush ceiling, the range
// an unmap flushes, freed page tables, PCID slot reuse and shootdowns.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Machine, type Process } from '../../src/api/machine.js';
import { OP_LOAD, OP_STORE } from '../../src/hw/cache_hierarchy.js';
import { System } from '../../src/machine/system.js';

function setup(cpus: number, opts: { pcid?: boolean } = {}): { m: Machine; sys: System } {
  const m = new Machine({ memtotal: '512M', cpus });
  return { m, sys: new System(m.kernel, opts) };
}

/** Page-walk count of a CPU so far. */
const walks = (sys: System, cpu: number) => sys.cores[cpu]!.tlb.stats().walks;

function touch(sys: System, cpu: number, p: Process, addr: number, pages: number[], op = OP_STORE): void {
  sys.run(cpu, p.task);
  for (const i of pages) assert.ok(sys.access(cpu, addr + i * 4096, 8, op) >= 0);
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('machine/tlb: flush ranges and the single-page ceiling', () => {
  it('flushes 33 pages with INVLPG, 34 with one full flush', () => {
    const { m, sys } = setup(1);
    const p = m.spawn('p', { image: null });
    const a = p.mmap({ pages: 100, prot: 'rw', flags: ['private', 'anonymous'] });
    touch(sys, 0, p, a, range(0, 100));
    // [0, 33): 33 present PTEs, one request of 33 strides: partial.
    sys.syscall(0, p.task, () => p.munmap(a, 33 * 4096));
    assert.deepEqual([sys.tlb.stats.requests, sys.tlb.stats.fullRequests, sys.tlb.stats.nr_tlb_local_flush_one], [1, 0, 33]);
    assert.equal(sys.tlb.cpuStats(0).invlpg, 33);
    // Page 50 kept its TLB entry: no walk.
    const w = walks(sys, 0);
    touch(sys, 0, p, a, [50], OP_LOAD);
    assert.equal(walks(sys, 0), w);
    // [33, 67): 34 strides, over the ceiling: the whole ASID goes, page 50's entry too.
    sys.syscall(0, p.task, () => p.munmap(a + 33 * 4096, 34 * 4096));
    assert.deepEqual([sys.tlb.stats.requests, sys.tlb.stats.fullRequests, sys.tlb.stats.nr_tlb_local_flush_all], [2, 1, 1]);
    touch(sys, 0, p, a, [80], OP_LOAD);
    assert.equal(walks(sys, 0), w + 1);
  });

  it('counts a hugetlb range in huge pages against the ceiling (flush_tlb_range with huge_page_shift)', () => {
    const { m, sys } = setup(1);
    m.sysctl('nr_hugepages', 40);
    const p = m.spawn('p', { image: null });
    // 40 huge pages of 2 MiB: 20,480 base pages, but 40 strides of 2 MiB.
    const a = p.mmap({ length: 40 * 2 * 1024 * 1024, prot: 'rw', flags: ['private', 'anonymous', 'hugetlb'] });
    sys.run(0, p.task);
    for (let i = 0; i < 40; i++) assert.ok(sys.access(0, a + i * 2 * 1024 * 1024, 8, OP_STORE) >= 0);
    // mprotect of 16 huge pages: 16 strides, under the ceiling: 16 INVLPGs, one per huge TLB entry.
    sys.syscall(0, p.task, () => p.mprotect(a, 16 * 2 * 1024 * 1024, 'r'));
    assert.deepEqual([sys.tlb.stats.requests, sys.tlb.stats.fullRequests, sys.tlb.cpuStats(0).invlpg], [1, 0, 16]);
    // Huge page 30 kept its TLB entry: a read of it walks nothing.
    const w = walks(sys, 0);
    assert.ok(sys.access(0, a + 30 * 2 * 1024 * 1024, 8, OP_LOAD) >= 0);
    assert.equal(walks(sys, 0), w);
    // munmap of the other 24 (one VMA since the mprotect): 24 strides, one INVLPG each.
    sys.syscall(0, p.task, () => p.munmap(a + 16 * 2 * 1024 * 1024, 24 * 2 * 1024 * 1024));
    assert.equal(sys.tlb.cpuStats(0).invlpg, 16 + 24);
  });

  it('flushes only the span of the PTEs an unmap cleared (pages 2, 5 and 9 of 10: 8 INVLPGs)', () => {
    const { m, sys } = setup(1);
    const p = m.spawn('p', { image: null });
    const a = p.mmap({ pages: 20, prot: 'rw', flags: ['private', 'anonymous'] });
    touch(sys, 0, p, a, [2, 5, 9]);
    sys.syscall(0, p.task, () => p.munmap(a, 10 * 4096));
    assert.equal(sys.tlb.cpuStats(0).invlpg, 8);
  });

  it('asks for no flush when an unmap cleared nothing', () => {
    const { m, sys } = setup(1);
    const p = m.spawn('p', { image: null });
    const a = p.mmap({ pages: 20, prot: 'rw', flags: ['private', 'anonymous'] });
    touch(sys, 0, p, a, [15]);
    sys.syscall(0, p.task, () => p.munmap(a, 10 * 4096));
    assert.equal(sys.tlb.stats.requests, 0);
  });

  it('flushes again, with freed tables, when the page tables of an unmapped range go', () => {
    //   16 TiB: [ one page ]   alone in its PUD, PMD and PTE tables
    // munmap: the PTE is cleared (request 1: 1 INVLPG), then the PTE, PMD and
    // PUD tables are freed at 16 TiB (request 2: one stride, freed tables).
    const { m, sys } = setup(1);
    const p = m.spawn('p', { image: null });
    const a = p.mmap({ pages: 1, prot: 'rw', flags: ['private', 'anonymous', 'fixed'], addr: 2 ** 44 });
    touch(sys, 0, p, a, [0]);
    sys.syscall(0, p.task, () => p.munmap(a, 4096));
    assert.deepEqual([sys.tlb.stats.requests, sys.tlb.cpuStats(0).invlpg], [2, 2]);
    // The INVLPG also emptied the page-walk caches of this PCID.
    assert.equal(sys.cores[0]!.pwc.pde.validCount() + sys.cores[0]!.pwc.pdpte.validCount() + sys.cores[0]!.pwc.pml4e.validCount(), 0);
  });

  it('uses a 2 MiB stride for a huge PMD: one INVLPG per THP', () => {
    const m = new Machine({ memtotal: '512M', cpus: 1, thp: 'always' });
    const sys = new System(m.kernel);
    const p = m.spawn('p', { image: null });
    const a = p.mmap({ length: '8M', prot: 'rw', flags: ['private', 'anonymous', 'fixed'], addr: 2 ** 44 });
    touch(sys, 0, p, a, [0, 512, 1024]);
    assert.equal(sys.cores[0]!.stats().walks2m, 3);
    const before = sys.tlb.cpuStats(0).invlpg;
    // Unmapping the first 6 MiB clears 3 huge PMDs: one request of 3 strides of 2 MiB.
    sys.syscall(0, p.task, () => p.munmap(a, 6 * 2 ** 20));
    assert.equal(sys.tlb.cpuStats(0).invlpg - before, 3);
  });
});

describe('machine/tlb: context switches and PCID', () => {
  /** Seven processes with one touched page each, made before the System so no switch happens yet. */
  function seven(pcid: boolean) {
    const m = new Machine({ memtotal: '512M', cpus: 1 });
    const ps = Array.from({ length: 7 }, (_, i) => m.spawn(`p${i + 1}`, { image: null }));
    const addrs = ps.map((p) => p.mmap({ pages: 1, prot: 'rw', flags: ['private', 'anonymous'] }));
    const sys = new System(m.kernel, { pcid });
    return { sys, ps, addrs };
  }

  it('gives six ASID slots round-robin and keeps an up-to-date slot without a flush', () => {
    const { sys, ps, addrs } = seven(true);
    // p1..p5 take slots 1..5 (slot 0 holds init_mm), p6 evicts init_mm from
    // slot 0, p7 evicts p1 from slot 1.
    for (let i = 0; i < 7; i++) touch(sys, 0, ps[i]!, addrs[i]!, [0]);
    assert.deepEqual(
      ps.map((p) => sys.tlb.loadedOn(0).mm === p.task.mm),
      [false, false, false, false, false, false, true],
    );
    let s = sys.tlb.cpuStats(0);
    assert.deepEqual([s.mmSwitches, s.switchFlushes, s.switchNoFlush, s.asidEvictions], [7, 7, 0, 2]);
    // p2 still owns slot 2, up to date: CR3 with NOFLUSH, and its page is still in the TLB.
    const w = walks(sys, 0);
    touch(sys, 0, ps[1]!, addrs[1]!, [0], OP_LOAD);
    assert.equal(walks(sys, 0), w);
    assert.equal(sys.tlb.loadedOn(0).asid, 2);
    // p1 lost its slot: it takes the next one round-robin (2, evicting p2) and walks again.
    touch(sys, 0, ps[0]!, addrs[0]!, [0], OP_LOAD);
    assert.equal(walks(sys, 0), w + 1);
    s = sys.tlb.cpuStats(0);
    assert.deepEqual([s.mmSwitches, s.switchFlushes, s.switchNoFlush, s.asidEvictions], [9, 8, 1, 3]);
  });

  it('flushes on every switch without PCID', () => {
    const { sys, ps, addrs } = seven(false);
    for (let i = 0; i < 7; i++) touch(sys, 0, ps[i]!, addrs[i]!, [0]);
    const w = walks(sys, 0);
    touch(sys, 0, ps[1]!, addrs[1]!, [0], OP_LOAD);
    assert.equal(walks(sys, 0), w + 1);
    const s = sys.tlb.cpuStats(0);
    assert.deepEqual([s.mmSwitches, s.switchFlushes, s.switchNoFlush], [8, 8, 0]);
  });

  it('flushes a slot that went stale while its mm was switched out', () => {
    const m = new Machine({ memtotal: '512M', cpus: 2 });
    const p = m.spawn('p', { image: null });
    const q = m.spawn('q', { image: null });
    const a = p.mmap({ pages: 4, prot: 'rw', flags: ['private', 'anonymous'] });
    const b = q.mmap({ pages: 1, prot: 'rw', flags: ['private', 'anonymous'] });
    const sys = new System(m.kernel);
    touch(sys, 0, p, a, [0, 1, 2, 3]);
    touch(sys, 0, q, b, [0]);
    // p's range is unmapped from CPU 1 while p is switched out on CPU 0:
    // CPU 0 still has p's slot (and stays in p's cpumask) but is running q,
    // so it gets no IPI; its slot is behind by one generation.
    sys.syscall(1, p.task, () => p.munmap(a, 4096));
    assert.equal(sys.tlb.cpuStats(0).ipisReceived, 0);
    const flushes = sys.tlb.cpuStats(0).switchFlushes;
    touch(sys, 0, p, a, [1], OP_LOAD);
    assert.equal(sys.tlb.cpuStats(0).switchFlushes, flushes + 1);
    assert.deepEqual(sys.checkInvariants(), []);
  });
});

describe('machine/tlb: shootdowns and lazy TLB', () => {
  it('sends IPIs only to CPUs running the mm; lazy CPUs only when tables are freed', () => {
    const { m, sys } = setup(2);
    const p = m.spawn('p', { image: null });
    const a = p.mmap({ pages: 8, prot: 'rw', flags: ['private', 'anonymous'] });
    const far = p.mmap({ pages: 1, prot: 'rw', flags: ['private', 'anonymous', 'fixed'], addr: 2 ** 44 });
    // Two threads of p: one on each CPU.
    touch(sys, 0, p, a, range(0, 8));
    touch(sys, 1, p, a, range(0, 8), OP_LOAD);
    touch(sys, 1, p, far, [0]);
    assert.deepEqual(sys.tlb.cpumaskOf(p.task.mm!), [0, 1]);
    // 1. munmap of page 0 from CPU 0: local INVLPG and one IPI to CPU 1.
    sys.syscall(0, p.task, () => p.munmap(a, 4096));
    assert.equal(sys.tlb.stats.nr_tlb_remote_flush, 1);
    assert.deepEqual([sys.tlb.cpuStats(0).invlpg, sys.tlb.cpuStats(1).invlpg, sys.tlb.cpuStats(1).ipisReceived], [1, 1, 1]);
    // 2. CPU 1 runs a kernel thread (lazy TLB): skipped for a flush without freed tables.
    sys.run(1, null);
    sys.syscall(0, p.task, () => p.munmap(a + 4096, 4096));
    assert.equal(sys.tlb.stats.nr_tlb_remote_flush, 2);
    assert.deepEqual([sys.tlb.cpuStats(1).ipisReceived, sys.tlb.cpuStats(1).lazySkips], [1, 1]);
    // 3. Back on p, CPU 1 finds its TLB stale and flushes it whole.
    const sf = sys.tlb.cpuStats(1).switchFlushes;
    touch(sys, 1, p, a, [4], OP_LOAD);
    assert.equal(sys.tlb.cpuStats(1).switchFlushes, sf + 1);
    // 4. Lazy again; unmapping `far` makes two requests: the PTE flush skips
    //    the lazy CPU, the freed-tables flush reaches it and sends it to init_mm.
    sys.run(1, null);
    sys.syscall(0, p.task, () => p.munmap(far, 4096));
    const s1 = sys.tlb.cpuStats(1);
    assert.deepEqual([s1.ipisReceived, s1.lazySkips, s1.lazyToInit, s1.maskTrims], [2, 2, 1, 0]);
    assert.equal(sys.tlb.loadedOn(1).mm, null);
    // CPU 1 is still in p's cpumask; the next request with freed tables finds
    // it on init_mm and takes it out of the mask.
    const b = p.mmap({ pages: 1, prot: 'rw', flags: ['private', 'anonymous', 'fixed'], addr: 2 ** 45 });
    touch(sys, 0, p, b, [0]);
    sys.syscall(0, p.task, () => p.munmap(b, 4096));
    assert.equal(sys.tlb.cpuStats(1).maskTrims, 1);
    assert.deepEqual(sys.tlb.cpumaskOf(p.task.mm!), [0]);
    assert.deepEqual(sys.checkInvariants(), []);
  });

  it('flushes the parent everywhere at fork (flush_tlb_mm: freed_tables, so lazy CPUs too)', () => {
    const { m, sys } = setup(2);
    const p = m.spawn('p', { image: null });
    const a = p.mmap({ pages: 4, prot: 'rw', flags: ['private', 'anonymous'] });
    touch(sys, 1, p, a, [0, 1]);
    sys.run(1, null); // lazy on p
    touch(sys, 0, p, a, [2]);
    const before = sys.tlb.cpuStats(1).ipisReceived;
    sys.syscall(0, p.task, () => p.fork());
    assert.equal(sys.tlb.cpuStats(1).ipisReceived, before + 1);
    assert.equal(sys.tlb.cpuStats(1).lazyToInit, 1);
    // The parent's next write to page 0 must take the COW fault, not use a stale writable entry.
    const faults = p.faults.minflt;
    touch(sys, 0, p, a, [0]);
    assert.equal(p.faults.minflt, faults + 1);
  });
});
