import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { openOracle, idFromHalves } from '../../../src/workload/trace/oracle.js';
import { openMmsim, COL_KIND, COL_NEXT_USE, COL_OFFSET } from '../../../src/workload/trace/mmsim.js';
import { openSink } from '../../../src/workload/trace/sink.js';
import { openTrace, detectFormat } from '../../../src/workload/trace/open.js';
import { newRefBatch, REF_LOAD, REF_STORE } from '../../../src/workload/trace/ref.js';
import { computeNextUse } from '../../../src/lab/next_use.js';
import { createPolicy } from '../../../src/lab/policies/index.js';
import { replay } from '../../../src/lab/replay.js';
import { collect, tmpFile } from './helpers.js';

/** oracleGeneral records built by hand from the struct layout. */
function oracleBytes(recs: Array<[number, bigint, number, bigint]>): Buffer {
  const b = Buffer.alloc(24 * recs.length);
  recs.forEach(([ts, id, size, next], i) => {
    b.writeUInt32LE(ts, 24 * i);
    b.writeBigUInt64LE(id, 24 * i + 4);
    b.writeUInt32LE(size, 24 * i + 12);
    b.writeBigInt64LE(next, 24 * i + 16);
  });
  return b;
}

describe('workload/trace/oracle', () => {
  it('decodes records: 36-bit ids, -1 and INT64_MAX as never, size-0 records skipped', async () => {
    const path = tmpFile('a.oracleGeneral', oracleBytes([
      [0, 22906492244n, 1, 2n],
      [1, 7n, 1, -1n],
      [2, 22906492244n, 1, 0x7fffffffffffffffn],
      [3, 9n, 0, -1n],
    ]));
    const got = await collect(openOracle(path));
    assert.deepEqual(got.page, [22906492244, 7, 22906492244]);
    assert.deepEqual(got.nextUse, [2, Infinity, Infinity]);
    assert.equal(await detectFormat(path), 'oracle');
  });

  it('folds ids of 2^53 and above to distinct 53-bit keys', () => {
    const a = idFromHalves(5, 0xffffffff);
    const b = idFromHalves(5, 0xfffffffe);
    assert.ok(a < 2 ** 53 && b < 2 ** 53 && a !== b);
    assert.equal(idFromHalves(5, 1), 2 ** 32 + 5);
  });

  it('rejects a file that is not a whole number of records', async () => {
    const path = tmpFile('b.oracleGeneral', Buffer.alloc(30));
    await assert.rejects(collect(openOracle(path)), { message: `${path}: oracleGeneral: truncated record 2 (file size is not a multiple of 24 bytes)` });
  });

  it("gives libCacheSim's Belady count on the 64-bit-id golden trace through oracleGeneral", async () => {
    const text = 'fixtures/libcachesim/mix-scan-loop-rand-200k.txt.gz';
    const out = tmpFile('mix.oracleGeneral', '');
    const sink = openSink(out, 'oracle');
    const all: number[] = [];
    for await (const b of (await openTrace(text)).batches()) for (let i = 0; i < b.length; i++) all.push(b.page[i]!);
    const keys = Float64Array.from(all);
    const nu = computeNextUse(keys);
    const batch = newRefBatch(all.length);
    batch.page.set(keys);
    batch.length = all.length;
    await sink.write(batch, nu);
    await sink.close();
    const golden = readFileSync('fixtures/libcachesim/results.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { trace: string; algo: string; size: number; misses: number })
      .find((r) => r.trace === 'mix-scan-loop-rand-200k' && r.algo === 'Belady' && r.size === 1000)!;
    const r = await replay(await openTrace(out), createPolicy('opt', 1000), { offline: true });
    assert.equal(r.misses, golden.misses);
  });
});

describe('workload/trace/mmsim', () => {
  it('decodes a file built byte by byte from docs/trace-format.md', async () => {
    // 3 records: pages 2^35, 7, 2^35 -> ids 0 1 0, one block, no columns.
    const h = Buffer.alloc(64);
    h.write('MMSIMTRC', 0, 'latin1');
    h.writeUInt16LE(1, 8);
    h.writeUInt16LE(0, 10);
    h.writeUInt32LE(12, 12);
    h.writeBigUInt64LE(3n, 16);
    h.writeBigUInt64LE(2n, 24);
    h.writeUInt32LE(65536, 32);
    const blk = Buffer.alloc(8 + 16 + 16); // n k | 2 pages | 3 ids + pad to 8
    blk.writeUInt32LE(3, 0);
    blk.writeUInt32LE(2, 4);
    blk.writeBigUInt64LE(2n ** 35n, 8);
    blk.writeBigUInt64LE(7n, 16);
    blk.writeUInt32LE(0, 24);
    blk.writeUInt32LE(1, 28);
    blk.writeUInt32LE(0, 32);
    const path = tmpFile('hand.mmsim', Buffer.concat([h, blk]));
    const r = await openMmsim(path, { pages: true });
    assert.equal(r.knownLength, 3);
    const got = await collect(r);
    assert.deepEqual(got.id, [0, 1, 0]);
    assert.deepEqual(got.page, [2 ** 35, 7, 2 ** 35]);
    assert.deepEqual(got.kind, [REF_LOAD, REF_LOAD, REF_LOAD]);
  });

  it('round-trips pages, kinds, offsets, sizes and next uses, across blocks', async () => {
    const recArb = fc.record({
      page: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(2 ** 32, 2 ** 40 + 3, 2 ** 53 / 4096 - 1)),
      off: fc.integer({ min: 0, max: 4095 }),
      kind: fc.integer({ min: 0, max: 3 }),
      size: fc.integer({ min: 0, max: 255 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(recArb, { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 7 }), async (recs, flags) => {
        const path = tmpFile('rt.mmsim', '');
        const b = newRefBatch(recs.length);
        recs.forEach((r, i) => {
          b.page[i] = r.page;
          b.addr[i] = r.page * 4096 + r.off;
          b.kind[i] = r.kind;
          b.size[i] = r.size;
        });
        b.length = recs.length;
        const nu = computeNextUse(b.page, recs.length);
        const { MmsimWriter } = await import('../../../src/workload/trace/mmsim.js');
        const w = new MmsimWriter(path, flags, 16); // tiny blocks: many of them
        await w.write(b, flags & COL_NEXT_USE ? nu : null);
        await w.close();
        const got = await collect(await openMmsim(path, { pages: true }));
        assert.deepEqual(got.page, recs.map((r) => r.page));
        if (flags & COL_KIND) assert.deepEqual(got.kind, recs.map((r) => r.kind));
        if (flags & COL_OFFSET) {
          assert.deepEqual(got.addr, recs.map((r) => r.page * 4096 + r.off));
          assert.deepEqual(got.size, recs.map((r) => r.size));
        }
        if (flags & COL_NEXT_USE) assert.deepEqual(got.nextUse, Array.from(nu));
        // ids are dense, in order of first appearance
        const first = new Map<number, number>();
        recs.forEach((r, i) => {
          if (!first.has(r.page)) first.set(r.page, first.size);
          assert.equal(got.id[i], first.get(r.page));
        });
      }),
      { numRuns: 60 },
    );
  });

  it('refuses truncated files and files whose header disagrees with the blocks', async () => {
    const path = tmpFile('t.mmsim', '');
    const sink = openSink(path, 'mmsim');
    const b = newRefBatch(10);
    for (let i = 0; i < 10; i++) b.page[i] = i % 3;
    b.kind.fill(REF_STORE);
    b.length = 10;
    await sink.write(b);
    await sink.close();
    const whole = readFileSync(path);
    const cut = tmpFile('cut.mmsim', whole.subarray(0, whole.length - 4));
    await assert.rejects(async () => collect(await openMmsim(cut)), { message: `${cut}: mmsim: block 1 (byte 64): truncated block` });
    const lying = Buffer.from(whole);
    lying.writeUInt32LE(11, 16);
    const liar = tmpFile('liar.mmsim', lying);
    await assert.rejects(async () => collect(await openMmsim(liar)), /header says 11 records \/ 3 pages, blocks hold 10 \/ 3/);
    const notMmsim = tmpFile('x.mmsim', 'hello\n');
    await assert.rejects(openMmsim(notMmsim), { message: `${notMmsim}: mmsim: not an mmsim binary trace (bad magic)` });
  });

  it('leaves no output file when a conversion is aborted', async () => {
    const path = tmpFile('aborted.mmsim', '');
    writeFileSync(path, 'old');
    const sink = openSink(path, 'mmsim');
    const b = newRefBatch(4);
    b.length = 4;
    await sink.write(b);
    await sink.abort();
    assert.equal(readFileSync(path, 'utf8'), 'old');
    assert.equal(existsSync(`${path}.tmp-${process.pid}`), false);
  });
});
