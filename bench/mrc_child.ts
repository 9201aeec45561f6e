// One measurement of bench/mrc.bench.ts in a fresh process, so that peak RSS
// belongs to this run alone. Usage: mrc_child.ts FILE MODE [ARG] [MAX]
//   exact              the exact LRU curve (dense ids from mmsim files)
//   rate R | size N    SHARDS fixed-rate / fixed-size (page numbers)
//   none               modules loaded only, for the baseline RSS
// Prints one JSON line: requests, wall and CPU seconds, peak RSS and heap, the
// builder's typed-array bytes, the footprint, and the misses at 100 evenly
// spaced sizes up to MAX (default: the footprint) for error measurements.
import { getHeapStatistics } from 'node:v8';
import { openTrace } from '../src/workload/trace/open.js';
import { LruCurveBuilder } from '../src/lab/mrc/lru_curve.js';
import { ShardsBuilder } from '../src/lab/mrc/shards.js';
import { evenSizes, type MissCurve } from '../src/lab/mrc/curve.js';

const [file, mode, arg, maxArg] = process.argv.slice(2) as [string, string, string?, string?];
let heapPeak = getHeapStatistics().used_heap_size;
let out: Record<string, unknown> = {};
if (mode !== 'none') {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const shards = mode === 'exact' ? null : new ShardsBuilder(mode === 'rate' ? { rate: Number(arg) } : { maxSamples: Number(arg) });
  const exact = shards ? null : new LruCurveBuilder();
  const reader = await openTrace(file, { pages: shards !== null });
  let batches = 0;
  for await (const b of reader.batches()) {
    if (shards) shards.addPages(b.page, b.length);
    else if (b.id) exact!.addIds(b.id, b.length);
    else exact!.addPages(b.page, b.length);
    if (++batches % 64 === 0) heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size);
  }
  const curve: MissCurve = shards ? shards.curve() : exact!.curve();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const sizes = evenSizes(Number(maxArg ?? curve.footprint), 100);
  out = {
    requests: curve.requests,
    wall,
    cpu: (cpu.user + cpu.system) / 1e6,
    bytes: shards ? shards.bytes : exact!.bytes,
    footprint: curve.footprint,
    rate: shards ? shards.rate : 1,
    sizes,
    misses: sizes.map((s) => curve.misses(s)),
  };
}
heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size);
out.rssKiB = process.resourceUsage().maxRSS;
out.heapPeak = heapPeak;
process.stdout.write(`${JSON.stringify(out)}\n`);
