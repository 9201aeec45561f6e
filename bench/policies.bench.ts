// Throughput of the advanced replacement policies on a 10 M-request Zipf(1.0)
// stream over 1 M pages, generated in memory from a seeded PRNG, at caches of
// 10k and 100k pages. Each (policy, size) runs in its own worker thread, one
// at a time; see bench/policy_worker.ts for what is measured. Environment: BENCH_REQUESTS (default 10000000), BENCH_POLICIES
// (comma-separated names, default all), BENCH_SIZES (default 10000,100000).
import { Worker } from 'node:worker_threads';
import { advancedPolicies } from '../src/lab/policies/advanced.js';
import { fillZipfKeys } from './zipf_keys.js';

import type { WorkerResult as Result } from './policy_worker.js';

function measure(name: string, size: number, keys: SharedArrayBuffer): Promise<Result> {
  return new Promise((resolve, reject) => {
    // The worker registers tsx's loader itself, then imports the TypeScript entry.
    const entry = new URL('./policy_worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    const w = new Worker(boot, { eval: true, workerData: { name, size, keys } });
    w.once('message', (r: Result) => {
      resolve(r);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

export async function run(): Promise<void> {
  const nrRequests = Number(process.env.BENCH_REQUESTS ?? 10_000_000);
  const names = process.env.BENCH_POLICIES ? process.env.BENCH_POLICIES.split(',') : Object.keys(advancedPolicies);
  const sizes = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
  const sab = new SharedArrayBuffer(nrRequests * 8);
  const t0 = performance.now();
  fillZipfKeys(new Float64Array(sab), { nrPages: 1_000_000, alpha: 1.0, seed: 42 });
  console.log(`policies: Zipf(1.0), ${nrRequests.toLocaleString('en-US')} requests over 1,000,000 pages, seed 42 (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  console.log('policy     size      miss ratio   M req/s (wall)   M req/s (cpu)   bytes/page   heap B/access');
  for (const size of sizes) {
    for (const name of names) {
      const r = await measure(name, size, sab);
      const wall = nrRequests / r.wallMs / 1000;
      const cpu = nrRequests / r.cpuMs / 1000;
      console.log(
        `${name.padEnd(10)} ${String(size).padStart(7)}   ${(r.misses / nrRequests).toFixed(4).padStart(10)}   ${wall.toFixed(2).padStart(14)}   ${cpu.toFixed(2).padStart(13)}   ${r.bytesPerPage.toFixed(1).padStart(10)}   ${r.heapPerAccess.toFixed(3).padStart(13)}`,
      );
    }
  }
}
