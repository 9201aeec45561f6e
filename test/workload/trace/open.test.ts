import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { detectFormat, formatFromName } from '../../../src/workload/trace/open.js';
import { tmpFile } from './helpers.js';

describe('workload/trace/open', () => {
  it('detects each format from content or name, through gzip', async () => {
    const cases: Array<[string, string | Buffer, string]> = [
      ['a.out', '==123== Lackey\nI  0400d7d4,8\n', 'lackey'],
      ['b.out', ' L 7ff000398,8\n', 'lackey'],
      ['c.out', '12\n0x1f\n', 'text'],
      ['d.out', '0,1,2,0,1,3\n', 'ostep'],
      ['e.csv', 'time,addr\n1,2\n', 'csv'],
      ['f.oracleGeneral', Buffer.alloc(48), 'oracle'],
      ['g.bin', Buffer.from([1, 0, 0, 0, 7, 0]), 'oracle'],
      ['h.txt.gz', gzipSync('5\n6\n'), 'text'],
      ['i.lackey.gz', gzipSync('I  10,4\n'), 'lackey'],
      ['j.gz', gzipSync('MMSIMTRC'), 'mmsim'],
    ];
    for (const [name, body, want] of cases) assert.equal(await detectFormat(tmpFile(name, body)), want, name);
  });

  it('says to use --format when it cannot tell', async () => {
    const path = tmpFile('x.dat', 'hello world\n');
    await assert.rejects(detectFormat(path), /cannot tell the trace format .* use --format lackey\|text\|ostep\|csv\|oracle\|mmsim/);
  });

  it('maps output names to formats', () => {
    assert.equal(formatFromName('/a/b/x.mmsim.gz'), 'mmsim');
    assert.equal(formatFromName('trace.oracleGeneral.bin'), 'oracle');
    assert.equal(formatFromName('t.TXT'), 'text');
    assert.equal(formatFromName('t.dat'), null);
  });
});
