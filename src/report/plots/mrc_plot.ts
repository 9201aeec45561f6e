// Miss-ratio curves as images: miss ratio against cache size, one line per
// policy, drawn with Observable Plot on linkedom's DOM (no browser) to SVG,
// and rasterised to PNG with resvg. Axes are honest: the miss ratio runs
// from 0 to 1 and the size axis from 0 (a log axis, labelled so, when the
// sizes span two decades or more). The same input gives the same bytes: no
// clock, no random ids, fonts from the system's DejaVu Sans.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { Resvg } from '@resvg/resvg-js';

/** One policy's curve: miss ratio at each cache size, sizes ascending. */
export interface PlotSeries {
  policy: string;
  points: Array<{ size: number; missRatio: number }>;
}

export interface PlotOptions {
  /** Title, e.g. the trace's name. */
  title: string;
  /** One line under the title saying how the curves were obtained. */
  note?: string;
  width?: number;
  height?: number;
}

// Observable's categorical palette (colour-blind friendly, ten colours).
const PALETTE = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'];
const FONT = 'DejaVu Sans, sans-serif';

/** The colour of the i-th series. */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/**
 * The curves as a standalone SVG document (a string starting with `<svg`,
 * with its xmlns). Throws RangeError when there is nothing to draw.
 */
export function mrcSvg(series: readonly PlotSeries[], opts: PlotOptions): string {
  const data = series.flatMap((s) => s.points.map((p) => ({ policy: s.policy, size: p.size, missRatio: p.missRatio })));
  if (data.length === 0) throw new RangeError('plot: no points');
  const sizes = data.map((d) => d.size);
  const lo = Math.min(...sizes);
  const hi = Math.max(...sizes);
  const log = lo > 0 && hi / lo >= 100;
  const names = series.map((s) => s.policy);
  const colors = names.map((_, i) => seriesColor(i));
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const legendWidth = 16 + 7 * Math.max(...names.map((n) => n.length));
  const svg = Plot.plot({
    document,
    width: opts.width ?? 720,
    height: opts.height ?? 440,
    marginTop: 64,
    marginRight: Math.max(40, legendWidth + 24),
    marginBottom: 44,
    marginLeft: 56,
    style: { fontFamily: FONT, fontSize: '12px', background: 'white' },
    x: log
      ? { type: 'log', label: 'cache size (pages, log scale)', labelAnchor: 'center', labelArrow: 'none', grid: true }
      : { domain: [0, hi], label: 'cache size (pages)', labelAnchor: 'center', labelArrow: 'none', grid: true, nice: true },
    y: { domain: [0, 1], label: 'miss ratio', labelAnchor: 'center', labelArrow: 'none', grid: true },
    color: { domain: names, range: colors },
    marks: [
      Plot.frame({ strokeOpacity: 0.3 }),
      Plot.line(data, { x: 'size', y: 'missRatio', stroke: 'policy', strokeWidth: 1.6 }),
      Plot.dot(data, { x: 'size', y: 'missRatio', fill: 'policy', r: 2.2 }),
      Plot.text([opts.title], { frameAnchor: 'top-left', dy: -46, textAnchor: 'start', fontSize: 15, fontWeight: 'bold' }),
      ...(opts.note ? [Plot.text([opts.note], { frameAnchor: 'top-left', dy: -27, textAnchor: 'start', fontSize: 11, fill: '#555' })] : []),
      ...names.map((n, i) => Plot.text([`\u2014 ${n}`], { frameAnchor: 'top-right', dx: 10, dy: 8 + 16 * i, textAnchor: 'start', fontSize: 12, fill: colors[i] })),
    ],
  }) as unknown as { setAttribute(k: string, v: string): void; outerHTML: string };
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  svg.setAttribute('font-family', FONT);
  return `${svg.outerHTML}\n`;
}

/** The SVG rasterised to PNG bytes (white background, system fonts). */
export function svgToPng(svg: string): Buffer {
  const r = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return r.render().asPng();
}
