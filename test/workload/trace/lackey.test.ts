import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { openLackey, LackeyParser } from '../../../src/workload/trace/lackey.js';
import { lineBatches } from '../../../src/workload/trace/lines.js';
import { newRefBatch, REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE } from '../../../src/workload/trace/ref.js';
import { TraceError } from '../../../src/workload/trace/errors.js';
import { collect, tmpFile } from './helpers.js';

const FIXTURE = 'fixtures/lackey/true-20k.lackey.gz';

// The naive model: a regex per line, which the byte parser must agree with.
function naive(text: string): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const kinds: Record<string, number> = { I: REF_INSTR, L: REF_LOAD, S: REF_STORE, M: REF_MODIFY };
  for (const line of text.split('\n')) {
    const m = /^ ?([ILSM]) +([0-9a-fA-F]+),(\d+)\s*$/.exec(line);
    if (m) out.push([kinds[m[1]!]!, parseInt(m[2]!, 16), Number(m[3])]);
  }
  return out;
}

async function* inPieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('workload/trace/lackey', () => {
  it('reads a real valgrind trace exactly as a regex model does, banner skipped', async () => {
    const text = gunzipSync(readFileSync(FIXTURE)).toString('latin1');
    const want = naive(text);
    assert.ok(want.length > 19000);
    const got = await collect(openLackey(FIXTURE));
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) {
      const [k, a, s] = want[i]!;
      if (got.kind[i] !== k || got.addr[i] !== a || got.size[i] !== s) assert.fail(`record ${i}: ${got.kind[i]} ${got.addr[i]} ${got.size[i]} vs ${k} ${a} ${s}`);
      assert.equal(got.page[i], Math.floor(a / 4096));
    }
  });

  it('gives the same records whatever the chunk boundaries', async () => {
    const text = Buffer.from('==1== hello\nI  0400d7d4,8\n L 1fff000688,4\n S 7ff000398,8\n M 0421fc28,16\nI  0,1');
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const p = new LackeyParser('x');
      const batch = newRefBatch(2);
      const addrs: number[] = [];
      for await (const b of lineBatches(inPieces(text, size), p, batch)) for (let i = 0; i < b.length; i++) addrs.push(b.addr[i]!);
      assert.deepEqual(addrs, [0x0400d7d4, 0x1fff000688, 0x7ff000398, 0x0421fc28, 0]);
    }
  });

  it('keeps 36-bit page numbers exact (no 32-bit truncation)', async () => {
    const path = tmpFile('big.lackey', ' L 7fffffffffff,8\n');
    const got = await collect(openLackey(path));
    assert.equal(got.page[0], 2 ** 35 - 1);
  });

  it('names file, line and field on a malformed line', async () => {
    const path = tmpFile('bad.lackey', 'I  0400d7d4,8\n L 0400d7d4;8\n');
    await assert.rejects(collect(openLackey(path)), (e: unknown) => {
      assert.ok(e instanceof TraceError);
      assert.equal(e.message, `${path}:2: lackey: expected ',' after the address, found ';'`);
      return true;
    });
    for (const [line, msg] of [
      [' X 10,4', "expected I, L, S, M or ==, found 'X'"],
      [' L ,4', 'missing hex address'],
      [' L 10,', 'missing decimal size'],
      [' L 10,4 z', "unexpected 'z' after the size"],
      [' L 10,300', 'size above 255'],
      [' L 1000000000000000,4', 'address above 2^53'],
    ] as const) {
      const p = tmpFile('bad2.lackey', `${line}\n`);
      await assert.rejects(collect(openLackey(p)), { message: `${p}:1: lackey: ${msg}` });
    }
  });

  it('counts and skips malformed lines with skipBad', async () => {
    const path = tmpFile('skip.lackey', 'I  10,4\ngarbage\n L 20,4\n S zz,4\n');
    const r = openLackey(path, { skipBad: true });
    const got = await collect(r);
    assert.deepEqual(Array.from(got.addr), [0x10, 0x20]);
    assert.equal(r.badRecords, 2);
  });
});
