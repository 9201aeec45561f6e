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
