import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runPolicy } from '../../../src/lab/ostep/policy.js';
import { compareCase, loadCases, runCase } from './golden_cases.js';

const env = { prog: 'mmsim ostep policy' };
const finalStats = (argv: string[]): string => {
  const r = runPolicy(argv, env);
  assert.equal(r.status, 0, r.error);
  return r.stdout.split('\n').find((line) => line.startsWith('FINALSTATS')) ?? '';
};
const SILBERSCHATZ = '7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1';
const BELADY = '1,2,3,4,1,2,5,1,2,3,4,5';

describe('ostep policy (paging-policy.py)', () => {
  for (const set of ['policy.jsonl', 'extra-policy.jsonl']) {
    it(`prints the script's exact bytes for every case in ${set}`, () => {
      const failures = loadCases(set)
        .map((c) => compareCase(c, runCase(c, runPolicy), 'paging-policy.py'))
        .filter((f) => f !== null);
      assert.deepEqual(failures, []);
    });
  }

  it("shows Belady's anomaly under FIFO: 9 faults with 3 frames, 10 with 4", () => {
    assert.match(finalStats(['-c', '-p', 'FIFO', '-C', '3', '-a', BELADY]), /misses 9 /);
    assert.match(finalStats(['-c', '-p', 'FIFO', '-C', '4', '-a', BELADY]), /misses 10 /);
  });

  it('gives the textbook fault counts on the Silberschatz string with 3 frames', () => {
    // Operating System Concepts, ch. 10: FIFO 15, OPT 9, LRU 12 page faults.
    assert.match(finalStats(['-c', '-p', 'FIFO', '-C', '3', '-a', SILBERSCHATZ]), /hits 5 {3}misses 15 /);
    assert.match(finalStats(['-c', '-p', 'OPT', '-C', '3', '-a', SILBERSCHATZ]), /hits 11 {3}misses 9 /);
    assert.match(finalStats(['-c', '-p', 'LRU', '-C', '3', '-a', SILBERSCHATZ]), /hits 8 {3}misses 12 /);
  });

  it('never does better than OPT nor worse than UNOPT on generated strings', () => {
    for (let seed = 0; seed < 20; seed++) {
      const base = ['-c', '-N', '-s', String(seed), '-n', '60', '-m', '12', '-C', '4'];
      const misses = (p: string) => Number(/misses (\d+)/.exec(finalStats([...base, '-p', p]))![1]);
      const opt = misses('OPT');
      const unopt = misses('UNOPT');
      for (const p of ['FIFO', 'LRU', 'MRU', 'RAND', 'CLOCK']) {
        assert.ok(misses(p) >= opt, `${p} seed ${seed}`);
        assert.ok(misses(p) <= unopt, `${p} seed ${seed}`);
      }
    }
  });

  it('pads the memory list to 12 columns and prints a -1 victim as "-", as the script does', () => {
    const r = runPolicy(['-c', '-p', 'FIFO', '-C', '1', '-a', '-1,5'], env);
    assert.ok(r.stdout.includes('Access: -1  MISS FirstIn ->         [-1] <- Lastin  Replaced:- [Hits:0 Misses:1]\n'));
    assert.ok(r.stdout.includes('Access: 5  MISS FirstIn ->          [5] <- Lastin  Replaced:- [Hits:0 Misses:2]\n'));
  });

  it('treats equal ints as one page however they are written', () => {
    assert.match(finalStats(['-c', '-p', 'LRU', '-C', '1', '-a', '7, 7,+7,007,7_0']), /hits 3 {3}misses 2 /);
  });

  it('reports a missing -f file as bad input after the ARG lines', () => {
    const missing = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const r = runPolicy(['-c', '-f', 'no/such/file'], {
      ...env,
      readFile: () => {
        throw missing;
      },
    });
    assert.equal(r.status, 2);
    assert.equal(r.error, "FileNotFoundError: [Errno 2] No such file or directory: 'no/such/file'");
    assert.ok(r.stdout.startsWith('ARG addresses -1\nARG addressfile no/such/file\n'));
  });

  it('names the file and line of a bad -f entry', () => {
    const r = runPolicy(['-c', '-f', 'refs'], { ...env, readFile: () => '1\n2\nseven\n' });
    assert.equal(r.status, 2);
    assert.equal(r.error, "ValueError: refs:3: invalid literal for int() with base 10: 'seven\\n'");
  });

  it('exits 1 with the script’s message for an unknown policy', () => {
    const r = runPolicy(['-c', '-p', 'ARC'], env);
    assert.equal(r.status, 1);
    assert.ok(r.stdout.endsWith('Solving...\n\nPolicy ARC is not yet implemented\n'));
  });
});
