// The scenario language's hardware operations (docs/scenario-format.md:
// access, tlbstat, cachestat): parsing, the real-kernel runner's refusal, and
// hand-computed counts on the simulated CPU.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileProtocol } from '../../../src/workload/scenario/kernel_runner.js';
import { parseScenario } from '../../../src/workload/scenario/parse.js';
import { simulate } from './helpers.js';

function run(src: string): string[] {
  const out = simulate(src);
  assert.equal(out.error, null);
  return out.lines;
}

const field = (line: string, key: string) => line.split(' ').find((t) => t.startsWith(`${key}=`))!.slice(key.length + 1);

describe('workload/scenario: access, tlbstat, cachestat', () => {
  it('parses the options and rejects bad ones with the line number', () => {
    const p = parseScenario('machine cpus=2\nmmap a 4 anon private rw\naccess a 0 4 fetch stride=64 repeat=3 order=random seed=9 cpu=1\ntlbstat t cpu=1\n');
    assert.deepEqual(p.ops[1], { line: 3, text: 'access a 0 4 fetch stride=64 repeat=3 order=random seed=9 cpu=1', proc: 0, op: 'access', name: 'a', first: 0, count: 4, kind: 'fetch', strideBytes: 64, repeat: 3, random: true, seed: 9, cpu: 1 });
    assert.throws(() => parseScenario('mmap a 4 anon private rw\naccess a 0 4 peek\n'), /line 2: access: expected read, write or fetch, got 'peek'/);
    assert.throws(() => parseScenario('mmap a 4 anon private rw\naccess a 0 4 read cpu=2\n'), /line 2: access: cpu 2 does not exist \(the machine has 2\)/);
    assert.throws(() => parseScenario('mmap a 4 anon private rw\naccess a 0 4 read order=zigzag\n'), /order must be seq or random/);
    assert.throws(() => parseScenario('cachestat c cpu=x\n'), /line 1: cachestat: expected cpu=C/);
  });

  it('is refused by the real-kernel runner, naming the line', () => {
    const p = parseScenario('mmap a 4 anon private rw\ntlbstat t\n');
    assert.throws(() => compileProtocol(p), /line 2: tlbstat runs on the simulated hardware only/);
  });

  it('counts a line sweep of one page by hand: 63 misses from DRAM, then all L1 hits', () => {
    // Line 0 of the page is in L1d after the first write; the sweep reads
    // lines 0..63 (8 bytes at each 64): 1 hit (4 cycles) + 63 DRAM reads (250):
    // amat (4 + 63 * 250) / 64 = 15754 / 64 = 246.16. The page's translation is in the TLB: no walk.
    const lines = run('mmap buf 1 anon private rw\naccess buf 0 1 write\ncachestat a\ntlbstat a\naccess buf 0 1 read stride=64\ncachestat b\ntlbstat b\naccess buf 0 1 read stride=64 repeat=2\ncachestat c\n');
    const b = lines.find((l) => l.startsWith('b cpu=0 l1d'))!;
    assert.deepEqual(['l1d_accesses', 'l1d_misses', 'l2_misses', 'llc_misses', 'dram_reads', 'amat'].map((k) => field(b, k)), ['64', '63', '63', '63', '63', '246.16']);
    const tb = lines.find((l) => l.startsWith('b cpu=0 translations'))!;
    assert.deepEqual(['translations', 'l1_misses', 'walks'].map((k) => field(tb, k)), ['64', '0', '0']);
    const c = lines.find((l) => l.startsWith('c cpu=0'))!;
    assert.deepEqual(['l1d_accesses', 'l1d_misses', 'amat'].map((k) => field(c, k)), ['128', '0', '4.00']);
    // The first access: a walk that faults at the empty PGD entry (1 read), the
    // kernel's fault, and a full walk of the new tables (4 reads): 2 translations, 1 walk.
    const ta = lines.find((l) => l.startsWith('a cpu=0 translations'))!;
    assert.deepEqual(['translations', 'l1_misses', 'walks', 'walks_4k', 'walk_reads'].map((k) => field(ta, k)), ['2', '2', '1', '1', '5']);
  });

  it('reports a signal like touch and stops the access', () => {
    const lines = run('mmap ro 2 anon private r\naccess ro 0 2 write\n');
    assert.deepEqual(lines.slice(1), ['access ro 0 2 write -> SIGSEGV at page 0']);
  });

  it('sends a shootdown to the CPU where a thread of the process runs', () => {
    //   munmap of page 0, from main on CPU 0, while a thread of main runs on CPU 1:
    //   one INVLPG on each CPU, one IPI received by CPU 1.
    const lines = run('machine cpus=2\nmmap buf 4 anon private rw\naccess buf 0 4 write cpu=1\ntlbstat before cpu=1\nmunmap buf 0 1\ntlbstat after cpu=1\ntlbstat after cpu=0\n');
    const c1 = lines.find((l) => l.startsWith('after cpu=1'))!;
    const c0 = lines.find((l) => l.startsWith('after cpu=0'))!;
    assert.deepEqual([field(c1, 'invlpg'), field(c1, 'ipis'), field(c0, 'invlpg'), field(c0, 'ipis')], ['1', '1', '1', '0']);
  });
});
