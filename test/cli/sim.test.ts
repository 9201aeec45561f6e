import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { policyNames } from '../../src/lab/policies/index.js';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { mmsim, mmsimProcess } from './helpers.js';
import { tmpFile } from '../workload/trace/helpers.js';

const golden = readFileSync('fixtures/libcachesim/results.jsonl', 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { trace: string; algo: string; size: number; misses: number; requests: number });

describe('cli/sim', () => {
  it("prints libCacheSim's miss count as JSON, the same bytes on every run", async () => {
    const want = golden.find((r) => r.trace === 'shift-2phase-200k' && r.algo === 'LFU' && r.size === 1000)!;
    const a = await mmsim('sim', 'fixtures/libcachesim/shift-2phase-200k.txt.gz', '--policy', 'lfu', '--size', '1000', '--json');
    assert.equal(a.code, 0, a.stderr);
    const out = JSON.parse(a.stdout) as Record<string, unknown>;
    assert.equal(out.requests, want.requests);
    assert.equal(out.misses, want.misses);
    assert.equal(out.miss_ratio, want.misses / want.requests);
    assert.equal(out.format, 'text');
    // The real executable, in its own process: same bytes.
    const b = mmsimProcess('sim', 'fixtures/libcachesim/shift-2phase-200k.txt.gz', '--policy', 'lfu', '--size', '1000', '--json');
    assert.equal(b.code, 0);
    assert.equal(b.stdout, a.stdout);
  });

  it('prints a readable summary with policy parameters', async () => {
    const path = tmpFile('belady.txt', '1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n');
    const r = await mmsim('sim', path, '-p', 'clock', '-s', '3', '--param', 'bits=2');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^trace {7}.*belady\.txt \(text\)\npolicy {6}clock bits=2, 3 pages\nrequests {4}12\nmisses {6}\d+\nhits {8}\d+\nmiss ratio {2}0\.\d{6}\n$/);
  });

  it('stops at a malformed line with file:line and exit 2, or skips it with --skip-bad', async () => {
    const path = tmpFile('badline.txt', '1\n2\nzz\n3\n');
    const r = mmsimProcess('sim', path, '-p', 'lru', '-s', '2');
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `mmsim: ${path}:3: text: expected a decimal or 0x-hex number, found 'z'\n`);
    assert.equal(r.stdout, '');
    const s = await mmsim('sim', path, '-p', 'lru', '-s', '2', '--skip-bad', '--json');
    assert.equal(s.code, 0);
    assert.equal((JSON.parse(s.stdout) as { requests: number; skipped: number }).requests, 3);
    assert.equal((JSON.parse(s.stdout) as { skipped: number }).skipped, 1);
  });

  it('gives one clear line for an empty trace, a zero size, an unknown policy, a missing file, cut gzip', async () => {
    const empty = tmpFile('empty.txt', '');
    const cut = tmpFile('cut.txt.gz', gzipSync(Buffer.from(Array.from({ length: 20000 }, (_, i) => `${(i * 7919) % 10007}\n`).join(''))).subarray(0, 2000));
    const cases: Array<[string[], string]> = [
      [['sim', empty, '-p', 'lru', '-s', '4'], `mmsim: ${empty}: empty trace (no references)\n`],
      [['sim', empty, '-p', 'lru', '-s', '0'], "mmsim: --size must be a positive integer, got '0'\n"],
      [['sim', empty, '-p', 'nope', '-s', '4'], `mmsim: unknown policy 'nope' (known: ${policyNames().join(', ')})\n`],
      [['sim', '/no/such/trace', '-p', 'lru', '-s', '4'], 'mmsim: /no/such/trace: no such file\n'],
      [['sim', cut, '-p', 'lru', '-s', '4'], `mmsim: ${cut}: corrupt gzip data (unexpected end of file)\n`],
      [['sim', empty, '-p', 'lru', '-s', '4', '--format', 'xml'], "mmsim: --format must be one of lackey, text, ostep, csv, oracle, mmsim, got 'xml'\n"],
    ];
    for (const [args, err] of cases) {
      const r = await mmsim(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr, err);
    }
  });
});
