// One policy measurement in a fresh isolate (so the replay loop's call site
// sees one policy class only): replays the shared key array twice with fresh
// policies and reports the faster run, the misses, the bytes of typed arrays
// the policy holds per resident page, and heap bytes allocated per access in
// steady state.
import { parentPort, workerData } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { advancedPolicies } from '../src/lab/policies/advanced.js';

interface Job {
  name: string;
  size: number;
  keys: SharedArrayBuffer;
}

const { name, size, keys: sab } = workerData as Job;
const keys = new Float64Array(sab);
const n = keys.length;
// Workers cannot take --expose-gc; turn it on here and fetch gc() from a new context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

function replay(): { ms: number; misses: number; bytesPerPage: number; heapPerAccess: number } {
  gc?.();
  const ab0 = process.memoryUsage().arrayBuffers;
  const p = advancedPolicies[name](size, { seed: 1, params: {} });
  const bytes = process.memoryUsage().arrayBuffers - ab0;
  let misses = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) if (!p.access(keys[i], false, i, Infinity)) misses++;
  const ms = performance.now() - t0;
  // Steady-state allocation: replay a window again on the warm policy.
  const w = Math.min(n, 200_000);
  gc?.();
  const h0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < w; i++) if (!p.access(keys[i], false, n + i, Infinity)) misses += 0;
  const h1 = process.memoryUsage().heapUsed;
  return { ms, misses, bytesPerPage: bytes / size, heapPerAccess: Math.max(0, h1 - h0) / w };
}

const a = replay();
const b = replay();
parentPort!.postMessage(b.ms < a.ms ? b : a);
