import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openOstep } from '../../../src/workload/trace/ostep.js';
import { openCsv } from '../../../src/workload/trace/csv.js';
import { collect, tmpFile } from './helpers.js';

describe('workload/trace/ostep', () => {
  it("reads paging-policy.py's comma lists over several lines", async () => {
    const path = tmpFile('l.ostep', '0,1,2,0,1,3,\n0, 3 ,1\n2,1\n');
    assert.deepEqual((await collect(openOstep(path))).page, [0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1]);
  });

  it('reports the line of a bad token', async () => {
    const path = tmpFile('bad.ostep', '1,2\n3,x,4\n');
    await assert.rejects(collect(openOstep(path)), { message: `${path}:2: ostep: expected a number or ',', found 'x'` });
  });
});

describe('workload/trace/csv', () => {
  const body = 'time,addr,op\n1,0x1000,R\n2,"8192",W\n3,4096,R\n';

  it('reads a named column after the header', async () => {
    const path = tmpFile('t.csv', body);
    const got = await collect(openCsv(path, { column: 'addr', unit: 'byte' }));
    assert.deepEqual(got.page, [1, 2, 1]);
  });

  it('reads a numbered column and detects the header row', async () => {
    const path = tmpFile('t2.csv', body);
    assert.deepEqual((await collect(openCsv(path, { column: '1' }))).page, [1, 2, 3]);
    const noHeader = tmpFile('t3.csv', '5,6\n7,8\n');
    assert.deepEqual((await collect(openCsv(noHeader, { column: '2' }))).page, [6, 8]);
  });

  it('names a missing column, an unknown header name and a non-number', async () => {
    const path = tmpFile('t4.csv', '1,2\n3\n');
    await assert.rejects(collect(openCsv(path, { column: '2' })), { message: `${path}:2: csv: row has no column 2` });
    const named = tmpFile('t5.csv', body);
    await assert.rejects(collect(openCsv(named, { column: 'page' })), { message: `${named}:1: csv: no column named 'page' in the header (time, addr, op)` });
    await assert.rejects(collect(openCsv(named, { column: '3', header: true })), { message: `${named}:2: csv: column 3 is not a decimal or 0x-hex number (found 'R')` });
  });
});
