// Replaying a recorded program (fixtures/record/mapper.mmsim.gz, recorded
// from fixtures/record/mapper.c) through the whole model. Expectations come
// from the program's source: which pages it writes, which ranges it
// mprotects and unmaps, and so which TLB flushes Linux would issue.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Kernel } from '../../../src/kernel/kernel.js';
import { DEFAULT_MACHINE } from '../../../src/kernel/machine.js';
import { replay } from '../../../src/workload/replay/replay.js';
import { System } from '../../../src/machine/system.js';
import { parseAddressSpace } from '../../../src/workload/trace/address_space.js';
import { openMmsim } from '../../../src/workload/trace/mmsim.js';

const TRACE = join(import.meta.dirname, '../../../fixtures/record/mapper.mmsim.gz');

async function run(opts: { cpus?: number; copies?: number; quantum?: number; pcid?: boolean } = {}) {
  const sys = new System(new Kernel({ ...DEFAULT_MACHINE, memtotalKb: 1 << 20, cpus: opts.cpus ?? 1 }), { pcid: opts.pcid ?? true });
  const inputs = [];
  let records = 0;
  for (let i = 0; i < (opts.copies ?? 1); i++) {
    const r = await openMmsim(TRACE, { pages: true });
    records = r.header.records;
    inputs.push({ name: `mapper${i}`, space: parseAddressSpace(r.maps!), batches: r.batches() });
  }
  const procs = await replay(sys, inputs, { quantum: opts.quantum ?? 100000 });
  return { sys, procs, records };
}

describe('workload/replay: a recorded program', () => {
  it('runs every reference in the recorded address space, with no signal and nothing made up but stack growth', async () => {
    const { procs, records } = await run();
    const p = procs[0]!;
    assert.equal(p.references.I + p.references.L + p.references.S + p.references.M, records);
    assert.equal(p.signals, 0);
    assert.equal(p.failedEvents, 0);
    assert.ok(p.synthesized <= 1, `${p.synthesized} mappings made up`);
    // Pages written for the first time: 64 (the mmap), 65 (the 256 KiB malloc and its header), the break's 25 (100 KiB).
    assert.ok(p.minflt >= 64 + 65 + 25, `${p.minflt} minor faults`);
    assert.equal(p.majflt, 0);
  });

  it("asks for the flushes Linux would for the program's mprotect and munmap calls", async () => {
    const sys = new System(new Kernel({ ...DEFAULT_MACHINE, memtotalKb: 1 << 20, cpus: 1 }));
    // Record every request on its way to the TLB model.
    const seen: string[] = [];
    const real = sys.tlb;
    sys.kernel.tlb = {
      flushRange(mm, start, end, freed, stride = 12) {
        seen.push(end === Infinity ? `all${freed ? ' freed' : ''}` : `${(start / 4096).toString(16)}+${(end - start) / 2 ** stride}`);
        real.flushRange(mm, start, end, freed, stride);
      },
      flushPage(mm, addr) {
        seen.push(`${(addr / 4096).toString(16)} page`);
        real.flushPage(mm, addr);
      },
      flushMm(mm) {
        seen.push('mm');
        real.flushMm(mm);
      },
    };
    const r = await openMmsim(TRACE, { pages: true });
    const space = parseAddressSpace(r.maps!);
    await replay(sys, [{ name: 'mapper', space, batches: r.batches() }], { quantum: 100000 });
    const ev = space.events.filter((e) => e.call !== 'brk');
    const a = ev.find((e) => e.call === 'mmap' && e.len === 64 * 4096)!;
    const chunk = ev.filter((e) => e.call === 'mmap').pop()!;
    assert.ok(a.call === 'mmap' && chunk.call === 'mmap');
    const page = (x: number) => (x / 4096).toString(16);
    // mprotect(a, 16 pages, PROT_READ) of 16 written pages: one request of 16 strides (16 INVLPG);
    // munmap(a + 48 pages, 16 pages) of 16 written pages: the same;
    // free() of the 256 KiB chunk, every page written by memset: 65 strides, a full flush;
    // exit: one full flush with the page tables freed.
    const at = (x: string) => seen.indexOf(x);
    assert.ok(at(`${page(a.addr)}+16`) >= 0, seen.join(', '));
    assert.ok(at(`${page(a.addr + 48 * 4096)}+16`) > at(`${page(a.addr)}+16`));
    assert.ok(at(`${page(chunk.addr)}+65`) > at(`${page(a.addr + 48 * 4096)}+16`));
    assert.equal(seen[seen.length - 1], 'all freed');
    // Everything else is a single page: a copy-on-write break (the zero page or a private file page) in the data, bss and stack.
    const others = seen.filter((x, i) => i !== seen.length - 1 && !x.endsWith('+16') && !x.endsWith('+65') && !x.endsWith('+4') && !x.endsWith('+2'));
    assert.ok(others.every((x) => x.endsWith(' page')), others.join(', '));
    assert.equal(real.stats.fullRequests, 2);
  });

  it('interleaves two copies on one CPU: PCID keeps each TLB across switches, no PCID flushes at each', async () => {
    const withPcid = await run({ copies: 2, quantum: 2000 });
    const without = await run({ copies: 2, quantum: 2000, pcid: false });
    const a = withPcid.sys.tlb.cpuStats(0);
    const b = without.sys.tlb.cpuStats(0);
    assert.equal(a.mmSwitches, b.mmSwitches);
    assert.ok(a.mmSwitches > 10);
    assert.ok(a.switchNoFlush > 0 && b.switchNoFlush === 0);
    assert.ok(without.sys.cores[0]!.tlb.stats().walks > withPcid.sys.cores[0]!.tlb.stats().walks);
    // Same references either way.
    assert.deepEqual(withPcid.procs.map((p) => p.references), without.procs.map((p) => p.references));
  });

  it('spreads two copies over two CPUs, each keeping its CPU', async () => {
    const { sys, procs } = await run({ copies: 2, cpus: 2, quantum: 2000 });
    assert.ok(procs.every((p) => p.signals === 0));
    // CPU 0 set both address spaces up (two switches), then ran copy 0 and went to init_mm at its exit;
    // CPU 1 only ran copy 1, then init_mm: round robin with as many CPUs as processes never moves them.
    assert.deepEqual([sys.tlb.cpuStats(0).mmSwitches, sys.tlb.cpuStats(1).mmSwitches], [4, 2]);
    assert.ok(sys.cores[1]!.tlb.stats().dAccesses > 0);
  });
});
