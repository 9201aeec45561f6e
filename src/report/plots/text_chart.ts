// A miss-ratio chart for the terminal: plain ASCII, one marker character per
// policy, miss ratio 0..1 upwards and cache size to the right on the same
// scale as the SVG plot (linear from 0, or log when the sizes span two
// decades). Between the computed sizes the curve is interpolated linearly,
// column by column; where curves overlap, the first policy's marker shows.
import type { PlotSeries } from './mrc_plot.js';

const MARKERS = ['*', 'o', '+', 'x', '#', '@', '%', '&', '=', '~'];

/** The chart as lines of text ending in a newline; empty string when there are no points. */
export function textChart(series: readonly PlotSeries[], opts: { width?: number; height?: number } = {}): string {
  const W = opts.width ?? 60;
  const H = opts.height ?? 12;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '';
  const lo = Math.min(...all.map((p) => p.size));
  const hi = Math.max(...all.map((p) => p.size));
  const log = lo > 0 && hi / lo >= 100;
  // Column c covers the size at its centre.
  const sizeAt = (c: number): number => (log ? lo * (hi / lo) ** ((c + 0.5) / W) : (hi * (c + 0.5)) / W);
  const grid = Array.from({ length: H }, () => Array<string>(W).fill(' '));
  for (let k = series.length - 1; k >= 0; k--) {
    const pts = series[k]!.points;
    const mark = MARKERS[k % MARKERS.length]!;
    for (let c = 0; c < W; c++) {
      const x = sizeAt(c);
      let ratio: number;
      if (pts.length === 1) {
        if (Math.abs(x - pts[0]!.size) > (log ? x : hi) / W) continue;
        ratio = pts[0]!.missRatio;
      } else {
        if (x < pts[0]!.size || x > pts[pts.length - 1]!.size) continue;
        let j = 1;
        while (pts[j]!.size < x) j++;
        const a = pts[j - 1]!;
        const b = pts[j]!;
        ratio = a.missRatio + ((b.missRatio - a.missRatio) * (x - a.size)) / (b.size - a.size);
      }
      const row = Math.round((1 - Math.min(1, Math.max(0, ratio))) * (H - 1));
      grid[row]![c] = mark;
    }
  }
  const lines = ['miss ratio'];
  for (let r = 0; r < H; r++) {
    const v = 1 - r / (H - 1);
    const label = r === 0 || r === H - 1 || r === Math.round((H - 1) / 2) ? v.toFixed(1) : '';
    lines.push(`${label.padStart(4)} |${grid[r]!.join('').trimEnd()}`);
  }
  lines.push(`     +${'-'.repeat(W)}`);
  const left = log ? String(lo) : '0';
  const mid = log ? 'cache size (pages, log scale)' : 'cache size (pages)';
  const gap = W - left.length - String(hi).length - mid.length;
  const before = Math.max(1, Math.floor(gap / 2));
  lines.push(`      ${left}${' '.repeat(before)}${mid}${' '.repeat(Math.max(1, gap - before))}${hi}`);
  lines.push(`      ${series.map((s, k) => `${MARKERS[k % MARKERS.length]} ${s.policy}`).join('   ')}`);
  return `${lines.join('\n')}\n`;
}
