// 32-bit x86 machines (kernel/arch.ts): zones, watermarks, the 3G/1G split,
// page-table accounting per paging mode, kmap counts and /proc. Expected
// values are worked out by hand from LINUX-MM-FACTS 4.1-4.2 and the kernel
// sources named in the comments, never copied from the simulator's output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, SyscallError, type Process } from '../../src/api/machine.js';
import { machineLine } from '../../src/kernel/machine.js';
import { calcMinFreeKbytes, layoutZones, setupWatermarks, WMARK_HIGH, WMARK_LOW, WMARK_MIN } from '../../src/kernel/page_alloc.js';
import { parseScenario, ScenarioError } from '../../src/workload/scenario/parse.js';
import { formatRun } from '../../src/workload/scenario/format.js';
import { SimRun } from '../../src/workload/scenario/sim_runner.js';
import { compileProtocol, KernelRunnerError } from '../../src/workload/scenario/kernel_runner.js';

const MIB = 2 ** 20;
const anon = (p: Process, pages: number, addr?: number): number =>
  p.mmap({ pages, prot: 'rw', flags: addr === undefined ? ['private', 'anonymous'] : ['private', 'anonymous', 'fixed_noreplace'], ...(addr !== undefined ? { addr } : {}) });
const field = (text: string, key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)![1]);
const vmpte = (p: Process): number => field(p.status(), 'VmPTE');

describe('kernel/arch32: zones', () => {
  it('lays out DMA, Normal up to 896 MiB and HighMem above, with no DMA32', () => {
    // 2 GiB = 524,288 pages; 16 MiB = 4096 pages; 896 MiB = 229,376 pages.
    const z = layoutZones(524288, { arch: 'i386' });
    assert.deepEqual(
      z.map((x) => [x.name, x.startPfn, x.endPfn, x.highmem]),
      [
        ['DMA', 0, 4096, false],
        ['Normal', 4096, 229376, false],
        ['HighMem', 229376, 524288, true],
      ],
    );
    // Less RAM than 896 MiB: no HighMem at all, unless highmem= takes some.
    const small = layoutZones(131072, { arch: 'i386-pae' }); // 512 MiB
    assert.deepEqual(
      small.map((x) => x.managed),
      [4096, 126976, 0],
    );
    // highmem=448M: lowmem = 512 - 448 = 64 MiB = 16,384 pages (lowmem_pfn_init).
    const split = layoutZones(131072, { arch: 'i386', highmemKb: 448 * 1024 });
    assert.deepEqual(
      split.map((x) => [x.startPfn, x.endPfn]),
      [
        [0, 4096],
        [4096, 16384],
        [16384, 131072],
      ],
    );
  });

  it('computes min_free_kbytes from lowmem only', () => {
    // i386, 2 GiB: lowmem 229,376 pages = 917,504 kB; 917,504 * 16 = 14,680,064;
    // int_sqrt = 3831 (3831^2 = 14,676,561 <= it < 3832^2 = 14,684,224).
    assert.equal(calcMinFreeKbytes(524288, { arch: 'i386' }), 3831);
    // PAE, 16 GiB: lowmem is still 896 MiB, so the same 3831.
    assert.equal(calcMinFreeKbytes(4194304, { arch: 'i386-pae' }), 3831);
    // highmem=448M on 512 MiB: lowmem 65,536 kB; 65,536 * 16 = 1,048,576 = 1024^2.
    assert.equal(calcMinFreeKbytes(131072, { arch: 'i386', highmemKb: 448 * 1024 }), 1024);
  });

  it('sets watermarks with the HighMem rule and lowmem_reserve ratios 256 / 32 / 0', () => {
    const z = layoutZones(524288, { arch: 'i386' });
    setupWatermarks(z, 3831);
    // pages_min = 3831 / 4 = 957; lowmem = 4096 + 225,280 = 229,376 (HighMem excluded).
    // DMA:    share = 957*4096/229376 = 17;  delta = max(17/4 = 4, 4096*10/10000 = 4) = 4
    //         -> min 17, low 21, high 25.
    // Normal: share = 957*225280/229376 = 939; delta = max(234, 225) = 234 -> 939, 1173, 1407.
    // HighMem (294,912 pages): share = 957*294912/229376 = 1230; min = clamp(294912/1024
    //         = 288, 32, 128) = 128; delta = max(1230/4 = 307, 294) = 307 -> 128, 435, 742.
    const marks = z.map((x) => [x.watermark[WMARK_MIN], x.watermark[WMARK_LOW], x.watermark[WMARK_HIGH]]);
    assert.deepEqual(marks, [
      [17, 21, 25],
      [939, 1173, 1407],
      [128, 435, 742],
    ]);
    // lowmem_reserve: DMA (ratio 256): [_, 225280/256 = 880, (225280+294912)/256 = 2032];
    // Normal (ratio 32): [_, _, 294912/32 = 9216]; HighMem (ratio 0): none.
    assert.deepEqual([z[0]!.lowmemReserve[1], z[0]!.lowmemReserve[2], z[1]!.lowmemReserve[2], z[2]!.lowmemReserve[2]], [880, 2032, 9216, 0]);
  });

  it('clamps the HighMem min watermark to at least 32 pages', () => {
    // 928 MiB = 237,568 pages: HighMem = 237,568 - 229,376 = 8192 pages;
    // 8192/1024 = 8 -> clamp(8, 32, 128) = 32.
    const z = layoutZones(237568, { arch: 'i386' });
    setupWatermarks(z, 3831);
    assert.equal(z[2]!.watermark[WMARK_MIN], 32);
  });

  it('takes user pages from HighMem and page tables from lowmem (Normal)', () => {
    const m = new Machine({ arch: 'i386', memtotal: '2G' });
    const p = m.spawn('p', { image: null });
    const before = m.zones();
    const a = anon(p, 4);
    p.touch(a, 4, { write: true });
    const after = m.zones();
    // 4 data pages from HighMem; one PTE table (4 KiB) from Normal; DMA untouched.
    assert.deepEqual(
      after.map((z, i) => before[i]!.free - z.free),
      [0, 1, 4],
    );
    // The same with highpte: the PTE table may come from HighMem too.
    const h = new Machine({ arch: 'i386', memtotal: '2G', highpte: true });
    const q = h.spawn('q', { image: null });
    const hb = h.zones();
    q.touch(anon(q, 4), 4, { write: true });
    assert.deepEqual(
      h.zones().map((z, i) => hb[i]!.free - z.free),
      [0, 0, 5],
    );
  });
});

