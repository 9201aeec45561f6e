// End-to-end replay throughput of the trace lab (issue 3 "Done when"): the
// 10 M-request Zipf(1.0) trace over 1 M pages, generated once by the committed
// seeded generator and cached under .cache/trace_lab/ in text and in mmsim's
// binary format, replayed through every policy at 10k and 100k pages, each run
// in a fresh process (bench/trace_lab_child.ts). Reports requests per second
// by wall clock and by CPU time (the two differ when the machine is shared),
// best of TRACE_LAB_RUNS runs (default 2), peak RSS and heap, and the
// policy's state in bytes per resident page. Run alone: npm run bench -- trace_lab
// BENCH_POLICIES=lru,arc limits the run to some policies (as in policies.bench.ts).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { policyNames } from '../src/lab/policies/index.js';
import { ROOT, ZIPF, ZIPF_FILES, ensureZipfTraces } from './zipf_trace.js';

const SIZES = [10_000, 100_000];
const RUNS = Number(process.env.TRACE_LAB_RUNS ?? 2);

interface Row {
  requests?: number;
  misses?: number;
  wall?: number;
  cpu?: number;
  stateBytes?: number;
  rssKiB: number;
  heapPeak: number;
}

function child(file: string, policy: string, size: number): Row {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'trace_lab_child.ts'), file, policy, String(size)], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Row;
}

export async function run(): Promise<void> {
  await ensureZipfTraces();
  const base = child(ZIPF_FILES[0]![1], 'none', 0);
  const mb = (b: number): string => (b / 2 ** 20).toFixed(0);
  console.log(`\ntrace_lab: Zipf(${ZIPF.alpha}) ${ZIPF.requests / 1e6} M requests over ${ZIPF.pages / 1e6} M pages, seed ${ZIPF.seed}`);
  for (const [format, path] of ZIPF_FILES) console.log(`  ${format.padEnd(6)} ${path.replace(ROOT + '/', '')} (${mb(statSync(path).size)} MB)`);
  console.log(`  baseline (modules loaded, no trace): RSS ${mb(base.rssKiB * 1024)} MB, heap ${mb(base.heapPeak)} MB`);
  console.log(`  M req/s = requests / wall-clock seconds (cpu: / CPU seconds), open to result, one core, best of ${RUNS}`);
  console.log('  B/page = policy state (typed arrays) per resident page; RSS and heap are whole-process peaks\n');
  const head = `${'policy'.padEnd(11)}${'size'.padStart(7)}  ${'format'.padEnd(6)}${'M req/s'.padStart(9)}${'cpu'.padStart(7)}${'RSS MB'.padStart(8)}${'heap MB'.padStart(9)}${'B/page'.padStart(8)}${'misses'.padStart(10)}`;
  console.log(head);
  const policies = process.env.BENCH_POLICIES ? process.env.BENCH_POLICIES.split(',') : policyNames();
  for (const policy of policies) {
    for (const size of SIZES) {
      for (const [format, path] of ZIPF_FILES) {
        const runs = Array.from({ length: RUNS }, () => child(path, policy, size));
        const r = runs[0]!;
        const rate = Math.max(...runs.map((x) => x.requests! / x.wall!)) / 1e6;
        const cpuRate = Math.max(...runs.map((x) => x.requests! / x.cpu!)) / 1e6;
        r.rssKiB = Math.max(...runs.map((x) => x.rssKiB));
        r.heapPeak = Math.max(...runs.map((x) => x.heapPeak));
        console.log(
          `${policy.padEnd(11)}${String(size).padStart(7)}  ${format.padEnd(6)}${rate.toFixed(1).padStart(9)}${cpuRate.toFixed(1).padStart(7)}${mb(r.rssKiB * 1024).padStart(8)}${mb(r.heapPeak).padStart(9)}${(r.stateBytes! / size).toFixed(0).padStart(8)}${String(r.misses).padStart(10)}`,
        );
      }
    }
  }
}
