// `mmsim sim TRACE --policy NAME --size PAGES`: replays a trace through one
// replacement policy and prints requests, misses and the miss ratio (one JSON
// object with --json). Output is deterministic: timing only with --time.
import type { Command } from 'commander';
import { io } from '../io.js';
import { InputError } from '../errors.js';
import { asInputError, inputOptions, openInput, progressTotal, type InputFlags } from '../trace_input.js';
import { startProgress } from '../progress.js';
import { createPolicy, isOfflinePolicy, needsPageKeys, policyNames } from '../../lab/policies/index.js';
import { replay } from '../../lab/replay.js';

interface SimFlags extends InputFlags {
  policy: string;
  size: string;
  json?: boolean;
  seed: string;
  param: string[];
  quiet?: boolean;
  time?: boolean;
}

/** Parses a positive integer option or throws one clear InputError line. */
export function positiveInt(raw: string, what: string): number {
  const v = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(v) || v < 1) throw new InputError(`${what} must be a positive integer, got '${raw}'`);
  return v;
}

/** Parses --seed: a non-negative integer, or throws one clear InputError line. */
export function parseSeed(raw: string): number {
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`--seed must be a non-negative integer, got '${raw}'`);
  return seed;
}

export function parseParams(list: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new InputError(`--param must be name=value, got '${kv}'`);
    params[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  return params;
}

export function register(program: Command): void {
  const cmd = program
    .command('sim')
    .description('replay a trace through a page-replacement policy and count misses')
    .argument('<trace>', 'trace file (lackey, text, ostep, csv, oracleGeneral, mmsim; .gz ok)')
    .requiredOption('-p, --policy <name>', `replacement policy: ${policyNames().join(', ')}`)
    .requiredOption('-s, --size <pages>', 'cache size in pages')
    .option('--json', 'print one JSON object')
    .option('--seed <n>', 'seed for randomised policies', '1')
    .option('--param <k=v>', 'policy parameter (repeatable), e.g. bits=2', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-q, --quiet', 'no progress bar')
    .option('--time', 'also print elapsed seconds and requests per second (not deterministic)');
  inputOptions(cmd).action(async (trace: string, flags: SimFlags) => {
    const size = positiveInt(flags.size, '--size');
    const seed = parseSeed(flags.seed);
    const params = parseParams(flags.param);
    let policy;
    try {
      policy = createPolicy(flags.policy, size, { seed, params });
    } catch (e) {
      throw asInputError(e);
    }
    const pageKeys = needsPageKeys(flags.policy);
    const reader = await openInput(trace, flags, { pages: pageKeys });
    const offline = isOfflinePolicy(flags.policy);
    const { total, done } = await progressTotal(reader);
    const progress = startProgress({ total, quiet: flags.quiet ?? false, label: 'sim' });
    const t0 = performance.now();
    let result;
    try {
      result = await replay(reader, policy, { offline, pageKeys, onProgress: (n) => progress.update(done() < 0 ? n : done(), n) });
    } catch (e) {
      throw asInputError(e, trace);
    } finally {
      progress.stop();
    }
    const seconds = (performance.now() - t0) / 1000;
    if (result.requests === 0) throw new InputError(`${trace}: empty trace (no references)`);
    const hits = result.requests - result.misses;
    const out: Record<string, unknown> = {
      trace,
      format: reader.format,
      policy: policy.name,
      size,
      requests: result.requests,
      misses: result.misses,
      hits,
      miss_ratio: result.misses / result.requests,
      writes: result.writes,
      skipped: reader.badRecords,
    };
    if (Object.keys(params).length) out.params = params;
    if (['rand', 'nru'].includes(policy.name)) out.seed = seed;
    if (flags.time) {
      out.seconds = Number(seconds.toFixed(3));
      out.requests_per_sec = Math.round(result.requests / seconds);
    }
    if (flags.json) {
      io.out(`${JSON.stringify(out)}\n`);
      return;
    }
    const lines = [
      `trace       ${trace} (${reader.format})`,
      `policy      ${policy.name}${out.params ? ` ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}, ${size} pages`,
      `requests    ${result.requests}`,
      `misses      ${result.misses}`,
      `hits        ${hits}`,
      `miss ratio  ${(result.misses / result.requests).toFixed(6)}`,
    ];
    if (reader.badRecords > 0) lines.push(`skipped     ${reader.badRecords} malformed lines`);
    if (flags.time) lines.push(`time        ${seconds.toFixed(3)} s, ${(result.requests / seconds / 1e6).toFixed(1)} M requests/s`);
    io.out(`${lines.join('\n')}\n`);
  });
}
