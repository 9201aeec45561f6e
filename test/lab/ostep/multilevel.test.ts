import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runMultilevel } from '../../../src/lab/ostep/multilevel.js';
import { compareCase, loadCases, runCase } from './golden_cases.js';

const env = { prog: 'mmsim ostep multilevel' };

describe('ostep multilevel (paging-multilevel-translate.py)', () => {
  for (const set of ['multilevel.jsonl', 'extra-multilevel.jsonl']) {
    it(`prints the script's exact bytes for every case in ${set}`, () => {
      const failures = loadCases(set)
        .map((c) => compareCase(c, runCase(c, runMultilevel), 'paging-multilevel-translate.py'))
        .filter((f) => f !== null);
      assert.deepEqual(failures, []);
    });
  }

  it('answers agree with a walk done by hand over the printed memory dump', () => {
    const r = runMultilevel(['-c', '-s', '17', '-n', '30'], env);
    const mem: number[] = [];
    for (const m of r.stdout.matchAll(/^page +\d+:([0-9a-f]{64})$/gm)) {
      for (let j = 0; j < 64; j += 2) mem.push(parseInt(m[1].slice(j, j + 2), 16));
    }
    assert.equal(mem.length, 4096);
    const pdbr = Number(/PDBR: (\d+)/.exec(r.stdout)![1]);
    const blocks = r.stdout.split('Virtual Address 0x').slice(1);
    assert.equal(blocks.length, 30);
    for (const block of blocks) {
      const va = parseInt(block.slice(0, 4), 16);
      // 15-bit VA: PDE index (5) | PTE index (5) | offset (5); entries: valid bit 7, PFN bits 6..0.
      const pde = mem[pdbr * 32 + (va >> 10)];
      if ((pde & 0x80) === 0) {
        assert.ok(block.includes('Fault (page directory entry not valid)'));
        continue;
      }
      const pte = mem[(pde & 0x7f) * 32 + ((va >> 5) & 0x1f)];
      if ((pte & 0x80) === 0) {
        assert.ok(block.includes('Fault (page table entry not valid)'));
        continue;
      }
      const pa = (pte & 0x7f) * 32 + (va & 0x1f);
      const value = mem[pa].toString(16).padStart(2, '0');
      assert.ok(block.includes(`Physical Address 0x${pa.toString(16).padStart(3, '0')} --> Value: 0x${value}`), block);
    }
  });
});
