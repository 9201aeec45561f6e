import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openText, TextParser } from '../../../src/workload/trace/text.js';
import { lineBatches } from '../../../src/workload/trace/lines.js';
import { newRefBatch, REF_LOAD } from '../../../src/workload/trace/ref.js';
import { collect, tmpFile } from './helpers.js';

async function* inPieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

// Naive model: split lines, trim, skip blank and '#', Number() parses both decimal and 0x.
function naive(text: string): number[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => Number(l));
}

describe('workload/trace/text', () => {
  it('reads decimal and 0x-hex page numbers, with blanks, comments, spaces and CRLF', async () => {
    const path = tmpFile('a.txt', '# pages\n1\n  0x10 \r\n\n007\n9007199254740991\n4294967296\n0\n');
    const got = await collect(openText(path));
    assert.deepEqual(got.page, [1, 16, 7, 2 ** 53 - 1, 2 ** 32, 0]);
    assert.deepEqual(got.addr.slice(0, 3), [4096, 65536, 28672]);
  });

  it('reads byte addresses with unit byte', async () => {
    const path = tmpFile('b.txt', '4095\n4096\n0x1fff000688\n');
    const got = await collect(openText(path, { unit: 'byte' }));
    assert.deepEqual(got.page, [0, 1, 33550336]);
    assert.deepEqual(got.addr, [4095, 4096, 0x1fff000688]);
  });

  it('agrees with a naive line splitter on random files, at any chunk size', async () => {
    const lineArb = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 53 - 1 }).map(String),
      fc.integer({ min: 0, max: 2 ** 40 }).map((v) => `0x${v.toString(16)}`),
      fc.integer({ min: 0, max: 999 }).map((v) => ` ${v}\t`),
      fc.constantFrom('', '# c', '00012'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { maxLength: 50 }), fc.integer({ min: 1, max: 40 }), async (lines, chunk) => {
        const text = lines.join('\n') + '\n';
        const p = new TextParser('x');
        const out: number[] = [];
        for await (const b of lineBatches(inPieces(Buffer.from(text), chunk), p, newRefBatch(3))) for (let i = 0; i < b.length; i++) out.push(b.page[i]!);
        assert.deepEqual(out, naive(text));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with the naive splitter on short numbers (the 4-bytes-at-a-time path), near chunk ends too', async () => {
    const lineArb = fc.oneof(
      fc.integer({ min: 0, max: 99_999_999 }).map(String),
      fc.integer({ min: 1, max: 9999 }).map((v) => `${v} `),
      fc.constantFrom('7', '10', '0', '9999999', '10000000', '5:', '8/'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { maxLength: 80 }), fc.integer({ min: 1, max: 300 }), async (lines, chunk) => {
        const text = lines.join('\n') + '\n';
        const p = new TextParser('x', 'page', true);
        const out: number[] = [];
        for await (const b of lineBatches(inPieces(Buffer.from(text), chunk), p, newRefBatch(5))) for (let i = 0; i < b.length; i++) out.push(b.page[i]!);
        const good = lines.filter((l) => /^\d+ ?$/.test(l));
        assert.deepEqual(out, good.map(Number));
        assert.equal(p.skipped, lines.length - good.length);
      }),
      { numRuns: 300 },
    );
  });

  it('marks every reference as a load', async () => {
    const path = tmpFile('kinds.txt', Array.from({ length: 20000 }, (_, i) => String(i)).join('\n'));
    for await (const b of openText(path).batches()) for (let i = 0; i < b.length; i++) assert.equal(b.kind[i], REF_LOAD);
  });

  it('names the line and the problem', async () => {
    for (const [body, msg] of [
      ['1\n2\nx\n', '3: text: expected a decimal or 0x-hex number, found \'x\''],
      ['1\n12a\n', "2: text: unexpected 'a' after the number"],
      ['0x\n', '1: text: 0x without hex digits'],
      ['9007199254740993\n', '1: text: number above 2^53'],
      ['1,2\n', "1: text: unexpected ',' after the number"],
    ] as const) {
      const path = tmpFile('bad.txt', body);
      await assert.rejects(collect(openText(path)), { message: `${path}:${msg}` });
    }
  });

  it('skips and counts bad lines with skipBad', async () => {
    const path = tmpFile('skip.txt', '1\nzz\n2\n3q\n4');
    const r = openText(path, { skipBad: true });
    assert.deepEqual((await collect(r)).page, [1, 2, 4]);
    assert.equal(r.badRecords, 2);
  });
});
