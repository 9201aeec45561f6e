import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replay } from '../../src/lab/replay.js';
import { createPolicy, isOfflinePolicy, needsPageKeys, policyNames } from '../../src/lab/policies/index.js';
import { openSink } from '../../src/workload/trace/sink.js';
import { openTrace } from '../../src/workload/trace/open.js';
import { newRefBatch, REF_STORE } from '../../src/workload/trace/ref.js';
import { zipfBatches } from '../../src/workload/synthetic.js';
import { tmpFile } from '../workload/trace/helpers.js';

async function writeTrace(name: string, format: 'text' | 'mmsim' | 'oracle'): Promise<string> {
  const path = tmpFile(name, '');
  const sink = openSink(path, format, { nextUse: false });
  const all: number[] = [];
  for (const b of zipfBatches({ alpha: 0.9, pages: 3000, requests: 30000, seed: 3 })) for (let i = 0; i < b.length; i++) all.push(b.page[i]! * 2 ** 20); // pages above 2^32
  const b = newRefBatch(all.length);
  b.page.set(all);
  b.length = all.length;
  if (format === 'oracle') {
    const { computeNextUse } = await import('../../src/lab/next_use.js');
    await sink.write(b, computeNextUse(b.page, b.length));
  } else await sink.write(b);
  await sink.close();
  return path;
}

describe('lab/replay', () => {
  it('gives every policy the same misses from text page numbers, mmsim dense ids and oracleGeneral', async () => {
    const text = await writeTrace('r.txt', 'text');
    const bin = await writeTrace('r.mmsim', 'mmsim');
    const oracle = await writeTrace('r.oracleGeneral', 'oracle');
    for (const name of policyNames()) {
      const offline = isOfflinePolicy(name);
      const pageKeys = needsPageKeys(name);
      const a = await replay(await openTrace(text), createPolicy(name, 500, { seed: 2 }), { offline, pageKeys });
      const b = await replay(await openTrace(bin, { pages: pageKeys }), createPolicy(name, 500, { seed: 2 }), { offline, pageKeys });
      const c = await replay(await openTrace(oracle, { pages: pageKeys }), createPolicy(name, 500, { seed: 2 }), { offline, pageKeys });
      assert.equal(a.requests, 30000);
      assert.equal(b.misses, a.misses, name);
      assert.equal(c.misses, a.misses, name);
    }
  });

  it('counts writes from lackey kinds', async () => {
    const path = tmpFile('w.lackey', 'I  1000,4\n L 1000,4\n S 2000,8\n M 3000,4\n');
    const r = await replay(await openTrace(path), createPolicy('lru', 2));
    assert.deepEqual(r, { requests: 4, misses: 3, writes: 2 });
    assert.equal(REF_STORE, 2);
  });

  it('refuses OPT on an oracleGeneral trace whose next-use times were never computed', async () => {
    const b = Buffer.alloc(24);
    b.writeBigUInt64LE(5n, 4);
    b.writeUInt32LE(1, 12);
    b.writeBigInt64LE(-2n, 16);
    const path = tmpFile('nc.oracleGeneral', b);
    await assert.rejects(replay(await openTrace(path), createPolicy('opt', 2), { offline: true }), /record 1: next-use time not computed/);
  });
});
