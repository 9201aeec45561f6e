import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runLinear } from '../../../src/lab/ostep/linear.js';
import { compareCase, loadCases, runCase } from './golden_cases.js';

const env = { prog: 'mmsim ostep linear' };

describe('ostep linear (paging-linear-translate.py)', () => {
  for (const set of ['linear.jsonl', 'extra-linear.jsonl']) {
    it(`prints the script's exact bytes for every case in ${set}`, () => {
      const failures = loadCases(set)
        .map((c) => compareCase(c, runCase(c, runLinear), 'paging-linear-translate.py'))
        .filter((f) => f !== null);
      assert.deepEqual(failures, []);
    });
  }

  it('translates by hand-checkable arithmetic: VPN = va >> 12, PA = PFN << 12 | offset', () => {
    // With -u 100 every VPN is valid; read the table, then check each answer.
    const r = runLinear(['-c', '-s', '3', '-u', '100', '-A', '0,4095,4096,12345,16383'], env);
    assert.equal(r.status, 0);
    const table = [...r.stdout.matchAll(/^ {2}0x([0-9a-f]{8})$/gm)].map((m) => parseInt(m[1], 16) & 0x7fffffff);
    assert.equal(table.length, 4);
    for (const va of [0, 4095, 4096, 12345, 16383]) {
      const vpn = Math.floor(va / 4096);
      const pa = table[vpn] * 4096 + (va % 4096);
      const hexPa = pa.toString(16).padStart(8, '0');
      assert.ok(r.stdout.includes(`--> ${hexPa} (decimal ${String(pa).padStart(8, ' ')}) [VPN ${vpn}]`), `va ${va}`);
    }
  });

  it('gives every valid VPN a distinct PFN', () => {
    const r = runLinear(['-c', '-s', '9', '-a', '64k', '-p', '128k', '-P', '1k', '-u', '100'], env);
    const pfns = [...r.stdout.matchAll(/^ {2}0x8([0-9a-f]{7})$/gm)].map((m) => m[1]);
    assert.equal(pfns.length, 64);
    assert.equal(new Set(pfns).size, 64);
  });

  it('keeps the script’s size checks, messages and exit status 1', () => {
    const r = runLinear(['-a', '32k', '-p', '32k'], env);
    assert.equal(r.status, 1);
    assert.ok(r.stdout.endsWith('Error: physical memory size must be GREATER than address space size (for this simulation)\n'));
  });
});
