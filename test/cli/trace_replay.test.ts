import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayReport } from '../../src/cli/replay_report.js';

const ROOT = join(import.meta.dirname, '../..');
const mmsim = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('cli/trace_replay', () => {
  const fx = JSON.parse(readFileSync(join(ROOT, 'fixtures/cachegrind/unaligned.json'), 'utf8')) as {
    runs: Array<{ config: string; options: string; counts: Record<string, number> }>;
  };

  it('prints cachegrind\'s counts as one JSON object with its event names', () => {
    const run = fx.runs.find((r) => r.config === 'small')!;
    const opts = run.options.split(' ').flatMap((o) => o.split('='));
    const r = mmsim('trace', 'fixtures/cachegrind/unaligned.lackey.gz', '--cachegrind', '--json', ...opts);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), run.counts);
  });

  it('prints a table under cachegrind\'s names with its default caches', () => {
    const r = mmsim('trace', 'fixtures/cachegrind/unaligned.lackey.gz', '--cachegrind');
    assert.equal(r.status, 0, r.stderr);
    const def = fx.runs.find((x) => x.config === 'default')!.counts;
    assert.match(r.stdout, /^I1 cache: 32768 B, 64 B, 8-way associative$/m);
    assert.match(r.stdout, /^LL cache: 268435456 B, 64 B, direct-mapped$/m);
    for (const [k, v] of Object.entries(def)) assert.match(r.stdout, new RegExp(`^${k} +${v}$`, 'm'));
  });

  it('rejects an impossible cache with one line and exit status 2', () => {
    const r = mmsim('trace', 'fixtures/cachegrind/unaligned.lackey.gz', '--cachegrind', '--D1', '12288,8,64');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'mmsim: --D1: cache set count is not a power of two\n');
    assert.equal(r.stdout, '');
  });

  it('refuses lines shorter than a YMM register, as cachegrind does', () => {
    const r = mmsim('trace', 'fixtures/cachegrind/unaligned.lackey.gz', '--cachegrind', '--D1', '4096,2,16');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'mmsim: cannot continue: the minimum line size (16) must be equal to or larger than the maximum register size (32)\n');
    assert.equal(r.stdout, '');
  });

  it('names the file and line of a malformed trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-'));
    const f = join(dir, 'bad.lackey');
    writeFileSync(f, 'I  04000000,3\n L 1fff0000,8\n X oops\n');
    const r = mmsim('trace', f, '--cachegrind');
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`^mmsim: ${f.replace(/[.]/g, '\\.')}:3: `));
    assert.equal(r.stderr.split('\n').length, 2);
  });

  it('reports a missing file in one line', () => {
    const r = mmsim('trace', 'no/such/file.lackey', '--cachegrind');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'mmsim: no/such/file.lackey: cannot read (ENOENT)\n');
  });

  it('replays through the whole model without --cachegrind (a lackey trace: mappings made up as needed)', () => {
    const r = mmsim('trace', 'fixtures/cachegrind/unaligned.lackey.gz', '--json');
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as ReplayReport;
    const c = fx.runs[0].counts;
    const p = rep.processes[0]!;
    // The references are cachegrind's events: I = Ir, L + M = Dr, S = Dw.
    assert.equal(p.references.I, c.Ir);
    assert.equal(p.references.L + p.references.M, c.Dr);
    assert.equal(p.references.S, c.Dw);
    // Every fetch translates once, or twice when it straddles two pages.
    assert.ok(rep.total.tlb.iAccesses >= c.Ir && rep.total.tlb.iAccesses < c.Ir * 1.01);
    assert.ok(p.synthesized > 0 && p.minflt > 0 && p.signals === 0);
    assert.ok(rep.total.amat >= 4);
  });

  it('prints the table with TLB arrays, walks, caches and AMAT', () => {
    const r = mmsim('trace', 'fixtures/cachegrind/unaligned.lackey.gz');
    assert.equal(r.status, 0, r.stderr);
    for (const re of [/^ {2}L1 dTLB 4k /m, /^ {2}STLB 4k\+2m /m, /^walks +\S+ entry reads/m, /^ {2}L1d /m, /^ {2}LLC /m, /^TLB flushes /m, /^AMAT +[\d.]+ cycles per access/m]) assert.match(r.stdout, re);
  });

  it('interleaves several recorded programs on several CPUs (mmsim traces with their maps)', () => {
    const f = 'fixtures/record/mapper.mmsim.gz';
    const r = mmsim('trace', f, f, f, '--cpus', '2', '--quantum', '5000', '--no-pcid', '--json');
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as ReplayReport;
    assert.deepEqual(rep.machine, { cpus: 2, pcid: false, thp: 'madvise', quantum: 5000 });
    assert.equal(rep.processes.length, 3);
    assert.ok(rep.processes.every((p) => p.signals === 0 && p.failedEvents === 0 && p.name === 'mapper'));
    // Three processes, two CPUs: processes move between CPUs, and without PCID every switch flushes.
    const cpus = rep.hardware.cpus.map((c) => c.tlbManagement);
    assert.ok(cpus.every((c) => c.mmSwitches! > 2 && c.switchNoFlush === 0));
  });

  it('refuses a trace without access kinds, in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-'));
    const f = join(dir, 'pages.txt');
    writeFileSync(f, '1\n2\n3\n');
    const r = mmsim('trace', f);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `mmsim: ${f}: a text trace has no access kinds and sizes; replay takes a lackey trace or an mmsim trace from mmsim record\n`);
  });
});
