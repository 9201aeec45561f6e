// Exact miss counts against libCacheSim's cachesim (fixtures/libcachesim):
// every (trace, size) for the policies both simulators define.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openText } from '../../src/workload/trace/text.js';
import { createPolicy } from '../../src/lab/policies/index.js';
import { computeNextUse } from '../../src/lab/next_use.js';

interface GoldenRecord {
  trace: string;
  algo: string;
  size: number;
  requests: number;
  misses: number;
}

const DIR = 'fixtures/libcachesim';
const records = readFileSync(`${DIR}/results.jsonl`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as GoldenRecord);

// libCacheSim algorithm -> mmsim policy and parameters.
const MMSIM: Record<string, [string, Record<string, string>]> = {
  LRU: ['lru', {}],
  FIFO: ['fifo', {}],
  Clock: ['clock', {}],
  'Clock-2bit': ['clock', { 'n-bit-counter': '2' }],
  LFU: ['lfu', {}],
  Belady: ['opt', {}],
};

async function loadKeys(trace: string): Promise<Float64Array> {
  const keys: number[] = [];
  for await (const b of openText(`${DIR}/${trace}.txt.gz`).batches()) for (let i = 0; i < b.length; i++) keys.push(b.page[i]!);
  return Float64Array.from(keys);
}

describe('golden: libCacheSim miss counts', () => {
  for (const trace of ['zipf-a0.8-n20k-200k', 'mix-scan-loop-rand-200k', 'shift-2phase-200k']) {
    it(`matches on ${trace} for ${Object.keys(MMSIM).join(', ')} at six sizes`, async () => {
      const keys = await loadKeys(trace);
      const nextUse = computeNextUse(keys);
      const mine = records.filter((r) => r.trace === trace && MMSIM[r.algo]);
      assert.equal(mine.length, 36);
      for (const r of mine) {
        assert.equal(keys.length, r.requests);
        const [name, params] = MMSIM[r.algo]!;
        const p = createPolicy(name, r.size, { params });
        let misses = 0;
        for (let i = 0; i < keys.length; i++) if (!p.access(keys[i]!, false, i, nextUse[i]!)) misses++;
        assert.equal(misses, r.misses, `${r.algo} size ${r.size}`);
      }
    });
  }
});
