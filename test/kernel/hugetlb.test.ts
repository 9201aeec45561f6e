// hugetlbfs against figures read from this machine's kernel (Linux 6.18):
// the programs that produced them mapped MAP_HUGETLB memory with
// vm.nr_hugepages=8 and printed HugePages_* from /proc/meminfo and
// HugetlbPages from /proc/self/status after each step. The same steps run
// here as a scenario; the invariant check runs after every line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/workload/scenario/parse.js';
import { SimRun } from '../../src/workload/scenario/sim_runner.js';
import { formatRun } from '../../src/workload/scenario/format.js';
import { Machine } from '../../src/index.js';

function run(src: string): string[] {
  const prog = parseScenario(src);
  const r = new SimRun(prog);
  r.onStep = () => {
    const bad = r.kernel.checkInvariants();
    assert.deepEqual(bad, [], 'invariants');
    return true;
  };
  return formatRun(prog, r.run()).lines;
}

/** The pool figures printed by `hugepages LABEL`. */
function pool(out: string[], label: string): string {
  const l = out.find((x) => x.startsWith(label + ' proc='));
  assert.ok(l, `no ${label} line`);
  return l.replace(/^\S+ proc=\S+ /, '');
}

/** The output line of the operation written `text`. */
function ret(out: string[], text: string): string {
  const l = out.find((x) => x.startsWith(text + ' -> '));
  assert.ok(l, `no output for '${text}'`);
  return l.slice(text.length + 4);
}

describe('hugetlbfs', () => {
  it('reserves at mmap, takes pages at fault, keeps them out of RSS', () => {
    const out = run(`sysctl nr_hugepages=8
hugepages h0
mmap p 1536 anon private rw hugetlb
hugepages h1
touch p 0 1 write
hugepages h2
mmap s 1536 anon shared rw hugetlb
touch s 0 1 write
touch s 512 1 write
mmap q 3 anon private rw hugetlb
hugepages h3
report r p s q
`);
    assert.equal(pool(out, 'h0'), 'total=8 free=8 rsvd=0 surp=0 hugetlb_kb=0');
    // Three huge pages reserved by the private mapping's creator.
    assert.equal(pool(out, 'h1'), 'total=8 free=8 rsvd=3 surp=0 hugetlb_kb=0');
    assert.equal(pool(out, 'h2'), 'total=8 free=7 rsvd=2 surp=0 hugetlb_kb=2048');
    // Shared: 3 reserved, 2 used; q: 3 pages round up to one huge page.
    assert.equal(pool(out, 'h3'), 'total=8 free=5 rsvd=4 surp=0 hugetlb_kb=6144');
    assert.match(out.find((l) => l.startsWith('r proc='))!, / rss_kb=0 anon_kb=0 /);
  });

  it('splits only at huge page boundaries; DONTNEED gives the creator its reservation back', () => {
    const out = run(`sysctl nr_hugepages=8
mmap p 1536 anon private rw hugetlb
touch p 0 1536 write
munmap p 1 1
munmap p 0 1
mprotect p 512 1 r
vmas v p
madvise p 512 1 dontneed
hugepages h1
madvise p 0 512 dontneed
hugepages h2
mremap p 4096
`);
    assert.equal(ret(out, 'munmap p 1 1'), 'EINVAL');
    assert.equal(ret(out, 'munmap p 0 1'), 'EINVAL');
    // mprotect split at 2 MiB (kept), then failed at 2 MiB + 4 KiB.
    assert.equal(ret(out, 'mprotect p 512 1 r'), 'EINVAL');
    assert.ok(out.includes('v proc=main vmas=2'));
    // A 4 KiB DONTNEED rounds down to nothing.
    assert.equal(pool(out, 'h1'), 'total=8 free=5 rsvd=0 surp=0 hugetlb_kb=6144');
    assert.equal(pool(out, 'h2'), 'total=8 free=6 rsvd=1 surp=0 hugetlb_kb=4096');
    assert.equal(ret(out, 'mremap p 4096'), 'EINVAL');
  });

  it('fork: the child has no reservations, its COW takes an unreserved page or fails with SIGBUS', () => {
    const out = run(`sysctl nr_hugepages=3
mmap p 1536 anon private rw hugetlb
touch p 0 1 write
fork c
in c
hugepages c1
touch p 0 1 write
in main
exit c
hugepages h1
`);
    // Free 2, both reserved for the parent: nothing the child may take.
    assert.equal(pool(out, 'c1'), 'total=3 free=2 rsvd=2 surp=0 hugetlb_kb=2048');
    assert.equal(ret(out, 'touch p 0 1 write'), 'SIGBUS at page 0');
    assert.equal(pool(out, 'h1'), 'total=3 free=2 rsvd=2 surp=0 hugetlb_kb=2048');
  });

  it('refuses a reservation the pool cannot cover unless MAP_NORESERVE; exit releases everything', () => {
    const out = run(`sysctl nr_hugepages=8
fork c
in c
mmap big 51200 anon private rw hugetlb
mmap nr 51200 anon private rw hugetlb noreserve
mmap p 2048 anon private rw hugetlb
touch p 0 1024 write
hugepages c1
in main
exit c
hugepages h1
sysctl nr_hugepages=0
hugepages h2
`);
    assert.equal(ret(out, 'mmap big 51200 anon private rw hugetlb'), 'ENOMEM');
    assert.equal(ret(out, 'mmap nr 51200 anon private rw hugetlb noreserve'), 'ok');
    assert.equal(pool(out, 'c1'), 'total=8 free=6 rsvd=2 surp=0 hugetlb_kb=4096');
    assert.equal(pool(out, 'h1'), 'total=8 free=8 rsvd=0 surp=0 hugetlb_kb=0');
    assert.equal(pool(out, 'h2'), 'total=0 free=0 rsvd=0 surp=0 hugetlb_kb=0');
  });

  it('the pool comes out of MemFree and CommitLimit, and shows in /proc files', () => {
    const m = new Machine({ memtotal: '1G' });
    const free0 = Number(/MemFree:\s+(\d+)/.exec(m.meminfo())![1]);
    m.sysctl('nr_hugepages', 4);
    const mi = m.meminfo();
    assert.equal(Number(/MemFree:\s+(\d+)/.exec(mi)![1]), free0 - 4 * 2048);
    assert.match(mi, /HugePages_Total: {7}4\nHugePages_Free: {8}4\nHugePages_Rsvd: {8}0\nHugePages_Surp: {8}0\nHugepagesize: {7}2048 kB\nHugetlb: {12}8192 kB\n/);
    // CommitLimit = (totalram − hugetlb pages) × 50% + swap.
    const total = 1048576 / 4;
    assert.equal(Number(/CommitLimit:\s+(\d+)/.exec(mi)![1]), Math.floor(((total - 4 * 512) * 50) / 100) * 4);
    const p = m.spawn('app', { image: null });
    const a = p.mmap({ length: '4M', prot: 'rw', flags: ['private', 'anonymous', 'hugetlb'] });
    assert.equal(a % (2 << 20), 0);
    p.write(a, 1);
    const smaps = p.smaps();
    assert.match(smaps, /KernelPageSize: {5}2048 kB\nMMUPageSize: {8}2048 kB\nRss: {19}0 kB/);
    assert.match(smaps, /Private_Hugetlb: {4}2048 kB/);
    assert.match(smaps, / \/anon_hugepage \(deleted\)\n/);
    assert.match(p.status(), /HugetlbPages:\t {4}2048 kB/);
    assert.deepEqual(m.checkInvariants(), []);
  });
});

