// One measurement of bench/trace_lab.bench.ts, in a fresh process so that each
// policy's access() call site is monomorphic (as in `mmsim sim`) and peak RSS
// belongs to this run alone. Usage: trace_lab_child.ts FILE POLICY SIZE
// (POLICY "none" only loads the modules, for the baseline RSS).
// Prints one JSON line: requests, misses, wall and CPU seconds, peak RSS and heap.
import { getHeapStatistics } from 'node:v8';
import { openTrace } from '../src/workload/trace/open.js';
import { createPolicy, isOfflinePolicy } from '../src/lab/policies/index.js';
import { replay } from '../src/lab/replay.js';

const [file, policyName, sizeArg] = process.argv.slice(2) as [string, string, string];
let heapPeak = getHeapStatistics().used_heap_size;
const sampleHeap = (): void => {
  const h = getHeapStatistics().used_heap_size;
  if (h > heapPeak) heapPeak = h;
};
let out: Record<string, number> = {};
if (policyName !== 'none') {
  const policy = createPolicy(policyName, Number(sizeArg), { seed: 1 });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const reader = await openTrace(file);
  let batches = 0;
  const r = await replay(reader, policy, {
    offline: isOfflinePolicy(policyName),
    onProgress: () => {
      if (++batches % 16 === 0) sampleHeap();
    },
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  sampleHeap();
  const stateBytes = (policy as { stateBytes?: () => number }).stateBytes?.() ?? 0;
  out = { requests: r.requests, misses: r.misses, wall, cpu: (cpu.user + cpu.system) / 1e6, stateBytes };
}
out.rssKiB = process.resourceUsage().maxRSS;
out.heapPeak = heapPeak;
process.stdout.write(`${JSON.stringify(out)}\n`);
