import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { policyCurve } from '../../../src/lab/mrc/policy_curve.js';
import { createPolicy, isOfflinePolicy, needsPageKeys, policyNames } from '../../../src/lab/policies/index.js';
import { replay } from '../../../src/lab/replay.js';
import { openTrace } from '../../../src/workload/trace/open.js';
import { openSink } from '../../../src/workload/trace/sink.js';
import { zipfBatches } from '../../../src/workload/synthetic.js';
import { loadResults } from '../policies/golden_fixture.js';
import { tmpFile } from '../../workload/trace/helpers.js';

// libCacheSim algorithm -> mmsim policy, for the golden counts.
const GOLDEN: Record<string, string> = { FIFO: 'fifo', S3FIFO: 's3fifo', Belady: 'opt' };

describe('lab/mrc/policy_curve', () => {
  it("gives libCacheSim's miss counts at all six sizes from one pass", async () => {
    const path = 'fixtures/libcachesim/shift-2phase-200k.txt.gz';
    const results = loadResults().filter((r) => r.trace === 'shift-2phase-200k');
    for (const [algo, name] of Object.entries(GOLDEN)) {
      const rows = results.filter((r) => r.algo === algo);
      assert.equal(rows.length, 6);
      const c = await policyCurve(await openTrace(path), name, rows.map((r) => r.size));
      assert.equal(c.requests, 200_000);
      assert.deepEqual(c.misses, rows.map((r) => r.misses), algo);
    }
  });

  it('equals one separate replay per size for every policy, from mmsim dense ids', async () => {
    const path = tmpFile('pc.mmsim', '');
    const sink = openSink(path, 'mmsim');
    for (const b of zipfBatches({ alpha: 0.9, pages: 2000, requests: 20_000, seed: 5 })) await sink.write(b);
    await sink.close();
    const sizes = [7, 100, 640];
    for (const name of policyNames()) {
      const c = await policyCurve(await openTrace(path, { pages: needsPageKeys(name) }), name, sizes, { seed: 3 });
      const one = [];
      for (const size of sizes) {
        const r = await replay(await openTrace(path, { pages: needsPageKeys(name) }), createPolicy(name, size, { seed: 3 }), { offline: isOfflinePolicy(name), pageKeys: needsPageKeys(name) });
        one.push(r.misses);
      }
      assert.deepEqual(c.misses, one, name);
    }
  });

  it('refuses a bad size or parameter before reading the trace', async () => {
    const reader = await openTrace('fixtures/libcachesim/shift-2phase-200k.txt.gz');
    await assert.rejects(policyCurve(reader, 'lru', [10, 0]), /cache size/);
    await assert.rejects(policyCurve(reader, 'clock', [10], { params: { bits: '9' } }), /bits/);
  });
});
