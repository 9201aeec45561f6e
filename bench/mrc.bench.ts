// Miss-ratio curves (src/lab/mrc/) on the trace-lab trace, 10 M Zipf(1.0)
// references over 1 M pages (bench/zipf_trace.ts), each measurement in a fresh
// process (bench/mrc_child.ts):
//   - the exact LRU curve, from mmsim's binary format and from text: requests
//     per second (wall and CPU), peak RSS and heap, the structure's bytes;
//   - SHARDS at a few fixed rates and sample sizes: the same, plus the mean and
//     largest absolute miss-ratio error against the exact curve at 100 sizes;
//   - `mmsim sweep` wall time with 1 and 2 jobs (4 policies x 2 sizes);
//   - mitata micro-benchmarks of the stack-distance and SHARDS loops.
// Run alone: npm run bench -- mrc
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bench, run as mitataRun, summary } from 'mitata';
import { ROOT, ZIPF, ZIPF_FILES, ensureZipfTraces } from './zipf_trace.js';
import { KeyStackDistance, StackDistance } from '../src/lab/mrc/stack_distance.js';
import { ShardsBuilder } from '../src/lab/mrc/shards.js';
import { ZipfGenerator } from '../src/workload/synthetic.js';

interface Row {
  requests: number;
  wall: number;
  cpu: number;
  bytes: number;
  footprint: number;
  rate: number;
  sizes: number[];
  misses: number[];
  rssKiB: number;
  heapPeak: number;
}

function child(...args: string[]): Row {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'mrc_child.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Row;
}

const mb = (b: number): string => (b / 2 ** 20).toFixed(0);

export async function run(): Promise<void> {
  await ensureZipfTraces();
  const [mmsimFile, textFile] = [ZIPF_FILES[0]![1], ZIPF_FILES[1]![1]];
  console.log(`\nmrc: Zipf(${ZIPF.alpha}) ${ZIPF.requests / 1e6} M requests over ${ZIPF.pages / 1e6} M pages; load average ${loadavg()[0]!.toFixed(1)}`);
  const base = child(mmsimFile, 'none');
  console.log(`  baseline (modules loaded): RSS ${mb(base.rssKiB * 1024)} MB`);
  console.log(`${'curve'.padEnd(22)}${'format'.padEnd(7)}${'M req/s'.padStart(8)}${'cpu'.padStart(7)}${'RSS MB'.padStart(8)}${'heap MB'.padStart(8)}${'state MB'.padStart(9)}${'rate'.padStart(10)}${'mean err'.padStart(10)}${'max err'.padStart(9)}`);
  const line = (name: string, format: string, r: Row, err?: { mean: number; max: number }): void =>
    console.log(
      `${name.padEnd(22)}${format.padEnd(7)}${(r.requests / r.wall / 1e6).toFixed(1).padStart(8)}${(r.requests / r.cpu / 1e6).toFixed(1).padStart(7)}${mb(r.rssKiB * 1024).padStart(8)}${mb(r.heapPeak).padStart(8)}${(r.bytes / 2 ** 20).toFixed(1).padStart(9)}${r.rate.toPrecision(3).padStart(10)}${err ? err.mean.toFixed(4).padStart(10) : ''.padStart(10)}${err ? err.max.toFixed(4).padStart(9) : ''}`,
    );
  const exact = child(mmsimFile, 'exact');
  line('exact LRU', 'mmsim', exact);
  line('exact LRU', 'text', child(textFile, 'exact'));
  for (const [mode, arg] of [['rate', '0.1'], ['rate', '0.01'], ['rate', '0.001'], ['size', '8192'], ['size', '65536']] as const) {
    const r = child(mmsimFile, mode, arg, String(exact.footprint));
    const errs = r.misses.map((m, k) => Math.abs(m - exact.misses[k]!) / exact.requests);
    line(`SHARDS ${mode === 'rate' ? `R=${arg}` : `s_max=${arg}`}`, 'mmsim', r, { mean: errs.reduce((a, b) => a + b, 0) / errs.length, max: Math.max(...errs) });
  }

  // Sweep wall time: 4 policies x 2 sizes on the binary trace.
  for (const jobs of [1, 2]) {
    const t0 = performance.now();
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', '--traces', mmsimFile, '--policies', 'lru,fifo,clock,arc', '--sizes', '10000,100000', '--jobs', String(jobs), '-q'], { cwd: ROOT, stdio: 'ignore' });
    console.log(`sweep 4 policies x 2 sizes, --jobs ${jobs}: ${((performance.now() - t0) / 1000).toFixed(1)} s wall`);
  }

  // The inner loops alone, on 8,192 references per iteration (mitata also reports allocations).
  const n = 1 << 20;
  const gen = new ZipfGenerator({ alpha: 1.0, pages: 100_000, seed: 3 });
  const ids = new Uint32Array(n);
  const pages = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = gen.nextRank(); // rank order stands in for mmsim's first-appearance ids
    pages[i] = 0x555555554 + gen.nextPage() * 7;
  }
  const sd = new StackDistance();
  const ksd = new KeyStackDistance();
  const sh = new ShardsBuilder({ rate: 0.01 });
  let at = 0;
  const next = (): number => (at = (at + 8192) & (n - 1));
  summary(() => {
    bench('StackDistance.touch x 8192 (dense ids, Zipf over 100k)', () => {
      const o = next();
      let s = 0;
      for (let i = 0; i < 8192; i++) s += sd.touch(ids[o + i]!);
      return s;
    });
    bench('KeyStackDistance.access x 8192 (page numbers)', () => {
      const o = next();
      let s = 0;
      for (let i = 0; i < 8192; i++) s += ksd.access(pages[o + i]!);
      return s;
    });
    bench('ShardsBuilder.addPages 8192 (rate 0.01)', () => {
      sh.addPages(pages.subarray(next(), at + 8192), 8192);
    });
  });
  await mitataRun();
}
