import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { policyNames } from '../../src/lab/policies/index.js';
import { mmsim } from './helpers.js';
import { tmpFile } from '../workload/trace/helpers.js';
import { loadResults } from '../lab/policies/golden_fixture.js';

const DIR = 'fixtures/libcachesim';
const NAMES = ['zipf-a0.8-n20k-200k', 'shift-2phase-200k', 'mix-scan-loop-rand-200k'];
const TRACES = NAMES.map((n) => `${DIR}/${n}.txt.gz`);
const golden = loadResults();
const out = (name: string): string => join(mkdtempSync(join(tmpdir(), 'mmsim-sweep-')), name);

describe('cli/sweep', () => {
  it("writes libCacheSim's counts as CSV rows in canonical order, the same bytes with 1 or 2 jobs", async () => {
    const args = ['sweep', '--traces', TRACES.slice(0, 2).join(','), '--policies', 'fifo,lru', '--sizes', '5000,100,1000', '-q'];
    const one = await mmsim(...args, '--jobs', '1');
    const two = await mmsim(...args, '--jobs', '2');
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.stdout, one.stdout);
    const want = ['trace,policy,size,seed,requests,misses,miss_ratio'];
    for (const [k, t] of TRACES.slice(0, 2).entries()) {
      for (const algo of ['FIFO', 'LRU']) {
        for (const size of [100, 1000, 5000]) {
          const g = golden.find((r) => r.trace === NAMES[k] && r.algo === algo && r.size === size)!;
          want.push(`${t},${algo.toLowerCase()},${size},1,200000,${g.misses},${g.misses / 200000}`);
        }
      }
    }
    assert.equal(one.stdout, `${want.join('\n')}\n`);
  });

  it('resumes after being killed: keeps the finished rows, drops a cut line, runs only the rest', async () => {
    const results = out('r.csv');
    const args = ['sweep', '--traces', TRACES.join(','), '--policies', 'fifo,clock', '--sizes', '100,1000,5000', '--out', results];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--jobs', '1', '-q'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Kill it as soon as the first rows are in the file.
    while (!(existsSync(results) && readFileSync(results, 'utf8').split('\n').length > 2)) await sleep(5);
    child.kill('SIGKILL');
    await exited;
    const kept = readFileSync(results, 'utf8').trim().split('\n').length - 1;
    assert.ok(kept >= 1 && kept < 18, `${kept} rows written before the kill`);
    appendFileSync(results, `${TRACES[0]},fifo,10`); // as if killed in the middle of a line
    const resumed = await mmsim(...args, '--resume', '--jobs', '2');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stderr, `sweep: 3 traces x 2 policies x 3 sizes: ${18 - kept} rows to run, ${kept} already in ${results}\n`);
    // libCacheSim's FIFO and Clock counts, in canonical order.
    const want = ['trace,policy,size,seed,requests,misses,miss_ratio'];
    for (const [k, t] of TRACES.entries()) {
      for (const algo of ['FIFO', 'Clock']) {
        for (const size of [100, 1000, 5000]) {
          const g = golden.find((r) => r.trace === NAMES[k] && r.algo === algo && r.size === size)!;
          want.push(`${t},${algo.toLowerCase()},${size},1,200000,${g.misses},${g.misses / 200000}`);
        }
      }
    }
    assert.equal(readFileSync(results, 'utf8'), `${want.join('\n')}\n`);
    // A second resume has nothing left to do and leaves the bytes alone.
    const again = await mmsim(...args, '--resume');
    assert.match(again.stderr, /: 0 rows to run, 18 already in /);
    assert.equal(readFileSync(results, 'utf8'), `${want.join('\n')}\n`);
  });

  it('writes JSON lines and one plot per trace', async () => {
    const results = out('r.jsonl');
    const plots = out('plots');
    const r = await mmsim('sweep', '--traces', TRACES.slice(0, 2).join(','), '--policies', 'lru,arc', '--sizes', '100,1000', '--out', results, '--plot-dir', plots, '--plot-format', 'png', '-q');
    assert.equal(r.code, 0, r.stderr);
    const rows = readFileSync(results, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trace: string; policy: string; size: number; misses: number });
    assert.deepEqual(rows.map((x) => `${x.trace === TRACES[0] ? 0 : 1} ${x.policy} ${x.size}`), ['0 lru 100', '0 lru 1000', '0 arc 100', '0 arc 1000', '1 lru 100', '1 lru 1000', '1 arc 100', '1 arc 1000']);
    assert.equal(rows[2]!.misses, golden.find((g) => g.trace === NAMES[0] && g.algo === 'ARC' && g.size === 100)!.misses);
    assert.deepEqual(readdirSync(plots).sort(), ['shift-2phase-200k.txt.png', 'zipf-a0.8-n20k-200k.txt.png']);
  });

  it('gives one clear line and exit 2 for bad input, keeping only complete rows', async () => {
    const bad = tmpFile('sweep-bad.txt', '1\n2\nzz\n');
    const empty = tmpFile('sweep-empty.txt', '');
    const existing = out('have.csv');
    writeFileSync(existing, 'trace,policy,size,seed,requests,misses,miss_ratio\n');
    const foreign = out('foreign.csv');
    writeFileSync(foreign, 'a,b,c\n1,2,3\n');
    const base = ['sweep', '--traces', TRACES[0]!, '--policies', 'lru', '--sizes', '100'];
    const cases: Array<[string[], string]> = [
      [['sweep', '--traces', bad, '--policies', 'lru', '--sizes', '2'], `mmsim: ${bad}:3: text: expected a decimal or 0x-hex number, found 'z'\n`],
      [['sweep', '--traces', empty, '--policies', 'lru', '--sizes', '2'], `mmsim: ${empty}: empty trace (no references)\n`],
      [['sweep', '--traces', '/no/such/trace', '--policies', 'lru', '--sizes', '2'], 'mmsim: /no/such/trace: no such file\n'],
      [['sweep', '--traces', TRACES[0]!, '--policies', 'lru,nope', '--sizes', '2'], `mmsim: unknown policy 'nope' (known: ${policyNames().join(', ')})\n`],
      [['sweep', '--traces', TRACES[0]!, '--policies', 'lru', '--sizes', '-3'], "mmsim: --sizes must be a positive integer, got '-3'\n"],
      [['sweep', '--traces', `${TRACES[0]},`, '--policies', 'lru', '--sizes', '2'], `mmsim: --traces must be a comma-separated list, got '${TRACES[0]},'\n`],
      [[...base, '--out', 'r.txt'], 'mmsim: --out: r.txt: the file name must end in .csv or .jsonl\n'],
      [[...base, '--out', existing], `mmsim: ${existing} exists: --resume to complete it, --force to replace it\n`],
      [[...base, '--out', foreign, '--resume'], `mmsim: ${foreign}:1: not a sweep results file (expected the header trace,policy,size,seed,requests,misses,miss_ratio)\n`],
      [[...base, '--resume'], 'mmsim: --resume and --force need --out\n'],
      [[...base, '--plot-format', 'gif'], "mmsim: --plot-format must be svg or png, got 'gif'\n"],
    ];
    for (const [args, err] of cases) {
      const r = await mmsim(...args, '-q');
      assert.equal(r.stderr, err, args.join(' '));
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
    }
    // A malformed trace after a good one: the file keeps the finished row, complete.
    const results = out('partial.csv');
    const r = await mmsim('sweep', '--traces', `${TRACES[0]},${bad}`, '--policies', 'lru', '--sizes', '100', '--out', results, '--jobs', '1', '-q');
    assert.equal(r.code, 2);
    const lru100 = golden.find((g) => g.trace === NAMES[0] && g.algo === 'LRU' && g.size === 100)!.misses;
    assert.equal(readFileSync(results, 'utf8'), `trace,policy,size,seed,requests,misses,miss_ratio\n${TRACES[0]},lru,100,1,200000,${lru100},${lru100 / 200000}\n`);
  });
});
