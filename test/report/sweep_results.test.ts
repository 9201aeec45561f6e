import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_HEADER, fileHeader, formatRow, parseResults, rowKey, sortRows, type SweepRow } from '../../src/report/sweep_results.js';

const row = (trace: string, policy: string, size: number, misses = 5): SweepRow => ({ trace, policy, size, seed: 1, requests: 10, misses, miss_ratio: misses / 10 });

describe('report/sweep_results', () => {
  it('writes CSV with a header and quotes only the fields that need it', () => {
    assert.equal(fileHeader('csv'), 'trace,policy,size,seed,requests,misses,miss_ratio\n');
    assert.equal(formatRow(row('a.txt', 'lru', 100, 3), 'csv'), 'a.txt,lru,100,1,10,3,0.3\n');
    assert.equal(formatRow(row('x,"y".txt', 'lru', 1), 'csv'), '"x,""y"".txt",lru,1,1,10,5,0.5\n');
    assert.equal(formatRow(row('a.txt', 'lru', 100, 3), 'jsonl'), '{"trace":"a.txt","policy":"lru","size":100,"seed":1,"requests":10,"misses":3,"miss_ratio":0.3}\n');
    assert.equal(fileHeader('jsonl'), '');
  });

  it('reads back what it writes, in both formats', () => {
    const rows = [row('x,"y".txt', 'arc', 7), row('b.txt', 'lru', 100, 0)];
    for (const f of ['csv', 'jsonl'] as const) {
      const text = fileHeader(f) + rows.map((r) => formatRow(r, f)).join('');
      const back = parseResults(text, f, 'r');
      assert.deepEqual(back.rows, rows);
      assert.equal(back.validBytes, Buffer.byteLength(text));
    }
  });

  it('ignores a last line cut by an interruption, and says where it ends', () => {
    const full = `${CSV_HEADER}\n${formatRow(row('a', 'lru', 1), 'csv')}`;
    const r = parseResults(`${full}a,lru,2,1,1`, 'csv', 'r.csv');
    assert.equal(r.rows.length, 1);
    assert.equal(r.validBytes, full.length);
    assert.deepEqual(parseResults('', 'csv', 'r.csv'), { rows: [], validBytes: 0 });
    assert.deepEqual(parseResults('trace,pol', 'csv', 'r.csv'), { rows: [], validBytes: 0 });
  });

  it('names the file and line of anything else', () => {
    assert.throws(() => parseResults('a,b\n', 'csv', 'r.csv'), /^ResultsError: r\.csv:1: not a sweep results file/);
    assert.throws(() => parseResults(`${CSV_HEADER}\na,lru,1,1,10\n`, 'csv', 'r.csv'), /r\.csv:2: expected 7 comma-separated fields/);
    assert.throws(() => parseResults(`${CSV_HEADER}\na,lru,x,1,10,1,0.1\n`, 'csv', 'r.csv'), /r\.csv:2: size must be a number >= 0, got "x"/);
    assert.throws(() => parseResults('{"trace":"a"\n', 'jsonl', 'r.jsonl'), /r\.jsonl:1: not a JSON object/);
    assert.throws(() => parseResults('{"trace":"a","policy":"lru","size":-1,"seed":1,"requests":1,"misses":1,"miss_ratio":1}\n', 'jsonl', 'r.jsonl'), /r\.jsonl:1: size must be a number >= 0, got -1/);
  });

  it('sorts rows by trace and policy as listed, then size; unlisted rows last in file order', () => {
    const rows = [row('b', 'lru', 10), row('x', 'lru', 1), row('a', 'fifo', 5), row('a', 'lru', 10), row('a', 'lru', 2), row('b', 'fifo', 1), row('a', 'mru', 1)];
    const sorted = sortRows(rows, ['a', 'b'], ['lru', 'fifo']).map((r) => `${r.trace} ${r.policy} ${r.size}`);
    assert.deepEqual(sorted, ['a lru 2', 'a lru 10', 'a fifo 5', 'b lru 10', 'b fifo 1', 'x lru 1', 'a mru 1']);
  });

  it('keys a row by trace, policy, size and seed only', () => {
    assert.equal(rowKey(row('a', 'lru', 1, 3)), rowKey(row('a', 'lru', 1, 4)));
    assert.notEqual(rowKey(row('a', 'lru', 1)), rowKey({ ...row('a', 'lru', 1), seed: 2 }));
  });
});
