// Tests of the real-kernel runner: the protocol both ways (compiled input,
// parsed output), the build cache, and real runs on this machine's kernel
// checked against hand-computed expectations (16 written anonymous pages are
// 64 kB of Rss and 16 minor faults, a fork shares them with mapcount 2...).
// The runs need Linux and root (pagemap reads /proc/kpageflags).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatRun } from '../../../src/workload/scenario/format.js';
import {
  compileProtocol,
  ensureRunner,
  highWatermarkPages,
  KernelRunnerError,
  parseRunnerOutput,
  RUNNER_SOURCE,
  runKernel,
  runMachine,
  undoJournal,
} from '../../../src/workload/scenario/kernel_runner.js';
import { parseScenario } from '../../../src/workload/scenario/parse.js';

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'mmsim-kr-test-'));
});
after(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs a scenario for real and returns its output lines and error. */
function kernel(text: string, env?: Record<string, string>) {
  const program = parseScenario(text);
  const run = runKernel(program, { workdir: work, ...(env ? { env } : {}) });
  return { ...formatRun(program, run.records), run };
}

const ZEROS =
  'shmem_kb=0 pss_kb=64 shared_clean_kb=0 shared_dirty_kb=0 private_clean_kb=0 private_dirty_kb=64 anon_huge_kb=0 pmd_mapped_kb=0 lazyfree_kb=0 locked_kb=0 swap_kb=0';

describe('kernel_runner compileProtocol', () => {
  it('writes the header, ids for mappings, resolved pages and PROT bits', () => {
    const program = parseScenario(
      [
        'file d.bin 2M fill=3 chunk=16',
        'truncate d.bin 2 100',
        'mmap a 8 anon private rw populate',
        'mmap b 4 file:d.bin shared rx noreserve offset=2 after=a',
        'madvise a 0 8 pageout',
        'msync b 0 4',
        'touch a 1 7 write value=9 step=2',
        'mremap a 16 move',
        'fork kid',
        'in kid',
        'expect_segv b 3 write',
        'report r a',
        'in main',
        'exit kid',
        'echo hi',
      ].join('\n'),
    );
    const { text, mapNames, machine } = compileProtocol(program, { host: { memtotalKb: 24684084, memAvailableKb: 24000000 } });
    assert.deepEqual(mapNames, ['a', 'b']);
    assert.equal(machine, null);
    assert.equal(
      text,
      [
        'mmsim-runner 3',
        'timeout 120000',
        'machine 0 -1 0',
        'procs 2',
        'proc 0 -1 main',
        'proc 1 0 kid',
        'maps 2',
        'map 0 a',
        'map 1 b',
        'cgroups 0',
        'ops 15',
        '1 0 file d.bin 512 3 16',
        '2 0 truncate d.bin 8292',
        '3 0 mmap 0 8 3 0 1 0 0 0 -1 anon',
        '4 0 mmap 1 4 5 1 0 1 0 2 0 file d.bin',
        '5 0 madvise 0 0 8 pageout',
        '6 0 msync 1 0 4 sync',
        '7 0 touch 0 1 7 1 9 2',
        '8 0 mremap 0 16 1',
        '9 0 fork 1',
        '10 0 in 1',
        '11 1 expect_segv 1 3 1',
        '12 1 smaps',
        '13 1 in 0',
        '14 0 exit 1',
        '15 0 nop',
        'end',
        '',
      ].join('\n'),
    );
  });
});

describe('kernel_runner parseRunnerOutput', () => {
  it('reads every record kind', () => {
    const smaps = '100000000000-100000004000 rw-p 00000000 00:00 0 \nRss:                   4 kB\n';
    const status = 'VmRSS:\t     8 kB\n';
    const out = Buffer.concat([
      Buffer.from('R 0 none\nR 1 ret ok\nR 2 ret ENOMEM\nR 3 signal SIGBUS 7\nR 4 ok\n'),
      Buffer.from('+ 7*2 -1*1\n+ 0*1\nR 5 values\nR 6 errno ENOENT\n'),
      Buffer.from(`R 7 smaps 12 3 2\nM 1 100000000000 4\nM 0 140000000000 16\nT ${Buffer.byteLength(smaps)}\n${smaps}T 0\n`),
      Buffer.from(`R 8 status\nT 5\nVmRSST ${status.length - 5}\n${status.slice(5)}T 0\nT 0\n`),
      Buffer.from('+ aA..\n+ zfF\nR 9 pagemap\nR 10 error mapping \'x\' does not exist (its mmap failed)\n'),
    ]);
    const r = parseRunnerOutput(out, ['a', 'b']);
    assert.equal(r.fatal, null);
    assert.deepEqual(r.records, [
      { kind: 'none' },
      { kind: 'ret', value: 'ok' },
      { kind: 'ret', value: 'ENOMEM' },
      { kind: 'signal', sig: 'SIGBUS', page: 7 },
      { kind: 'ok' },
      { kind: 'values', values: [7, 7, -1, 0] },
      { kind: 'errno', value: 'ENOENT' },
      {
        kind: 'smaps',
        text: smaps,
        maps: [
          { name: 'b', addr: 0x100000000000, pages: 4 },
          { name: 'a', addr: 0x140000000000, pages: 16 },
        ],
        minflt: 12,
        majflt: 3,
      },
      { kind: 'status', text: status, baseline: '' },
      { kind: 'pagemap', codes: 'aA..zfF' },
      { kind: 'error', message: "mapping 'x' does not exist (its mmap failed)" },
    ]);
  });

  it('drops the pending values of a peek that ended in a signal', () => {
    const r = parseRunnerOutput(Buffer.from('+ 1*4\nR 0 signal SIGSEGV 4\nR 1 values\n'), []);
    assert.deepEqual(r.records, [{ kind: 'signal', sig: 'SIGSEGV', page: 4 }, { kind: 'values', values: [] }]);
  });

  it('returns an F line as the fatal message', () => {
    const r = parseRunnerOutput(Buffer.from("R 0 none\nF process 'c' died unexpectedly: killed by signal 9\n"), []);
    assert.equal(r.records.length, 1);
    assert.equal(r.fatal, "process 'c' died unexpectedly: killed by signal 9");
  });

  for (const [what, text] of [
    ['a record out of order', 'R 1 none\n'],
    ['an unknown kind', 'R 0 frob\n'],
    ['a truncated chunk', 'R 0 status\nT 50\nabc'],
    ['an unterminated line', 'R 0 none'],
    ['a bad signal', 'R 0 signal SIGILL 3\n'],
    ['an unknown mapping id', 'R 0 smaps 0 0 1\nM 5 100000000000 1\nT 0\n'],
    ['bad pagemap codes', '+ q\nR 0 pagemap\n'],
  ]) {
    it(`rejects ${what}`, () => {
      assert.throws(() => parseRunnerOutput(Buffer.from(text!), ['a']), KernelRunnerError);
    });
  }
});

describe('kernel_runner ensureRunner', () => {
  it('builds once per source and rebuilds an edited source', () => {
    const cache = join(work, 'cache');
    const src = join(work, 'tiny.c');
    writeFileSync(src, 'int main(void) { return 0; }\n');
    const bin = ensureRunner({ cacheDir: cache, source: src });
    const mtime = statSync(bin).mtimeMs;
    assert.equal(ensureRunner({ cacheDir: cache, source: src }), bin);
    assert.equal(statSync(bin).mtimeMs, mtime);
    writeFileSync(src, 'int main(void) { return 1; }\n');
    const bin2 = ensureRunner({ cacheDir: cache, source: src });
    assert.notEqual(bin2, bin);
    assert.equal(spawnSync(bin2).status, 1);
  });

  it('builds the shipped runner source', () => {
    assert.match(ensureRunner(), /mmsim-runner-[0-9a-f]{16}$/);
    assert.ok(existsSync(RUNNER_SOURCE));
  });

  it('says clearly when there is no C compiler', () => {
    assert.throws(
      () => ensureRunner({ cacheDir: join(work, 'nocc'), cc: '/nonexistent/cc' }),
      (e: Error) => e instanceof KernelRunnerError && /needs a C compiler: '\/nonexistent\/cc' was not found/.test(e.message),
    );
  });

  it('reports a failed build with the compiler message', () => {
    const bad = join(work, 'bad.c');
    writeFileSync(bad, 'int main(void) { return nope; }\n');
    assert.throws(
      () => ensureRunner({ cacheDir: join(work, 'badcache'), source: bad }),
      (e: Error) => e instanceof KernelRunnerError && /building the kernel runner/.test(e.message) && /nope/.test(e.message),
    );
  });
});

describe('kernel_runner on the real kernel', () => {
  it('counts one minor fault and 4 kB of Rss per written anonymous page', () => {
    const r = kernel('mmap a 16 anon private rw\nreport before a\ntouch a 0 16 write value=3\nreport after a\npeek a 0 16\npagemap a 0 18\nstatus s');
    assert.equal(r.error, null);
    assert.deepEqual(r.lines, [
      'mmap a 16 anon private rw -> ok',
      `before proc=main vmas=1 vmsize_kb=64 rss_kb=0 anon_kb=0 file_kb=0 ${ZEROS.replace('pss_kb=64', 'pss_kb=0').replace('private_dirty_kb=64', 'private_dirty_kb=0')} minflt=0 majflt=0`,
      `after proc=main vmas=1 vmsize_kb=64 rss_kb=64 anon_kb=64 file_kb=0 ${ZEROS} minflt=16 majflt=0`,
      'peek a 0 16 = 3*16',
      // pages 16 and 17 lie past the mapping: nothing there.
      'pagemap a 0 18 = a*16 .*2',
      // The first touch in the first slot allocates a PUD, a PMD and a PTE page.
      's proc=main vmsize_kb=64 vmdata_kb=64 vmlck_kb=0 vmpte_kb=12 vmrss_kb=64 rssanon_kb=64 rssfile_kb=0 rssshmem_kb=0',
    ]);
  });

  it('reports SIGSEGV on PROT_NONE and past the end, and does not count those faults', () => {
    const r = kernel('mmap g 4 anon private none\nexpect_segv g 1 read\nmprotect g 0 4 rw\nexpect_segv g 1 write\ntouch g 0 8 write\npeek g 0 2\nreport r g');
    assert.equal(r.error, null);
    assert.equal(r.lines[1], 'expect_segv g 1 read -> SIGSEGV');
    assert.equal(r.lines[3], 'expect_segv g 1 write -> ok');
    assert.equal(r.lines[4], 'touch g 0 8 write -> SIGSEGV at page 4');
    // expect_segv stored 0x5a = 90 in page 1, the touch 1 everywhere after.
    assert.equal(r.lines[5], 'peek g 0 2 = 1*2');
    // One write fault for expect_segv's page 1, three for the touch's pages 0, 2
    // and 3; the SIGSEGV accesses are not counted.
    assert.match(r.lines[6]!, / rss_kb=16 .* minflt=4 majflt=0$/);
  });

  it('shares pages after fork (mapcount 2) and prints in script order across processes', () => {
    const r = kernel(
      [
        'mmap a 4 anon private rw',
        'touch a 0 4 write',
        'fork c',
        'echo parent first',
        'in c',
        'pagemap a 0 4',
        'echo from child',
        'touch a 0 1 write',
        'in main',
        'pagemap a 0 4',
        'exit c',
        'pagemap a 0 4',
        'report r a',
      ].join('\n'),
    );
    assert.equal(r.error, null);
    assert.deepEqual(r.lines.slice(1, 6), ['parent first', 'pagemap a 0 4 = A*4', 'from child', 'pagemap a 0 4 = a*1 A*3', 'pagemap a 0 4 = a*4']);
    assert.match(r.lines[6]!, /^r proc=main vmas=1 vmsize_kb=16 rss_kb=16 anon_kb=16 .* pss_kb=16 .* minflt=4 majflt=0$/);
  });

  it('reads files with fpeek, eof past the end and the errno of a missing file', () => {
    const r = kernel('file d.bin 2 fill=200\ntruncate d.bin 2 1\nfpeek d.bin 0 4\nfpeek none.bin 0 1');
    assert.deepEqual(r.lines, ['fpeek d.bin 0 4 = 200*2 0*1 eof*1', 'fpeek none.bin 0 1 -> ENOENT']);
  });

  it('stops at a mapping whose mmap failed, and says why', () => {
    const r = kernel('mmap a 0 anon private rw\necho before\ntouch a 0 1 write\necho after');
    assert.deepEqual(r.lines, ['mmap a 0 anon private rw -> EINVAL', 'before']);
    assert.deepEqual(r.error, { line: 3, message: "mapping 'a' does not exist (its mmap failed)" });
    assert.equal(r.run.records.length, 3);
  });

  it('stops with a clear error in a child too, and stops the other processes', () => {
    const r = kernel('mmap a 1 anon private rw\nfork c\nin c\nmmap a 0 anon private rw\npeek a 0 1');
    assert.deepEqual(r.error, { line: 5, message: "mapping 'a' does not exist (its mmap failed)" });
  });

  it('reports a clear error when /proc/kpageflags cannot be read', () => {
    const r = kernel('mmap a 1 anon private rw\ntouch a 0 1 write\npagemap a 0 1\necho never', { MMSIM_RUNNER_KPAGEFLAGS: '/nonexistent/kpageflags' });
    assert.equal(r.error?.line, 3);
    assert.match(r.error!.message, /pagemap needs root .*cannot open \/nonexistent\/kpageflags: ENOENT/);
  });

  it('reports a child that died unexpectedly', () => {
    const program = parseScenario('fork c\nin c\necho dies here\necho never');
    const proto = compileProtocol(program).text.replace('3 1 nop', '3 1 die 9');
    const run = runKernel(program, { workdir: work, protocolText: proto });
    assert.deepEqual(run.records.slice(0, 2), [{ kind: 'none' }, { kind: 'none' }]);
    assert.equal(run.records.length, 3);
    assert.deepEqual(run.records[2], { kind: 'error', message: "process 'c' died unexpectedly: killed by signal 9" });
  });

  it('rejects malformed protocol input as a runner error, not a script error', () => {
    const program = parseScenario('echo x');
    assert.throws(
      () => runKernel(program, { workdir: work, protocolText: 'mmsim-runner 3\ntimeout 1000\nmachine 0 -1 0\nprocs 1\nproc 0 -1 main\nmaps 0\ncgroups 0\nops 1\n1 0 frob\nend\n' }),
      (e: Error) => e instanceof KernelRunnerError && /rejected its input: mmsim-runner: protocol line 9: unknown operation/.test(e.message),
    );
    assert.throws(
      () => runKernel(program, { workdir: work, protocolText: 'mmsim-runner 9\n' }),
      (e: Error) => e instanceof KernelRunnerError && /unsupported protocol version/.test(e.message),
    );
  });

  it('says where it could not make its scratch directory', () => {
    assert.throws(
      () => runKernel(parseScenario('echo x'), { workdir: join(work, 'missing', 'dir') }),
      (e: Error) => e instanceof KernelRunnerError && /cannot make a scratch directory in .*missing\/dir.*--workdir/.test(e.message),
    );
  });

  it('runs relative paths in a scratch directory that it removes afterwards', () => {
    const before = new Set(readdirSync(work));
    const r = kernel('file rel.bin 1\nfpeek rel.bin 0 1');
    assert.deepEqual(r.lines, ['fpeek rel.bin 0 1 = 7*1']);
    assert.deepEqual(new Set(readdirSync(work)), before);
  });
});

describe('kernel_runner version 2 (memory pressure)', () => {
  const HOST = { memtotalKb: 24684084, memAvailableKb: 24000000 };

  it('gives a smaller machine a cgroup of memtotal minus its high watermarks, and its swap', () => {
    // 128 MiB = 32768 pages: DMA 4096 pages, DMA32 28672. min_free_kbytes 2048
    // is 512 pages: DMA min 64, delta max(16, 4) = 16, high 96; DMA32 min 448,
    // delta max(112, 28) = 112, high 672. 768 pages stay free.
    const program = parseScenario('machine memtotal=128M swap=64M min_free_kbytes=2048\necho x');
    assert.equal(highWatermarkPages(program.machine), 768);
    assert.deepEqual(runMachine(program, HOST), { limitBytes: (32768 - 768) * 4096, swapPages: 16385 });
    // A version-2 operation on the host's own machine: 3/4 of MemAvailable, no swap.
    assert.deepEqual(runMachine(parseScenario('sleep 1'), HOST), { limitBytes: 4500000 * 4096, swapPages: 0 });
    // Version 1 runs on the host as it is.
    assert.equal(runMachine(parseScenario('mmap a 1 anon private rw'), HOST), null);
  });

  it('compiles the version-2 operations, cgroups by id', () => {
    const program = parseScenario(
      [
        'swapon s.swap 4M prio=7',
        'swapon t.swap 16',
        'sysctl swappiness=0 overcommit_memory=2',
        'cgroup g limit=8M memsw=16M swappiness=30',
        'cgroup h limit=4M',
        'join h',
        'oom_score_adj 500',
        'oom_score o',
        'cgstat c g',
        'events e',
        'sleep 25',
        'swapoff s.swap',
      ].join('\n'),
    );
    const { text, cgroupNames } = compileProtocol(program, { host: HOST, timeoutMs: 5000 });
    assert.deepEqual(cgroupNames, ['g', 'h']);
    assert.equal(
      text,
      [
        'mmsim-runner 3',
        'timeout 5000',
        `machine 1 ${4500000 * 4096} 0`,
        'procs 1',
        'proc 0 -1 main',
        'maps 0',
        'cgroups 2',
        'cgroup 0 g',
        'cgroup 1 h',
        'ops 12',
        '1 0 swapon s.swap 1024 1 7',
        '2 0 swapon t.swap 16 0 0',
        '3 0 sysctl swappiness 0 overcommit_memory 2',
        '4 0 cgroup 0 2048 4096 30',
        '5 0 cgroup 1 1024 -1 -1',
        '6 0 join 1',
        '7 0 oom_score_adj 500',
        '8 0 oom_score',
        '9 0 cgstat 0',
        '10 0 events',
        '11 0 sleep 25',
        '12 0 swapoff s.swap',
        'end',
        '',
      ].join('\n'),
    );
  });

  it('refuses what the real kernel must not or cannot run', () => {
    const refused = (text: string, why: RegExp): void => {
      assert.throws(
        () => compileProtocol(parseScenario(text), { host: HOST }),
        (e: Error) => e instanceof KernelRunnerError && why.test(e.message),
      );
    };
    refused('sysctl swappiness=10 panic_on_oom=1', /line 1: sysctl panic_on_oom is simulator-only: the real-kernel runner refuses it/);
    refused('cgroup memory.x limit=1M', /cgroup name 'memory.x' cannot be a directory/);
    refused('cgroup tasks limit=1M', /cgroup name 'tasks'/);
    refused('swapon s 16 prio=-1', /priorities 0 to 32767/);
  });

  it('reads the version-2 records', () => {
    const out = Buffer.from('R 0 killed\nR 1 oom_score 667 -1000\nR 2 cgstat 4096 8192 -1 10240 3 1\nR 3 events 2 1\nR 4 events\n');
    assert.deepEqual(parseRunnerOutput(out, [], ['main', 'c', 'd']).records, [
      { kind: 'killed' },
      { kind: 'oom_score', score: 667, adj: -1000 },
      { kind: 'cgstat', usageKb: 4, maxUsageKb: 8, limitKb: -1, memswUsageKb: 10, failcnt: 3, oomKill: 1 },
      { kind: 'events', killed: ['d', 'c'] },
      { kind: 'events', killed: [] },
    ]);
    assert.throws(() => parseRunnerOutput(Buffer.from('R 0 events 5\n'), [], ['main']), KernelRunnerError);
  });
});

/** The host state a version-2 run must leave as it found it. */
function hostState(): string {
  const cg = readFileSync('/proc/self/cgroup', 'utf8').match(/:memory:(.*)$/m)![1]!;
  const dir = `/sys/fs/cgroup/memory${cg === '/' ? '' : cg}`;
  const vm = ['swappiness', 'overcommit_memory', 'overcommit_ratio', 'overcommit_kbytes'].map((k) => readFileSync(`/proc/sys/vm/${k}`, 'utf8').trim());
  const swaps = readFileSync('/proc/swaps', 'utf8')
    .split('\n')
    .filter((l) => l.includes('.mmsim-'));
  const cgroups = readdirSync(dir).filter((n) => n.startsWith('mmsim-'));
  return JSON.stringify({ vm, swaps, cgroups });
}

describe('kernel_runner version 2 on the real kernel', () => {
  it('reports the OOM kill of a process holding the token and of one that is not, in kill order', () => {
    const before = hostState();
    // 128M machine without swap: c holds 60M, d 8M at oom_score_adj 1000,
    // then e asks for 100M. d goes first (adj 1000 outweighs any size), then
    // e, the largest, killed in its own touch.
    const r = kernel(
      [
        'machine memtotal=128M min_free_kbytes=2048',
        'fork c',
        'in c',
        'mmap a 60M anon private rw',
        'touch a 0 60M write',
        'in main',
        'fork d',
        'in d',
        'oom_score_adj 1000',
        'mmap b 8M anon private rw',
        'touch b 0 8M write',
        'in main',
        'fork e',
        'in e',
        'mmap x 100M anon private rw',
        'touch x 0 100M write',
        'in main',
        'events ev',
        'exit d',
        'cgroup g limit=4M',
        'events ev2',
        'in e',
      ].join('\n'),
    );
    assert.deepEqual(r.lines, [
      'mmap a 60M anon private rw -> ok',
      'oom_score_adj 1000 -> ok',
      'mmap b 8M anon private rw -> ok',
      'mmap x 100M anon private rw -> ok',
      'touch x 0 100M write -> killed',
      'ev oom_kill proc=d',
      'ev oom_kill proc=e',
      'ev2 none',
    ]);
    assert.deepEqual(r.error, { line: 22, message: 'process e was killed by the OOM killer' });
    assert.equal(hostState(), before);
  });

  it('runs swap files, sysctls and cgroups, and puts the host back afterwards', () => {
    const before = hostState();
    const r = kernel(
      [
        'machine memtotal=64M swap=16M min_free_kbytes=1024',
        'sysctl swappiness=100 overcommit_ratio=70',
        'swapon s.swap 1M prio=5',
        'swapon s.swap 1M',
        'cgroup g limit=8M',
        'fork c',
        'in c',
        'join g',
        'mmap a 4M anon private rw',
        'touch a 0 4M write',
        'oom_score_adj 100',
        'oom_score o',
        'in main',
        'cgstat cs g',
        'swapoff s.swap',
        'swapoff s.swap',
        'sleep 10',
      ].join('\n'),
    );
    assert.equal(r.error, null);
    assert.deepEqual(r.lines.filter((l) => !l.startsWith('cs ') && !l.startsWith('o ')), [
      'sysctl swappiness=100 overcommit_ratio=70 -> ok',
      'swapon s.swap 1M prio=5 -> ok',
      'swapon s.swap 1M -> EBUSY',
      'mmap a 4M anon private rw -> ok',
      'oom_score_adj 100 -> ok',
      'swapoff s.swap -> ok',
      'swapoff s.swap -> EINVAL',
    ]);
    // 4 MiB written in g: at least 4096 kB charged there, within the 8M limit.
    const cs = /^cs cgroup=g usage_kb=(\d+) max_usage_kb=(\d+) limit_kb=8192 memsw_usage_kb=(\d+) failcnt=0 oom_kill=0$/.exec(r.lines.find((l) => l.startsWith('cs '))!);
    assert.ok(cs, 'cgstat line');
    assert.ok(Number(cs[1]) >= 4096 && Number(cs[1]) <= 8192);
    assert.match(r.lines.find((l) => l.startsWith('o '))!, /^o proc=c oom_score=\d+ oom_score_adj=100$/);
    assert.equal(hostState(), before);
  });

  it('stops a run at its timeout and still undoes its changes', () => {
    const before = hostState();
    const program = parseScenario('sysctl swappiness=1\ncgroup g limit=1M\nsleep 20000\necho never');
    const run = runKernel(program, { workdir: work, timeoutMs: 500 });
    assert.deepEqual(run.records.slice(0, 2), [{ kind: 'ret', value: 'ok' }, { kind: 'none' }]);
    assert.deepEqual(run.records[2], { kind: 'error', message: 'the run did not finish within 500 ms' });
    assert.equal(hostState(), before);
  });

  it('undoes a run from its journal when the runner could not', () => {
    const cg = readFileSync('/proc/self/cgroup', 'utf8').match(/:memory:(.*)$/m)![1]!;
    const dir = `/sys/fs/cgroup/memory${cg === '/' ? '' : cg}/mmsim-journal-test`;
    const scratch = mkdtempSync(join(work, 'journal-'));
    const old = readFileSync('/proc/sys/vm/dirty_expire_centisecs', 'utf8').trim();
    writeFileSync(join(scratch, '.mmsim-undo'), `sysctl dirty_expire_centisecs ${old}\ncgroup ${dir}\n`);
    mkdirSync(dir);
    writeFileSync('/proc/sys/vm/dirty_expire_centisecs', String(Number(old) + 1));
    const notes = undoJournal(scratch);
    assert.deepEqual(notes, [`removed memory cgroup ${dir}`, `restored vm.dirty_expire_centisecs = ${old}`]);
    assert.equal(existsSync(dir), false);
    assert.equal(readFileSync('/proc/sys/vm/dirty_expire_centisecs', 'utf8').trim(), old);
  });
});