describe('kernel/arch32: the 3G/1G split', () => {
  it('refuses mappings that reach 0xc0000000 with ENOMEM, and places free ones below 0xb8000000', () => {
    const m = new Machine({ arch: 'i386', memtotal: '1G' });
    const p = m.spawn('p', { image: null });
    // The last page below TASK_SIZE is fine; one page more is not.
    assert.equal(anon(p, 1, 0xbffff000), 0xbffff000);
    assert.throws(() => anon(p, 2, 0xbffff000), (e: SyscallError) => e.errno === 'ENOMEM');
    assert.throws(() => anon(p, 1, 0xc0000000), (e: SyscallError) => e.errno === 'ENOMEM');
    // 3 GiB does not fit below mmap_base (0xb8000000) above mmap_min_addr.
    assert.throws(() => anon(p, (3 * 1024 * MIB) / 4096), (e: SyscallError) => e.errno === 'ENOMEM');
    // Top-down placement from mmap_base = 0xc0000000 - 128 MiB = 0xb8000000.
    assert.equal(anon(p, 16), 0xb8000000 - 16 * 4096);
  });

  it('execs a program at the ia32 PIE base with the stack ending at 0xc0000000', () => {
    const m = new Machine({ arch: 'i386-pae', memtotal: '1G' });
    const p = m.spawn('app');
    const maps = p.maps().split('\n');
    assert.match(maps[0]!, /^00400000-00401000 r--p /);
    assert.ok(maps.some((l) => /^bffdf000-c0000000 rw-p .*\[stack\]$/.test(l)));
  });
});

