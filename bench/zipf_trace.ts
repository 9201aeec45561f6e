// The trace-lab benchmark trace: 10 M Zipf(1.0) references over 1 M pages from
// the committed seeded generator (`mmsim trace gen zipf --alpha 1.0 --pages
// 1000000 --requests 10000000 --seed 1`), generated once and cached under
// .cache/trace_lab/ as text and in mmsim's binary format.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipfBatches } from '../src/workload/synthetic.js';
import { openSink } from '../src/workload/trace/sink.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'trace_lab');
export const ZIPF = { alpha: 1.0, pages: 1_000_000, requests: 10_000_000, seed: 1 };
export const ZIPF_FILES: Array<['mmsim' | 'text', string]> = [
  ['mmsim', join(CACHE, 'zipf1.0-1m-10m.mmsim')],
  ['text', join(CACHE, 'zipf1.0-1m-10m.txt')],
];

/** Generates the cached traces that are missing. */
export async function ensureZipfTraces(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  for (const [format, path] of ZIPF_FILES) {
    if (existsSync(path)) continue;
    process.stdout.write(`generating ${path}\n`);
    const sink = openSink(path, format);
    for (const b of zipfBatches(ZIPF)) await sink.write(b);
    await sink.close();
  }
}
