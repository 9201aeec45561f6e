import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

  it('replays through the TLBs and caches without --cachegrind', () => {
    const r = mmsim('trace', 'fixtures/cachegrind/unaligned.lackey.gz', '--json');
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { references: Record<string, number>; tlb: { iAccesses: number }; cost: { amat: number } };
    const c = fx.runs[0].counts;
    assert.equal(rep.tlb.iAccesses, c.Ir);
    assert.equal(rep.references.I, c.Ir);
    assert.equal(rep.references.L + rep.references.M, c.Dr);
    assert.equal(rep.references.S, c.Dw);
    assert.ok(rep.cost.amat >= 4);
  });
});
