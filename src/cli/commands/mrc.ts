// `mmsim mrc TRACE`: miss-ratio curves. LRU's comes exact for every size from
// one pass of stack distances, or estimated by SHARDS sampling (--shards,
// --shards-size); the other policies' from one simulation per size, all sizes
// in one pass, spread over worker threads (--jobs). Prints a text chart and
// the table, or CSV / JSON; --plot draws an SVG or PNG. Deterministic output.
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { io } from '../io.js';
import { InputError } from '../errors.js';
import { asInputError, inputOptions, openInput, progressTotal, type InputFlags } from '../trace_input.js';
import { startProgress } from '../progress.js';
import { parseParams, parseSeed, positiveInt } from './sim.js';
import { parseJobs, parsePolicyList, parseSizeList, plotFormat, writePlot } from '../curve_options.js';
import { runCurveTasks } from '../curve_pool.js';
import { inputFlags, splitSizes, type CurveTask } from '../curve_task.js';
import { evenSizes, missRatio, type MissCurve } from '../../lab/mrc/curve.js';
import { lruCurve } from '../../lab/mrc/lru_curve.js';
import { shardsCurve } from '../../lab/mrc/shards.js';
import { policyNames } from '../../lab/policies/index.js';
import { textChart } from '../../report/plots/text_chart.js';
import type { MmsimReader } from '../../workload/trace/mmsim.js';

interface MrcFlags extends InputFlags {
  policy: string;
  sizes?: string;
  max?: string;
  points?: string;
  shards?: string;
  shardsSize?: string;
  seed: string;
  param: string[];
  jobs?: string;
  json?: boolean;
  csv?: boolean;
  plot?: string;
  quiet?: boolean;
}

/** Traces smaller than this replay in-process unless --jobs is given: starting threads would cost more. */
const SMALL_TRACE_BYTES = 4 << 20;

interface Series {
  policy: string;
  method: 'exact' | 'shards' | 'simulated';
  points: Array<{ size: number; misses: number; missRatio: number }>;
}

interface TraceInfo {
  format: string;
  requests: number;
  footprint: number;
  skipped: number;
}

function parseRate(raw: string): number {
  const r = Number(raw);
  if (raw.trim() === '' || !(r > 0 && r <= 1)) throw new InputError(`--shards must be a sampling rate in (0, 1], got '${raw}'`);
  return r;
}

/** The LRU curve (exact or SHARDS) from one pass over the trace. */
async function lruPass(trace: string, flags: MrcFlags, shards: { rate?: number; maxSamples?: number } | null, seed: number): Promise<{ curve: MissCurve; info: TraceInfo; rate?: number }> {
  const reader = await openInput(trace, flags, { pages: shards !== null });
  const { total, done } = await progressTotal(reader);
  const progress = startProgress({ total, quiet: flags.quiet ?? false, label: shards ? 'mrc shards' : 'mrc lru' });
  const onProgress = (n: number): void => progress.update(done() < 0 ? n : done(), n);
  try {
    const curve = shards ? await shardsCurve(reader, { ...shards, seed, onProgress }) : await lruCurve(reader, { onProgress });
    const info = { format: reader.format, requests: curve.requests, footprint: Math.round(curve.footprint), skipped: reader.badRecords };
    return { curve, info, rate: shards ? (curve as { rate: number }).rate : undefined };
  } catch (e) {
    throw asInputError(e, trace);
  } finally {
    progress.stop();
  }
}

async function simulate(trace: string, flags: MrcFlags, policies: string[], sizes: number[], opts: { seed: number; params: Record<string, string>; jobs: number; requests: number }): Promise<{ series: Series[]; info: TraceInfo | null }> {
  const groups = opts.jobs > 1 ? Math.ceil(opts.jobs / policies.length) : 1;
  const input = inputFlags(flags);
  const tasks: CurveTask[] = policies.flatMap((policy) => splitSizes(sizes, groups).map((g) => ({ trace, input, policy, sizes: g, seed: opts.seed, params: opts.params })));
  const misses = new Map<string, number>();
  let info: TraceInfo | null = null;
  const known = opts.requests > 0;
  const progress = startProgress({ total: known ? opts.requests * tasks.length : tasks.length, quiet: flags.quiet ?? false, label: 'mrc' });
  let tasksDone = 0;
  try {
    await runCurveTasks(tasks, {
      jobs: opts.jobs,
      onProgress: (n) => progress.update(known ? n : tasksDone, n),
      onResult: (i, r) => {
        tasksDone++;
        const t = tasks[i]!;
        t.sizes.forEach((s, k) => misses.set(`${t.policy} ${s}`, r.misses[k]!));
        info = { format: r.format, requests: r.requests, footprint: -1, skipped: r.skipped };
      },
    });
  } finally {
    progress.stop();
  }
  const requests = (info as TraceInfo | null)?.requests ?? 0;
  const series = policies.map((policy): Series => ({
    policy,
    method: 'simulated',
    points: sizes.map((size) => {
      const m = misses.get(`${policy} ${size}`)!;
      return { size, misses: m, missRatio: requests ? m / requests : 0 };
    }),
  }));
  return { series, info };
}

