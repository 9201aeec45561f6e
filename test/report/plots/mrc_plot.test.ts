import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mrcSvg, seriesColor, svgToPng } from '../../../src/report/plots/mrc_plot.js';

const SERIES = [
  { policy: 'lru', points: [1000, 2000, 4000, 8000].map((size, i) => ({ size, missRatio: 0.8 - 0.15 * i })) },
  { policy: 's3fifo', points: [1000, 2000, 4000, 8000].map((size, i) => ({ size, missRatio: 0.7 - 0.15 * i })) },
];
const OPTS = { title: 'Miss-ratio curve: zipf.txt', note: '200000 requests; lru exact' };

describe('report/plots/mrc_plot', () => {
  it('makes a standalone SVG: xmlns on the root, labelled axes from 0, one line and legend entry per policy', () => {
    const svg = mrcSvg(SERIES, OPTS);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, />miss ratio</);
    assert.match(svg, />cache size \(pages\)</);
    assert.match(svg, />Miss-ratio curve: zipf\.txt</);
    // Both axes start at 0 and the ratio axis ends at 1.
    assert.match(svg, /aria-label="y-axis tick label"[^]*>0\.0<[^]*>1\.0</);
    assert.match(svg, /aria-label="x-axis tick label"[^]*>0</);
    const lines = svg.match(/aria-label="line"[^]*?<\/g>/)![0];
    assert.equal(lines.match(/<path /g)!.length, 2);
    assert.ok(lines.includes(`stroke="${seriesColor(0)}"`) && lines.includes(`stroke="${seriesColor(1)}"`));
    assert.match(svg, /\u2014 lru/);
    assert.match(svg, /\u2014 s3fifo/);
  });

  it('switches to a log size axis, and says so, when sizes span two decades', () => {
    const svg = mrcSvg([{ policy: 'lru', points: [{ size: 10, missRatio: 0.9 }, { size: 100_000, missRatio: 0.1 }] }], OPTS);
    assert.match(svg, />cache size \(pages, log scale\)</);
  });

  it('gives the same SVG and PNG bytes for the same input, in this process and in another', () => {
    const a = mrcSvg(SERIES, OPTS);
    assert.equal(mrcSvg(SERIES, OPTS), a);
    const png = svgToPng(a);
    assert.deepEqual(svgToPng(a), png);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 720); // IHDR width, height
    assert.equal(png.readUInt32BE(20), 440);
    const code = `import { mrcSvg, svgToPng } from './src/report/plots/mrc_plot.ts';
      const svg = mrcSvg(${JSON.stringify(SERIES)}, ${JSON.stringify(OPTS)});
      process.stdout.write(JSON.stringify({ svg, png: svgToPng(svg).toString('base64') }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const other = JSON.parse(r.stdout) as { svg: string; png: string };
    assert.equal(other.svg, a);
    assert.equal(other.png, png.toString('base64'));
  });

  it('refuses to draw nothing', () => {
    assert.throws(() => mrcSvg([], OPTS), RangeError);
  });
});
