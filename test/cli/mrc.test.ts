import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { policyNames } from '../../src/lab/policies/index.js';
import { mmsim, mmsimProcess } from './helpers.js';
import { tmpFile } from '../workload/trace/helpers.js';
import { loadResults } from '../lab/policies/golden_fixture.js';

const TRACE = 'fixtures/libcachesim/zipf-a0.8-n20k-200k.txt.gz';
const golden = loadResults().filter((r) => r.trace === 'zipf-a0.8-n20k-200k');
const SIZES = golden.filter((r) => r.algo === 'LRU').map((r) => r.size);

interface MrcJson {
  requests: number;
  footprint: number;
  series: Array<{ policy: string; method: string; points: Array<{ size: number; misses: number; miss_ratio: number }> }>;
}

describe('cli/mrc', () => {
  it("prints libCacheSim's LRU and FIFO counts at the golden sizes as JSON, LRU exact and FIFO simulated", async () => {
    const r = await mmsim('mrc', TRACE, '--policy', 'lru,fifo', '--sizes', SIZES.join(','), '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as MrcJson;
    assert.equal(out.requests, 200_000);
    assert.equal(out.footprint, 19_372);
    assert.deepEqual(out.series.map((s) => [s.policy, s.method]), [['lru', 'exact'], ['fifo', 'simulated']]);
    for (const [k, algo] of ['LRU', 'FIFO'].entries()) {
      const want = golden.filter((g) => g.algo === algo).map((g) => ({ size: g.size, misses: g.misses, miss_ratio: g.misses / 200_000 }));
      assert.deepEqual(out.series[k]!.points, want, algo);
    }
  });

  it('prints a chart and a table by default, sizes evenly spaced up to the footprint', async () => {
    const r = await mmsim('mrc', TRACE, '--points', '4');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^trace {7}\S+zipf-a0\.8-n20k-200k\.txt\.gz \(text\)\nrequests {4}200000\nfootprint {3}19372 pages\ncurves {6}lru exact \(stack distances\)\n/);
    assert.match(r.stdout, /\nmiss ratio\n 1\.0 \|/);
    assert.match(r.stdout, /\n {6}\* lru\n/);
    // 19372 * i / 4, rounded, with the LRU miss ratio (checked against the curve's own golden points above).
    assert.match(r.stdout, /\n {6}size {5}lru\n {6}4843 +0\.\d{4}\n {6}9686 +0\.\d{4}\n +14529 +0\.\d{4}\n +19372 +0\.0969\n$/);
  });

  it('gives the same rows from worker threads as in-process', async () => {
    const args = ['mrc', TRACE, '--policy', 'fifo,clock,arc', '--points', '3', '--csv'];
    const one = await mmsim(...args, '--jobs', '1');
    const two = await mmsim(...args, '--jobs', '2');
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.stdout, one.stdout);
    assert.equal(one.stdout.split('\n')[0], 'policy,method,size,misses,miss_ratio');
    assert.equal(one.stdout.trim().split('\n').length, 10);
  });

  it('estimates LRU with SHARDS: close to the exact curve, and says so', async () => {
    const r = await mmsim('mrc', TRACE, '--sizes', SIZES.join(','), '--shards', '0.1', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as MrcJson & { shards: { variant: string; rate: number } };
    assert.equal(out.series[0]!.method, 'shards');
    assert.equal(out.shards.variant, 'fixed-rate');
    const exact = golden.filter((g) => g.algo === 'LRU');
    out.series[0]!.points.forEach((p, k) => assert.ok(Math.abs(p.miss_ratio - exact[k]!.misses / 200_000) < 0.1, `C=${p.size}`));
    const s = await mmsim('mrc', TRACE, '--shards-size', '2000', '--points', '3');
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /\ncurves {6}lru SHARDS fixed-size \(2000 pages\) estimate, rate 0\.\d+\n/);
  });

  it('draws the same PNG bytes on two runs, and an SVG', async () => {
    const a = tmpFile('mrc-a.png', '');
    const b = tmpFile('mrc-b.png', '');
    const svg = tmpFile('mrc.svg', '');
    for (const out of [a, b, svg]) {
      const r = await mmsim('mrc', TRACE, '--policy', 'lru,fifo', '--points', '5', '--plot', out, '--csv');
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(readFileSync(a), readFileSync(b));
    assert.equal(readFileSync(a).subarray(1, 4).toString(), 'PNG');
    assert.match(readFileSync(svg, 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^]*\u2014 fifo/);
  });

  it('gives one clear line and exit 2 for bad input', async () => {
    const empty = tmpFile('mrc-empty.txt', '');
    const bad = tmpFile('mrc-bad.txt', '1\n2\nzz\n');
    const cases: Array<[string[], string]> = [
      [['mrc', empty], `mmsim: ${empty}: empty trace (no references)\n`],
      [['mrc', empty, '-p', 'fifo', '--sizes', '4'], `mmsim: ${empty}: empty trace (no references)\n`],
      [['mrc', bad], `mmsim: ${bad}:3: text: expected a decimal or 0x-hex number, found 'z'\n`],
      [['mrc', bad, '-p', 'fifo', '--sizes', '2'], `mmsim: ${bad}:3: text: expected a decimal or 0x-hex number, found 'z'\n`],
      [['mrc', '/no/such/trace'], 'mmsim: /no/such/trace: no such file\n'],
      [['mrc', TRACE, '-p', 'lru,nope'], `mmsim: unknown policy 'nope' (known: ${policyNames().join(', ')})\n`],
      [['mrc', TRACE, '--sizes', '10,0'], "mmsim: --sizes must be a positive integer, got '0'\n"],
      [['mrc', TRACE, '--sizes', '10,,20'], "mmsim: --sizes must be comma-separated positive integers, got '10,,20'\n"],
      [['mrc', TRACE, '--sizes', '10', '--max', '20'], 'mmsim: --sizes excludes --max and --points\n'],
      [['mrc', TRACE, '--shards', '0'], "mmsim: --shards must be a sampling rate in (0, 1], got '0'\n"],
      [['mrc', TRACE, '--shards-size', '4'], 'mmsim: --shards-size must be at least 8 pages, got 4\n'],
      [['mrc', TRACE, '--shards', '0.1', '--shards-size', '100'], 'mmsim: --shards and --shards-size exclude each other\n'],
      [['mrc', TRACE, '--shards', '0.1', '-p', 'fifo'], 'mmsim: --shards and --shards-size estimate the LRU curve: add lru to --policy\n'],
      [['mrc', TRACE, '--plot', 'out.gif'], 'mmsim: --plot: out.gif: the file name must end in .svg or .png\n'],
      [['mrc', TRACE, '--json', '--csv'], 'mmsim: --json and --csv exclude each other\n'],
      [['mrc', TRACE, '-p', 'clock', '--param', 'bits=9'], 'mmsim: policy clock: parameter bits=9 must be an integer from 1 to 8\n'],
      [['mrc', TRACE, '--jobs', '0'], "mmsim: --jobs must be a positive integer, got '0'\n"],
    ];
    for (const [args, err] of cases) {
      const r = await mmsim(...args);
      assert.equal(r.stderr, err, args.join(' '));
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('prints nothing on stderr through a pipe, and no stack trace on error, as a real process', () => {
    // bin/mmsim.js from another directory, with worker threads: they must find tsx all the same.
    const ok = spawnSync(process.execPath, [resolve('bin/mmsim.js'), 'mrc', resolve(TRACE), '-p', 'lru,fifo', '--points', '2', '--jobs', '2', '--csv'], { cwd: tmpdir(), encoding: 'utf8' });
    assert.equal(ok.stderr, '');
    assert.equal(ok.status, 0);
    assert.equal(ok.stdout.trim().split('\n').length, 5);
    const bad = mmsimProcess('mrc', TRACE, '--shards', '2');
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, "mmsim: --shards must be a sampling rate in (0, 1], got '2'\n");
  });
});