function fmtRatio(x: number): string {
  return x.toFixed(4);
}

// How the curves were obtained, in one line. Example: "lru exact (stack
// distances); fifo, arc simulated at 20 sizes".
function methodLine(series: Series[], rate: number | undefined, flags: MrcFlags): string {
  const parts: string[] = [];
  for (const s of series) {
    if (s.method === 'exact') parts.push(`${s.policy} exact (stack distances)`);
    if (s.method === 'shards') parts.push(`${s.policy} SHARDS ${flags.shards !== undefined ? 'fixed-rate' : `fixed-size (${flags.shardsSize} pages)`} estimate, rate ${rate!.toPrecision(3)}`);
  }
  const sim = series.filter((s) => s.method === 'simulated');
  if (sim.length > 0) parts.push(`${sim.map((s) => s.policy).join(', ')} simulated at ${sim[0]!.points.length} sizes`);
  return parts.join('; ');
}

async function mrc(trace: string, flags: MrcFlags): Promise<void> {
  if (flags.json && flags.csv) throw new InputError('--json and --csv exclude each other');
  const params = parseParams(flags.param);
  const policies = parsePolicyList(flags.policy, params);
  const seed = parseSeed(flags.seed);
  if (flags.sizes !== undefined && (flags.max !== undefined || flags.points !== undefined)) throw new InputError('--sizes excludes --max and --points');
  const givenSizes = flags.sizes !== undefined ? parseSizeList(flags.sizes, '--sizes') : null;
  const max = flags.max !== undefined ? positiveInt(flags.max, '--max') : null;
  const points = positiveInt(flags.points ?? '20', '--points');
  if (flags.shards !== undefined && flags.shardsSize !== undefined) throw new InputError('--shards and --shards-size exclude each other');
  const shards = flags.shards !== undefined ? { rate: parseRate(flags.shards) } : flags.shardsSize !== undefined ? { maxSamples: positiveInt(flags.shardsSize, '--shards-size') } : null;
  if (shards?.maxSamples !== undefined && shards.maxSamples < 8) throw new InputError(`--shards-size must be at least 8 pages, got ${shards.maxSamples}`);
  if (shards && !policies.includes('lru')) throw new InputError('--shards and --shards-size estimate the LRU curve: add lru to --policy');
  if (flags.plot !== undefined) plotFormat(flags.plot);
  const explicitJobs = flags.jobs !== undefined;
  let jobs = parseJobs(flags.jobs);
  const st = await stat(trace).catch((e: unknown) => {
    throw asInputError(e);
  });
  if (!explicitJobs && st.size < SMALL_TRACE_BYTES) jobs = 1;

  const series: Series[] = [];
  let info: TraceInfo | null = null;
  let lru: MissCurve | null = null;
  let rate: number | undefined;
  if (policies.includes('lru')) {
    const r = await lruPass(trace, flags, shards, seed);
    lru = r.curve;
    info = r.info;
    rate = r.rate;
  }
  let sizes = givenSizes;
  if (!sizes) {
    let top = max ?? info?.footprint ?? -1;
    if (top < 0) {
      const reader = await openInput(trace, flags);
      top = reader.format === 'mmsim' ? (reader as MmsimReader).header.footprint : (await lruPass(trace, flags, null, seed)).info.footprint;
    }
    if (top < 1) throw new InputError(`${trace}: empty trace (no references)`);
    sizes = evenSizes(top, points);
  }
  const others = policies.filter((p) => p !== 'lru');
  let simulated: Series[] = [];
  if (others.length > 0) {
    const r = await simulate(trace, flags, others, sizes, { seed, params, jobs, requests: info?.requests ?? 0 });
    simulated = r.series;
    if (!info && r.info) info = r.info;
  }
  if (!info || info.requests === 0) throw new InputError(`${trace}: empty trace (no references)`);
  for (const p of policies) {
    if (p === 'lru') {
      const curve = lru!;
      series.push({ policy: 'lru', method: shards ? 'shards' : 'exact', points: sizes.map((size) => ({ size, misses: curve.misses(size), missRatio: missRatio(curve, size) })) });
    } else series.push(simulated.find((s) => s.policy === p)!);
  }
  const note = methodLine(series, rate, flags);
  if (flags.plot !== undefined) await writePlot(flags.plot, series, { title: `Miss-ratio curve: ${basename(trace)}`, note: `${info.requests} requests; ${note}` });

  if (flags.json) {
    const out = {
      trace,
      format: info.format,
      requests: info.requests,
      ...(info.footprint >= 0 ? { footprint: info.footprint } : {}),
      skipped: info.skipped,
      ...(shards ? { shards: { variant: shards.rate !== undefined ? 'fixed-rate' : 'fixed-size', ...(shards.maxSamples !== undefined ? { max_samples: shards.maxSamples } : {}), rate, seed } } : {}),
      ...(Object.keys(params).length ? { params } : {}),
      series: series.map((s) => ({ policy: s.policy, method: s.method, points: s.points.map((p) => ({ size: p.size, misses: Math.round(p.misses), miss_ratio: p.missRatio })) })),
    };
    io.out(`${JSON.stringify(out)}\n`);
    return;
  }
  if (flags.csv) {
    const rows = ['policy,method,size,misses,miss_ratio'];
    for (const s of series) for (const p of s.points) rows.push(`${s.policy},${s.method},${p.size},${Math.round(p.misses)},${p.missRatio}`);
    io.out(`${rows.join('\n')}\n`);
    return;
  }
  const lines = [`trace       ${trace} (${info.format})`, `requests    ${info.requests}`];
  if (info.footprint >= 0) lines.push(`footprint   ${info.footprint} pages${shards ? ' (estimated)' : ''}`);
  lines.push(`curves      ${note}`);
  if (info.skipped > 0) lines.push(`skipped     ${info.skipped} malformed lines`);
  lines.push('', textChart(series).trimEnd(), '');
  const width = Math.max(8, ...series.map((s) => s.policy.length + 2));
  lines.push(`${'size'.padStart(10)}${series.map((s) => s.policy.padStart(width)).join('')}`);
  sizes.forEach((size, k) => lines.push(`${String(size).padStart(10)}${series.map((s) => fmtRatio(s.points[k]!.missRatio).padStart(width)).join('')}`));
  io.out(`${lines.join('\n')}\n`);
}