describe('hugetlbfs: 1 GiB pages', () => {
  it('keeps a pool per size: the 1 GiB pool is out of MemFree and HugePages_*, in Hugetlb and CommitLimit', () => {
    const m = new Machine({ memtotal: '8G' });
    const free0 = Number(/MemFree:\s+(\d+)/.exec(m.meminfo())![1]);
    m.sysctl('nr_hugepages', 2);
    m.sysfs('hugepages/hugepages-1048576kB/nr_hugepages', '2');
    const mi = m.meminfo();
    // 2 × 2048 kB + 2 × 1048576 kB gone from MemFree.
    assert.equal(Number(/MemFree:\s+(\d+)/.exec(mi)![1]), free0 - 4096 - 2097152);
    // HugePages_* are the default (2 MiB) size's; Hugetlb: 4096 + 2097152 = 2101248 kB.
    assert.match(mi, /HugePages_Total: {7}2\nHugePages_Free: {8}2\nHugePages_Rsvd: {8}0\nHugePages_Surp: {8}0\nHugepagesize: {7}2048 kB\nHugetlb: {9}2101248 kB\n/);
    // CommitLimit = (totalram − 2 × 512 − 2 × 262144 pages) × 50%.
    const total = (8 * 1048576) / 4;
    assert.equal(Number(/CommitLimit:\s+(\d+)/.exec(mi)![1]), Math.floor(((total - 2 * 512 - 2 * 262144) * 50) / 100) * 4);
    const dir = 'hugepages/hugepages-1048576kB/';
    assert.equal(m.sysfsRead(dir + 'nr_hugepages'), '2\n');
    assert.equal(m.sysfsRead(dir + 'free_hugepages'), '2\n');
    assert.equal(m.sysfsRead('hugepages/hugepages-2048kB/nr_hugepages'), '2\n');
    // Gigantic pages are never surplus: nr_overcommit_hugepages is refused.
    assert.throws(() => m.sysfs(dir + 'nr_overcommit_hugepages', '1'), /EINVAL/);
    // Asking for more than fits: the write succeeds and the count stays lower.
    // 8 GiB of RAM hold at most 6 free aligned GiB here (DMA32 ends at 3 GiB, Normal starts at 4 GiB).
    m.sysfs(dir + 'nr_hugepages', '100');
    const got = Number(m.sysfsRead(dir + 'nr_hugepages'));
    assert.ok(got > 2 && got < 8, `got ${got}`);
    m.sysfs(dir + 'nr_hugepages', '0');
    m.sysctl('nr_hugepages', 0);
    assert.equal(Number(/MemFree:\s+(\d+)/.exec(m.meminfo())![1]), free0);
    assert.deepEqual(m.checkInvariants(), []);
  });

  it('maps a 1 GiB page with one PUD: one fault, no PMD table, smaps and status in 1 GiB', () => {
    const m = new Machine({ memtotal: '4G' });
    m.sysfs('hugepages/hugepages-1048576kB/nr_hugepages', '1');
    const p = m.spawn('app', { image: null });
    const a = p.mmap({ length: 4096, prot: 'rw', flags: ['private', 'anonymous', 'hugetlb', 'huge_1gb'] });
    assert.equal(a % 2 ** 30, 0);
    assert.equal(m.sysfsRead('hugepages/hugepages-1048576kB/resv_hugepages'), '1\n');
    p.write(a + 2 ** 30 - 4096, 7);
    assert.equal(p.read(a + 2 ** 30 - 4096), 7);
    assert.equal(m.sysfsRead('hugepages/hugepages-1048576kB/free_hugepages'), '0\n');
    assert.equal(m.sysfsRead('hugepages/hugepages-1048576kB/resv_hugepages'), '0\n');
    const smaps = p.smaps();
    assert.match(smaps, /Size: {12}1048576 kB\nKernelPageSize: {2}1048576 kB\nMMUPageSize: {5}1048576 kB\nRss: {19}0 kB/);
    assert.match(smaps, /Private_Hugetlb: 1048576 kB/);
    // HugetlbPages 1048576 kB; VmPTE 4 kB: the PUD table only (the PGD is not counted).
    assert.match(p.status(), /HugetlbPages:\t 1048576 kB/);
    assert.match(p.status(), /VmPTE:\t {7}4 kB/);
    assert.throws(() => p.munmap(a, 2 << 20), /EINVAL/);
    p.munmap(a, 2 ** 30);
    assert.equal(m.sysfsRead('hugepages/hugepages-1048576kB/free_hugepages'), '1\n');
    assert.deepEqual(m.checkInvariants(), []);
  });

  it('random reads over 1 GiB: one walk with a 1 GiB page, 32 with 2 MiB pages, thousands with 4 KiB', () => {
    const out = run(`sysfs hugepages/hugepages-1048576kB/nr_hugepages=1
sysctl nr_hugepages=512
mmap g 1G anon private rw hugetlb=1G
mmap h 1G anon private rw hugetlb
mmap s 1G anon private rw
access g 0 1G write order=random stride=65536
tlbstat g
access h 0 1G write order=random stride=65536
tlbstat h
access s 0 1G write order=random stride=65536
tlbstat s
`);
    const stat = (label: string, key: string): number => Number(new RegExp(` ${key}=(\\d+)`).exec(out.find((l) => l.startsWith(label + ' cpu='))!)![1]);
    // One fault, one walk of two reads (PGD entry, PUD leaf) before it and
    // one after; then the 16384 reads all hit one L1 dTLB entry.
    assert.equal(stat('g', 'walks_1g'), 1);
    assert.equal(stat('g', 'walks'), 1);
    // 512 huge pages, each walked once after its fault (a 2 MiB entry per page).
    assert.equal(stat('h', 'walks_2m'), 512);
    assert.equal(stat('h', 'walks_1g'), 0);
    // 16384 random reads over 262144 small pages: nearly all walk.
    assert.ok(stat('s', 'walks_4k') > 15000);
  });
});

describe('hugetlbfs: the scenario language for sizes', () => {
  it('names the line and the field of a bad size', () => {
    assert.throws(() => parseScenario('mmap a 1 anon private rw hugetlb=3M\n'), /line 1: mmap: hugetlb=SIZE must be a power of two from 4K to 2G written with K, M or G \(2M, 1G\), got '3M'/);
    assert.throws(() => parseScenario('echo x\nhugepages h size=8M\n'), /line 2: hugepages: expected size=2M, size=4M or size=1G, got 'size=8M'/);
    assert.throws(() => parseScenario('sysfs hugepages/hugepages-1048576kB/nr_hugepages=y\n'), /line 1: sysfs: hugepages\/hugepages-1048576kB\/nr_hugepages takes a number of huge pages, got 'y'/);
  });
});
