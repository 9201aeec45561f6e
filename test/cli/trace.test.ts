import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { mmsim } from './helpers.js';
import { tmpFile } from '../workload/trace/helpers.js';

describe('cli/trace', () => {
  it('gen zipf writes the same bytes for the same seed', async () => {
    const a = tmpFile('z1.txt', '');
    const b = tmpFile('z2.txt', '');
    assert.equal((await mmsim('trace', 'gen', 'zipf', '--alpha', '0.9', '--pages', '500', '--requests', '3000', '--seed', '4', '-o', a)).code, 0);
    assert.equal((await mmsim('trace', 'gen', 'zipf', '--alpha', '0.9', '--pages', '500', '--requests', '3000', '--seed', '4', '-o', b)).code, 0);
    assert.equal(readFileSync(a, 'utf8').split('\n').length, 3001);
    assert.deepEqual(readFileSync(a), readFileSync(b));
  });

  it('converts text -> mmsim.gz -> text without changing a byte, and stats reads the binary', async () => {
    const src = 'fixtures/libcachesim/mix-scan-loop-rand-200k.txt.gz';
    const bin = tmpFile('mix.mmsim.gz', '');
    const back = tmpFile('mix.txt', '');
    assert.equal((await mmsim('trace', 'convert', src, bin, '-q')).code, 0);
    assert.equal((await mmsim('trace', 'convert', bin, back, '-q')).code, 0);
    assert.deepEqual(readFileSync(back), gunzipSync(readFileSync(src)));
    const st = await mmsim('trace', 'stats', bin, '--json');
    assert.equal(st.code, 0, st.stderr);
    const s = JSON.parse(st.stdout) as { requests: number; footprint: number; cold: number; max_page: number };
    assert.equal(s.requests, 200000);
    assert.equal(s.footprint, 45412); // the fixture README's distinct-id count
    assert.equal(s.cold, 45412);
    assert.ok(s.max_page > 2 ** 32);
  });

  it('leaves no output behind when the input is bad', async () => {
    const bad = tmpFile('bad.txt', '1\n2\n-3\n');
    const outPath = tmpFile('placeholder', '').replace(/placeholder$/, 'never-written.mmsim');
    const r = await mmsim('trace', 'convert', bad, outPath);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `mmsim: ${bad}:3: text: expected a decimal or 0x-hex number, found '-'\n`);
    assert.equal(existsSync(outPath), false);
  });

  it('needs a known output format', async () => {
    const r = await mmsim('trace', 'convert', 'fixtures/libcachesim/shift-2phase-200k.txt.gz', '/tmp/x.dat');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mmsim: \/tmp\/x\.dat: cannot tell the output format from the name; use --to/);
  });
});