export function register(program: Command): void {
  const cmd = program
    .command('mrc')
    .description('miss-ratio curves: exact LRU for every size in one pass, SHARDS estimates, other policies simulated')
    .argument('<trace>', 'trace file (lackey, text, ostep, csv, oracleGeneral, mmsim; .gz ok)')
    .option('-p, --policy <names>', `comma-separated policies (lru is exact): ${policyNames().join(', ')}`, 'lru')
    .option('--sizes <list>', 'cache sizes in pages, comma-separated')
    .option('--max <pages>', 'largest cache size (default: the footprint)')
    .option('--points <k>', 'number of evenly spaced sizes up to --max (default 20)')
    .option('--shards <rate>', 'estimate LRU by SHARDS fixed-rate sampling, rate in (0, 1]')
    .option('--shards-size <pages>', 'estimate LRU by SHARDS fixed-size sampling, at most this many pages sampled')
    .option('--seed <n>', 'seed for randomised policies and the SHARDS hash', '1')
    .option('--param <k=v>', 'policy parameter (repeatable; applies to every policy listed)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-j, --jobs <n>', 'worker threads for simulated policies (default: all cores; in-process for traces under 4 MiB)')
    .option('--json', 'print one JSON object')
    .option('--csv', 'print CSV rows: policy,method,size,misses,miss_ratio')
    .option('--plot <file>', 'also draw the curves to FILE (.svg or .png)')
    .option('-q, --quiet', 'no progress bar');
  inputOptions(cmd).action((trace: string, flags: MrcFlags) => mrc(trace, flags));
}
