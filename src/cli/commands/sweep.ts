// `mmsim sweep`: every policy at every cache size on every trace, on all cores.
// Work is cut into tasks of (trace, policy, some sizes), each one pass over the
// trace in a worker thread (curve_pool.ts). Rows are appended to the results
// file as tasks complete, so an interrupted sweep keeps what it finished and
// `--resume` runs only the missing rows; when all are done the file is
// rewritten, through a temporary file, in canonical order (same bytes whatever
// --jobs and however often it was interrupted). One plot per trace with
// --plot-dir.
import type { Command } from 'commander';
import { appendFile, mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { io } from '../io.js';
import { InputError } from '../errors.js';
import { asInputError, inputOptions, openInput, type InputFlags } from '../trace_input.js';
import { startProgress } from '../progress.js';
import { parseParams, parseSeed } from './sim.js';
import { parseJobs, parsePolicyList, parseSizeList, writeFileAtomic, writePlot } from '../curve_options.js';
import { runCurveTasks } from '../curve_pool.js';
import { inputFlags, splitSizes, type CurveTask } from '../curve_task.js';
import { fileHeader, formatRow, parseResults, ResultsError, rowKey, sortRows, type ResultsFormat, type SweepRow } from '../../report/sweep_results.js';
import { policyNames } from '../../lab/policies/index.js';

interface SweepFlags extends InputFlags {
  traces: string;
  policies: string;
  sizes: string;
  jobs?: string;
  out?: string;
  resume?: boolean;
  force?: boolean;
  jsonl?: boolean;
  plotDir?: string;
  plotFormat: string;
  seed: string;
  param: string[];
  quiet?: boolean;
}

function resultsFormat(path: string): ResultsFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new InputError(`--out: ${path}: the file name must end in .csv or .jsonl`);
}

function splitList(raw: string, what: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new InputError(`${what} must be a comma-separated list, got '${raw}'`);
  return [...new Set(items)];
}

/** Rows already in `path` (none if it does not exist); cuts a trailing partial line off the file. */
async function readDone(path: string, format: ResultsFormat): Promise<SweepRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw asInputError(e);
  }
  let parsed;
  try {
    parsed = parseResults(text, format, path);
  } catch (e) {
    if (e instanceof ResultsError) throw new InputError(e.message);
    throw e;
  }
  if (parsed.validBytes < Buffer.byteLength(text)) await truncate(path, parsed.validBytes);
  return parsed.rows;
}

