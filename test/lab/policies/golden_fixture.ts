// Loads the libCacheSim golden set committed in fixtures/libcachesim: the three
// gzip text traces (one decimal id per line) and results.jsonl.
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/libcachesim');

export interface GoldenRecord {
  trace: string;
  algo: string;
  size: number;
  requests: number;
  misses: number;
  misses_min?: number;
  misses_max?: number;
}

export const TRACE_NAMES = ['zipf-a0.8-n20k-200k', 'mix-scan-loop-rand-200k', 'shift-2phase-200k'];

const cache = new Map<string, Float64Array>();

/** The ids of a golden trace, parsed once per process. */
export function loadTrace(name: string): Float64Array {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const text = gunzipSync(readFileSync(join(dir, `${name}.txt.gz`))).toString('latin1');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const ids = new Float64Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const v = Number(lines[i]);
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name}:${i + 1}: bad id "${lines[i]}"`);
    ids[i] = v;
  }
  cache.set(name, ids);
  return ids;
}

export function loadResults(): GoldenRecord[] {
  return readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as GoldenRecord);
}

/** Replays `ids` through `access` and returns the miss count. */
export function countMisses(ids: Float64Array, access: (key: number, time: number) => boolean): number {
  let misses = 0;
  for (let t = 0; t < ids.length; t++) if (!access(ids[t], t)) misses++;
  return misses;
}