describe('kernel/arch32: page tables', () => {
  it('counts VmPTE as i386 does: one 4 KiB PTE table per 4 MiB, PMD folded', () => {
    const m = new Machine({ arch: 'i386', memtotal: '1G' });
    const p = m.spawn('p', { image: null });
    const a = anon(p, 4096, 0x10000000); // 16 MiB at 256 MiB, 4 MiB-aligned
    assert.equal(vmpte(p), 0); // the PGD is not in VmPTE
    p.write(a, 1); // region [256M, 260M): one 1024-entry table = 4 kB
    assert.equal(vmpte(p), 4);
    p.write(a + 2 * MIB, 1); // same 4 MiB region: no new table
    assert.equal(vmpte(p), 4);
    p.write(a + 4 * MIB, 1); // next region: +4 kB
    p.write(a + 12 * MIB + 4096, 1); // fourth region: +4 kB
    assert.equal(vmpte(p), 12);
    // PageTables (system-wide) adds the PGD page: 4 + 12 = 16 kB.
    assert.equal(field(m.meminfo(), 'PageTables'), 16);
    p.munmap(a, 16 * MIB);
    assert.equal(vmpte(p), 0);
    assert.deepEqual(m.checkInvariants(), []);
  });

  it('counts VmPTE as PAE does: three PMDs from pgd_alloc, then 512-entry PTE tables per 2 MiB', () => {
    const m = new Machine({ arch: 'i386-pae', memtotal: '1G' });
    const p = m.spawn('p', { image: null });
    // preallocate_pmds(): 3 user PMDs x 4096 bytes (mm_inc_nr_pmds) = 12 kB; the
    // 32-byte PDPT comes from a slab and is not a page.
    assert.equal(vmpte(p), 12);
    const a = anon(p, 4096, 0x10000000);
    p.write(a, 1);
    p.write(a + 2 * MIB, 1); // PAE tables map 2 MiB: a second one
    assert.equal(vmpte(p), 12 + 8);
    const b = anon(p, 1, 0x40000000); // second GiB: its PMD exists already
    p.write(b, 1);
    assert.equal(vmpte(p), 12 + 12);
    // PageTables: 3 PMDs + 3 PTE tables, no PGD page = 24 kB.
    assert.equal(field(m.meminfo(), 'PageTables'), 24);
    // A fork copies the PTE tables of both anonymous mappings (3) and gets its own 3 PMDs.
    const c = p.fork('c');
    assert.equal(vmpte(c), 12 + 12);
    assert.deepEqual(m.checkInvariants(), []);
    c.exit();
    p.exit();
    assert.deepEqual(m.checkInvariants(), []);
    assert.equal(field(m.meminfo(), 'PageTables'), 0);
  });

  it('stays sound under any mix of mmap, touch, munmap, fork, exit, dontneed, mremap, mprotect', () => {
    // Frames shared by two pool tables (i386) and preallocated PMDs (PAE)
    // must keep free + used = total and VmPTE = the frames behind the tables,
    // and every table must be gone when every process has exited.
    for (const arch of ['i386', 'i386-pae'] as const) {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat(), fc.nat(), fc.nat()), { maxLength: 40 }), (ops) => {
          const m = new Machine({ arch, memtotal: '256M' });
          const procs: Process[] = [m.spawn('p', { image: null })];
          const maps: Array<[number, number]> = [];
          for (const [op, a, b, c] of ops) {
            const p = procs[a % procs.length]!;
            const pick = maps[b % Math.max(maps.length, 1)];
            try {
              if (op <= 1) {
                const pages = 1 + (b % 3000);
                const addr = 0x10000000 + (c % 64) * 2 * MIB + (b % 4) * 409600;
                maps.push([p.mmap({ pages, prot: 'rw', flags: ['private', 'anonymous', 'fixed'], addr }), pages]);
              } else if (op === 5) {
                if (procs.length < 5) procs.push(p.fork());
              } else if (op === 6) {
                if (a % procs.length !== 0) p.exit();
              } else if (pick) {
                const [addr, pages] = pick;
                const first = c % pages;
                if (op <= 3) p.touch(addr + first * 4096, Math.min(pages - first, 1 + (c % 700)), { write: true, step: 1 + (b % 300) });
                else if (op === 4) p.munmap(addr + first * 4096, (1 + ((b * 7) % (pages - first))) * 4096);
                else if (op === 7) p.madvise(addr, pages * 4096, 'dontneed');
                else if (op === 8) maps.push([p.mremap(addr, pages * 4096, pages * 4096, 0x30000000 + (c % 32) * 2 * MIB), pages]);
                else p.mprotect(addr, pages * 4096, c % 2 ? 'r' : 'rw');
              }
            } catch (e) {
              if (!(e instanceof SyscallError) && !(e instanceof Error && e.name === 'SignalError')) throw e;
            }
            for (let i = procs.length - 1; i >= 0; i--) if (procs[i]!.task.exited) procs.splice(i, 1);
            assert.deepEqual(m.checkInvariants(), []);
          }
          for (const q of procs.slice(1).reverse()) if (!q.task.exited) q.exit();
          procs[0]!.exit();
          assert.deepEqual(m.checkInvariants(), []);
          assert.equal(field(m.meminfo(), 'PageTables'), 0);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('rejects THP advice, which a kernel without CONFIG_TRANSPARENT_HUGEPAGE does not know', () => {
    const m = new Machine({ arch: 'i386', memtotal: '1G' });
    const p = m.spawn('p', { image: null });
    const a = anon(p, 512);
    assert.throws(() => p.madvise(a, 2 * MIB, 'hugepage'), (e: SyscallError) => e.errno === 'EINVAL');
  });
});

describe('kernel/arch32: kmap', () => {
  it('counts a kmap each time the kernel touches a HighMem page (hand-traced)', () => {
    const m = new Machine({ arch: 'i386', memtotal: '2G' });
    const p = m.spawn('p', { image: null });
    const a = anon(p, 8);
    p.touch(a, 4, { write: true }); // 4 new pages, zeroed through a kmap each: 4
    assert.equal(m.kmaps, 4);
    p.read(a + 4 * 4096); // read fault: the zero page, nothing zeroed: 4
    p.write(a + 4 * 4096, 7); // COW of the zero page: a zeroed new page: 5
    assert.equal(m.kmaps, 5);
    const c = p.fork('c'); // fork copies PTEs, not pages: 5
    assert.equal(m.kmaps, 5);
    c.write(a, 9); // COW: copy_user_highpage maps the old page and the copy: 7
    assert.equal(m.kmaps, 7);
    p.write(a, 3); // the parent's page has one user left: reused in place: 7
    assert.equal(m.kmaps, 7);
    m.file('/data', 2); // write(2) copies into 2 page-cache pages (HighMem): 9
    assert.equal(m.kmaps, 9);
    m.pread('/data', 0, 1); // pread copies out of one: 10
    assert.equal(m.kmaps, 10);
  });

  it('counts nothing on lowmem pages or on x86-64', () => {
    // 512 MiB of RAM is all lowmem: no HighMem, nothing to kmap.
    const m = new Machine({ arch: 'i386', memtotal: '512M' });
    const p = m.spawn('p', { image: null });
    p.touch(anon(p, 4), 4, { write: true });
    assert.equal(m.kmaps, 0);
    const x = new Machine({ memtotal: '1G' });
    const q = x.spawn('q', { image: null });
    q.touch(anon(q, 4), 4, { write: true });
    assert.equal(x.kmaps, 0);
  });
});

describe('kernel/arch32: /proc', () => {
  it('prints HighTotal, HighFree, LowTotal, LowFree right after Mlocked', () => {
    const m = new Machine({ arch: 'i386', memtotal: '2G' });
    const info = m.meminfo();
    const labels = info.split('\n').map((l) => l.slice(0, l.indexOf(':')));
    const at = labels.indexOf('Mlocked');
    assert.deepEqual(labels.slice(at + 1, at + 5), ['HighTotal', 'HighFree', 'LowTotal', 'LowFree']);
    // HighTotal = 294,912 pages * 4 = 1,179,648 kB; LowTotal = 229,376 * 4 = 917,504 kB.
    assert.equal(field(info, 'HighTotal'), 1179648);
    assert.equal(field(info, 'LowTotal'), 917504);
    // Nothing user-side yet: HighMem is all free.
    assert.equal(field(info, 'HighFree'), 1179648);
    assert.equal(field(info, 'HighTotal') + field(info, 'LowTotal'), field(info, 'MemTotal'));
    assert.ok(!/^HighTotal/m.test(new Machine({ memtotal: '2G' }).meminfo()));
  });

  it('names the per-zone vmstat counters dma, normal, high', () => {
    const m = new Machine({ arch: 'i386', memtotal: '2G' });
    const p = m.spawn('p', { image: null });
    p.touch(anon(p, 4), 4, { write: true });
    assert.equal(m.counter('pgalloc_high'), 4);
    assert.ok(!/^pgalloc_dma32 /m.test(m.vmstat()));
  });
});

describe('kernel/arch32: the machine line', () => {
  it('prints arch= only for 32-bit machines, and parses back to itself', () => {
    const x = parseScenario('echo x').machine;
    assert.ok(!machineLine(x).includes('arch='));
    const p = parseScenario('machine arch=i386-pae memtotal=512M highmem=448M highpte=1\necho x').machine;
    const line = machineLine(p);
    assert.match(line, /^machine arch=i386-pae memtotal=524288K /);
    assert.match(line, / thp=never /); // no THP on 32-bit
    assert.match(line, / min_free_kbytes=1024 highmem=458752K highpte=1$/); // 1024: see calcMinFreeKbytes
    assert.deepEqual(parseScenario(line + '\necho x').machine, p);
  });

  it('refuses what a 32-bit kernel cannot do', () => {
    const bad = (line: string, re: RegExp): void => assert.throws(() => parseScenario(line + '\necho x'), (e: ScenarioError) => re.test(e.message));
    bad('machine arch=i386 memtotal=5G', /without PAE can address \(4 GiB\)/);
    bad('machine arch=i386-pae memtotal=65G', /more than PAE can address/);
    bad('machine arch=i386 memtotal=1G thp=madvise', /transparent huge pages/);
    bad('machine highpte=1', /only to 32-bit machines/);
    bad('machine arch=i386 memtotal=2G highmem=1G', /at most 896M/);
    bad('machine arch=i386 memtotal=512M highmem=480M', /less than 64M of lowmem/);
    bad('machine arch=sparc', /arch must be/);
  });
});

describe('kernel/arch32: scenarios', () => {
  it('places mappings from 256 MiB, 4 MiB-aligned with a 4 MiB gap, and prints zoneinfo', () => {
    const src = 'machine arch=i386 memtotal=2G\nmmap a 1 anon private rw\nmmap b 1025 anon private rw\nmmap c 1 anon private rw\nvmas v\nzoneinfo z\n';
    const prog = parseScenario(src);
    const run = new SimRun(prog);
    const out = formatRun(prog, run.run());
    assert.equal(out.error, null);
    // a at 0x10000000; next = roundup(+4 KiB, 4M) + 4M = 0x10800000 = b; b is
    // 1025 pages (4 MiB + 4 KiB): next = roundup(0x10800000 + 0x401000, 4M) + 4M
    // = 0x11000000 + 0x400000 = 0x11400000 = c.
    const maps = run.kernel.tasks[0]!.mm!.vmas.map((v) => v.start);
    assert.deepEqual(maps, [0x10000000, 0x10800000, 0x11400000]);
    // zoneinfo: DMA 16,384 kB managed, min 17 pages = 68 kB (see the watermark test).
    assert.ok(out.lines.includes('z zone=DMA managed_kb=16384 free_kb=16380 min_kb=68 low_kb=84 high_kb=100 protection_kb=0,3520,8128'));
    assert.ok(out.lines.includes('z pagetables_kb=4 kmap_local=0'));
  });

  it('are simulator only: the real-kernel runner refuses them and zoneinfo, naming the line', () => {
    const refuse = (src: string, re: RegExp): void => assert.throws(() => compileProtocol(parseScenario(src)), (e: KernelRunnerError) => re.test(e.message));
    refuse('machine arch=i386-pae memtotal=1G\necho x', /^line 1: arch=i386-pae is simulator only/);
    refuse('echo x\nzoneinfo z', /^line 2: zoneinfo is a simulator-only operation/);
  });

  it('runs out of lowmem with plenty of HighMem free (examples/17-lowmem-pressure.scn)', () => {
    const src = readFileSync(join(import.meta.dirname, '..', '..', 'examples', '17-lowmem-pressure.scn'), 'utf8');
    const prog = parseScenario(src);
    const run = new SimRun(prog);
    const out = formatRun(prog, run.run());
    assert.equal(out.error, null);
    assert.ok(out.lines.some((l) => / oom_kill proc=c\d+$/.test(l)));
    const [dma, normal, high] = run.kernel.buddy.zones;
    // Lowmem is down to its reserves: Normal at its min watermark (plus at most
    // a few pages), DMA near min + lowmem_reserve[Normal]; HighMem: over 400 MiB free.
    assert.ok(normal!.freePages <= normal!.watermark[WMARK_LOW]!);
    assert.ok(dma!.freePages < dma!.managed / 4);
    assert.ok(high!.freePages * 4096 > 400 * MIB);
    assert.deepEqual(run.kernel.checkInvariants(), []);
  });
});

describe('kernel/arch32: 4 MiB hugetlb pages on i386 (HPAGE_SHIFT = PMD_SHIFT = 22)', () => {
  const hp = (m: Machine, file: string): number => Number(m.sysfsRead(`hugepages/hugepages-4096kB/${file}`));

  it('has one pool of 4 MiB pages, taken from HighMem first, counted in 4 MiB pages', () => {
    const m = new Machine({ arch: 'i386', memtotal: '2G' });
    const mi0 = m.meminfo();
    m.sysctl('nr_hugepages', 2);
    const mi = m.meminfo();
    // 2 × 4096 kB out of MemFree, all from HighMem (GFP_HIGHUSER: the highest zone first).
    assert.equal(field(mi, 'MemFree'), field(mi0, 'MemFree') - 8192);
    assert.equal(field(mi, 'HighFree'), field(mi0, 'HighFree') - 8192);
    assert.equal(field(mi, 'LowFree'), field(mi0, 'LowFree'));
    assert.match(mi, /HugePages_Total: {7}2\nHugePages_Free: {8}2\nHugePages_Rsvd: {8}0\nHugePages_Surp: {8}0\nHugepagesize: {7}4096 kB\nHugetlb: {12}8192 kB\n/);
    // CommitLimit = (totalram − 2 × 1024 pages) × 50%: 2048 pages × 4 kB / 2 = 4096 kB less.
    assert.equal(field(mi, 'CommitLimit'), field(mi0, 'CommitLimit') - 4096);
    assert.equal(m.sysfsRead('hugepages/hugepages-4096kB/nr_hugepages'), '2\n');
    assert.throws(() => m.sysfsRead('hugepages/hugepages-2048kB/nr_hugepages'));
    // Order 10 is MAX_PAGE_ORDER: a buddy block, so surplus pages are allowed (not gigantic).
    m.sysfs('hugepages/hugepages-4096kB/nr_overcommit_hugepages', '1');
    assert.equal(hp(m, 'nr_overcommit_hugepages'), 1);
    assert.deepEqual(m.checkInvariants(), []);
  });

  it('rounds mmap to 4 MiB, maps a page with one fault, and shows it once in smaps, status, pagemap', () => {
    const m = new Machine({ arch: 'i386', memtotal: '512M' });
    m.sysctl('nr_hugepages', 3);
    const p = m.spawn('app', { image: null });
    // 5 MiB round up to two 4 MiB pages, reserved at mmap; the address is 4 MiB-aligned.
    const a = p.mmap({ length: '5M', prot: 'rw', flags: ['private', 'anonymous', 'hugetlb'] });
    assert.equal(a % (4 * MIB), 0);
    assert.equal(hp(m, 'resv_hugepages'), 2);
    // MAP_HUGE_2MB does not exist on this machine; MAP_HUGE_4MB does.
    assert.throws(() => p.mmap({ length: '2M', prot: 'rw', flags: ['private', 'anonymous', 'hugetlb', 'huge_2mb'] }), /EINVAL/);
    const f0 = p.faults.minflt;
    p.write(a + 7 * MIB, 42); // the last MiB of the second page
    assert.equal(p.faults.minflt - f0, 1);
    assert.equal(p.read(a + 4 * MIB), 0);
    assert.equal(p.read(a + 7 * MIB), 42);
    assert.equal(p.faults.minflt - f0, 1);
    assert.deepEqual([hp(m, 'free_hugepages'), hp(m, 'resv_hugepages')], [2, 1]);
    const smaps = p.smaps();
    assert.match(smaps, /Size: {15}8192 kB\nKernelPageSize: {5}4096 kB\nMMUPageSize: {8}4096 kB\nRss: {19}0 kB/);
    assert.match(smaps, /Private_Hugetlb: {4}4096 kB/);
    assert.match(p.status(), /HugetlbPages:\t {4}4096 kB/);
    // No PTE table under a huge PDE; the PMD is folded: VmPTE stays 0.
    assert.match(p.status(), /VmPTE:\t {7}0 kB/);
    // pagemap: the first page untouched, all 1024 frames of the second one anonymous, mapped once.
    assert.equal(p.pagemap(a, 2048), '.'.repeat(1024) + 'a'.repeat(1024));
    assert.deepEqual(m.checkInvariants(), []);
    // The checker sees the PDE's two pool halves as one page, and would see them disagree.
    const pt = m.kernel.pt;
    const second = pt.walk(p.task.mm!.pgd, (a + 6 * MIB) / 4096);
    assert.equal(second % 2, 1);
    pt.val[second]! += 1;
    assert.match(m.checkInvariants().join('\n'), /4 MiB PDE at pool entry \d+: halves disagree/);
    pt.val[second]! -= 1;
    // munmap and mprotect work on whole 4 MiB pages only.
    assert.throws(() => p.munmap(a + 4 * MIB, 2 * MIB), /EINVAL/);
    assert.throws(() => p.mprotect(a + 2 * MIB, 2 * MIB, 'r'), /EINVAL/);
    p.mprotect(a + 4 * MIB, 4 * MIB, 'r');
    assert.match(p.maps(), new RegExp(`^${(a + 4 * MIB).toString(16)}-${(a + 8 * MIB).toString(16)} r--p`, 'm'));
    assert.deepEqual(m.checkInvariants(), []);
    p.munmap(a + 4 * MIB, 4 * MIB);
    // The page goes back to the pool, and the creator gets its reservation back.
    assert.deepEqual([hp(m, 'free_hugepages'), hp(m, 'resv_hugepages')], [3, 1]);
    assert.match(p.status(), /HugetlbPages:\t {7}0 kB/);
    assert.deepEqual(m.checkInvariants(), []);
  });

  it('fork shares the 4 MiB page write-protected; a write copies all of it; populate faults once per page', () => {
    const m = new Machine({ arch: 'i386', memtotal: '512M' });
    m.sysctl('nr_hugepages', 4);
    const p = m.spawn('app', { image: null });
    // MAP_POPULATE: get_user_pages over 8 MiB takes two faults, one per huge page.
    const a = p.mmap({ length: '8M', prot: 'rw', flags: ['private', 'anonymous', 'hugetlb', 'populate'] });
    assert.equal(hp(m, 'free_hugepages'), 2);
    assert.equal(p.faults.minflt, 2);
    p.write(a + 3 * MIB, 5);
    const c = p.fork('child');
    assert.equal(p.pagemap(a + 3 * MIB, 1), 'A');
    assert.deepEqual(m.checkInvariants(), []);
    // The child's write copies the whole 4 MiB page (hugetlb_wp): one more pool page.
    c.write(a + 3 * MIB + 8, 6);
    assert.equal(hp(m, 'free_hugepages'), 1);
    assert.equal(c.read(a + 3 * MIB), 5);
    assert.equal(p.read(a + 3 * MIB + 8), 0);
    assert.equal(p.pagemap(a, 1024), 'a'.repeat(1024));
    assert.match(c.status(), /HugetlbPages:\t {4}8192 kB/);
    assert.deepEqual(m.checkInvariants(), []);
    c.exit();
    p.exit();
    assert.equal(hp(m, 'free_hugepages'), 4);
    assert.equal(hp(m, 'resv_hugepages'), 0);
    assert.deepEqual(m.checkInvariants(), []);
  });
});

describe('kernel/arch32: examples/16-high-memory.scn, 4 MiB hugetlb pages', () => {
  it('takes the pool from HighMem, faults each 4 MiB page once, and walks once per page', () => {
    const src = readFileSync(join(import.meta.dirname, '..', '..', 'examples', '16-high-memory.scn'), 'utf8');
    const prog = parseScenario(src);
    const out = formatRun(prog, new SimRun(prog).run());
    assert.equal(out.error, null);
    const zoneFree = (label: string, zone: string): number => Number(new RegExp(`^${label} zone=${zone} .*free_kb=(\\d+)`, 'm').exec(out.lines.join('\n'))![1]);
    // The pool of 2 × 4 MiB comes out of HighMem; Normal does not move.
    assert.equal(zoneFree('cow', 'HighMem') - zoneFree('pool', 'HighMem'), 8192);
    assert.equal(zoneFree('cow', 'Normal'), zoneFree('pool', 'Normal'));
    // 6 MiB round up to two 4 MiB pages, reserved at mmap, then faulted.
    assert.ok(out.lines.includes('reserved proc=main total=2 free=2 rsvd=2 surp=0 hugetlb_kb=0'));
    assert.ok(out.lines.includes('faulted proc=main total=2 free=0 rsvd=0 surp=0 hugetlb_kb=8192'));
    const stat = (label: string): string => out.lines.find((l) => l.startsWith(label + ' cpu=0 '))!;
    // 2048 stores, one per 4 KiB page. At pages 0 and 1024: an L1 miss and a
    // walk that reads the PDE and faults, then the retry's L1 miss and walk
    // (one PDE read, a 4M entry): 2048 + 2 lookups, 4 misses, 2 walks, 4
    // reads. Every other store hits the 4M entry of its page.
    assert.match(stat('huge-write'), / translations=2050 l1_misses=4 stlb_hits=0 walks=2 walks_4k=0 walks_4m=2 walks_1g=0 walk_reads=4 /);
    // Reading it all again: the two 4M entries (in different L1 sets) still hold.
    assert.match(stat('huge-read'), / translations=2048 l1_misses=0 stlb_hits=0 walks=0 /);
  });
});

describe('kernel/arch32: no transparent huge pages', () => {
  it('maps a 2 MiB page-cache folio with PTEs, never with a PMD (do_set_pmd without CONFIG_TRANSPARENT_HUGEPAGE)', () => {
    for (const arch of ['i386', 'i386-pae'] as const) {
      const m = new Machine({ arch, memtotal: '512M' });
      // Written 2 MiB at a time: ext4 caches it in 2 MiB folios.
      m.file('/data/f', 1024, { chunk: 512 });
      const p = m.spawn('app', { image: null });
      const a = p.mmap({ pages: 1024, prot: 'r', flags: ['shared'], file: '/data/f' });
      assert.equal(a % (4 * MIB), 0);
      p.read(a);
      p.read(a + 2 * MIB);
      assert.match(p.smaps(), /FilePmdMapped: {9}0 kB/, arch);
      // Each fault maps its whole 2 MiB folio with PTEs (finish_fault maps a
      // large folio that lies within the VMA and one page table): 2 × 2048 kB.
      assert.match(p.smaps(), /Rss: {16}4096 kB/, arch);
      assert.equal(p.faults.minflt, 2);
      assert.deepEqual(m.checkInvariants(), [], arch);
    }
  });
});