/** File names for the per-trace plots: the trace's base name, made unique. */
function plotNames(traces: string[], ext: string): string[] {
  const seen = new Map<string, number>();
  return traces.map((t) => {
    const base = basename(t).replace(/\.gz$/i, '');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${base}${n > 1 ? `-${n}` : ''}.${ext}`;
  });
}

async function sweep(flags: SweepFlags): Promise<void> {
  const traces = splitList(flags.traces, '--traces');
  const params = parseParams(flags.param);
  const policies = parsePolicyList(flags.policies, params);
  const sizes = parseSizeList(flags.sizes, '--sizes');
  const seed = parseSeed(flags.seed);
  const jobs = parseJobs(flags.jobs);
  const format: ResultsFormat = flags.out !== undefined ? resultsFormat(flags.out) : flags.jsonl ? 'jsonl' : 'csv';
  if (flags.plotFormat !== 'svg' && flags.plotFormat !== 'png') throw new InputError(`--plot-format must be svg or png, got '${flags.plotFormat}'`);
  if (flags.resume && flags.force) throw new InputError('--resume and --force exclude each other');
  if (flags.out === undefined && (flags.resume || flags.force)) throw new InputError('--resume and --force need --out');
  // Open every trace once now, so a missing file or an undetectable format stops the run before any work.
  for (const t of traces) await openInput(t, flags);

  let done: SweepRow[] = [];
  if (flags.out !== undefined) {
    const exists = await stat(flags.out).then(
      () => true,
      () => false,
    );
    if (exists && !flags.resume && !flags.force) throw new InputError(`${flags.out} exists: --resume to complete it, --force to replace it`);
    if (exists && flags.resume) done = await readDone(flags.out, format);
    if (!exists || flags.force || done.length === 0) await writeFile(flags.out, fileHeader(format)).catch((e: unknown) => Promise.reject(asInputError(e)));
  }
  if (flags.plotDir !== undefined) await mkdir(flags.plotDir, { recursive: true }).catch((e: unknown) => Promise.reject(asInputError(e)));

  const doneKeys = new Set(done.map(rowKey));
  const input = inputFlags(flags);
  const tasks: CurveTask[] = [];
  // At least one task per core when there are fewer (trace, policy) pairs than cores.
  const groups = Math.max(1, Math.ceil(jobs / (traces.length * policies.length)));
  for (const trace of traces) {
    for (const policy of policies) {
      const todo = sizes.filter((size) => !doneKeys.has(rowKey({ trace, policy, size, seed })));
      for (const part of splitSizes(todo, groups)) tasks.push({ trace, input, policy, sizes: part, seed, params });
    }
  }
  const total = tasks.reduce((n, t) => n + t.sizes.length, 0);
  if (!flags.quiet) {
    io.err(`sweep: ${traces.length} trace${traces.length > 1 ? 's' : ''} x ${policies.length} polic${policies.length > 1 ? 'ies' : 'y'} x ${sizes.length} size${sizes.length > 1 ? 's' : ''}: ${total} rows to run`);
    io.err(done.length > 0 ? `, ${done.length} already in ${flags.out}\n` : '\n');
  }

  const rows = [...done];
  let rowsDone = 0;
  const progress = startProgress({ total, quiet: flags.quiet ?? false, label: 'sweep' });
  try {
    await runCurveTasks(tasks, {
      jobs,
      onProgress: (n) => progress.update(rowsDone, n),
      onResult: async (i, r) => {
        const t = tasks[i]!;
        if (r.requests === 0) throw new InputError(`${t.trace}: empty trace (no references)`);
        const fresh = t.sizes.map((size, k): SweepRow => ({ trace: t.trace, policy: t.policy, size, seed, requests: r.requests, misses: r.misses[k]!, miss_ratio: r.misses[k]! / r.requests }));
        rows.push(...fresh);
        rowsDone += fresh.length;
        if (flags.out !== undefined) await appendFile(flags.out, fresh.map((row) => formatRow(row, format)).join(''));
      },
    });
  } finally {
    progress.stop();
  }

  // Canonical order, one row per key (the first seen).
  const seen = new Set<string>();
  const unique = rows.filter((r) => {
    const k = rowKey(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const sorted = sortRows(unique, traces, policies);
  const text = fileHeader(format) + sorted.map((r) => formatRow(r, format)).join('');
  if (flags.out !== undefined) await writeFileAtomic(flags.out, text);
  else io.out(text);

  if (flags.plotDir !== undefined) {
    const names = plotNames(traces, flags.plotFormat);
    for (let k = 0; k < traces.length; k++) {
      const trace = traces[k]!;
      const mine = sorted.filter((r) => r.trace === trace && r.seed === seed);
      const series = policies.map((policy) => ({ policy, points: mine.filter((r) => r.policy === policy).map((r) => ({ size: r.size, missRatio: r.miss_ratio })) })).filter((s) => s.points.length > 0);
      const requests = mine[0]?.requests ?? 0;
      await writePlot(join(flags.plotDir, names[k]!), series, { title: `Miss-ratio curves: ${basename(trace)}`, note: `${requests} requests; each policy simulated at ${sizes.length} sizes` });
    }
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('replay traces x policies x cache sizes on all cores; CSV or JSON-lines results, resumable, a plot per trace')
    .requiredOption('--traces <files>', 'comma-separated trace files')
    .requiredOption('--policies <names>', `comma-separated policies: ${policyNames().join(', ')}`)
    .requiredOption('--sizes <list>', 'comma-separated cache sizes in pages')
    .option('-j, --jobs <n>', 'worker threads (default: all cores)')
    .option('-o, --out <file>', 'results file, .csv or .jsonl, appended as rows complete (default: CSV on stdout at the end)')
    .option('--resume', 'keep the rows already in --out and run only the missing ones')
    .option('--force', 'replace an existing --out file')
    .option('--jsonl', 'without --out: JSON lines on stdout instead of CSV')
    .option('--plot-dir <dir>', 'write one plot per trace into DIR')
    .option('--plot-format <f>', 'svg or png', 'svg')
    .option('--seed <n>', 'seed for randomised policies', '1')
    .option('--param <k=v>', 'policy parameter (repeatable; applies to every policy listed)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-q, --quiet', 'no progress bar or summary');
  inputOptions(cmd).action((flags: SweepFlags) => sweep(flags));
}
