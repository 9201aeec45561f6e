// Options and outputs shared by `mmsim mrc` and `mmsim sweep`: lists of
// policies and sizes, job counts, and writing plots without ever
// leaving a half-written file (write to a temporary name, then rename).
import { availableParallelism } from 'node:os';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputError } from './errors.js';
import { asInputError } from './trace_input.js';
import { positiveInt } from './commands/sim.js';
import { createPolicy } from '../lab/policies/index.js';
import { mrcSvg, svgToPng, type PlotOptions, type PlotSeries } from '../report/plots/mrc_plot.js';

/** Comma-separated positive integers, sorted and without repeats. Example: "100,20,100" -> [20, 100]. */
export function parseSizeList(raw: string, what: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new InputError(`${what} must be comma-separated positive integers, got '${raw}'`);
  return [...new Set(parts.map((p) => positiveInt(p, what)))].sort((a, b) => a - b);
}

/**
 * Comma-separated policy names (aliases allowed) -> canonical names, in the
 * order given, without repeats. Throws InputError for an unknown name or a
 * parameter a policy does not take.
 */
export function parsePolicyList(raw: string, params: Record<string, string>): string[] {
  const out: string[] = [];
  for (const name of raw.split(',').map((s) => s.trim())) {
    if (name === '') throw new InputError(`--policy must be comma-separated policy names, got '${raw}'`);
    let canonical: string;
    try {
      canonical = createPolicy(name, 1, { params }).name;
    } catch (e) {
      throw asInputError(e);
    }
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

/** --jobs: a positive integer, default the number of cores. */
export function parseJobs(raw: string | undefined): number {
  return raw === undefined ? availableParallelism() : positiveInt(raw, '--jobs');
}

/** The image format a plot path asks for. Throws InputError unless it ends in .svg or .png. */
export function plotFormat(path: string, what = '--plot'): 'svg' | 'png' {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg' || ext === '.png') return ext === '.svg' ? 'svg' : 'png';
  throw new InputError(`${what}: ${path}: the file name must end in .svg or .png`);
}

/** Writes `data` to `path` through a temporary file renamed into place. Throws InputError when the directory is not writable. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw asInputError(e);
  }
}

/** Draws the curves into `path` (.svg or .png). */
export async function writePlot(path: string, series: readonly PlotSeries[], opts: PlotOptions): Promise<void> {
  const svg = mrcSvg(series, opts);
  await writeFileAtomic(path, plotFormat(path) === 'svg' ? svg : svgToPng(svg));
}
