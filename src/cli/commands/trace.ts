// `mmsim trace convert | stats | gen`: moving traces between formats, looking
// at them, and making synthetic ones. (`replay`, the default subcommand, is in
// trace_replay.ts.) Conversions stream in constant memory,
// except when the output stores next-use times (oracleGeneral, mmsim
// --next-use), which need the whole trace for a backward pass.
import type { Command } from 'commander';
import { io } from '../io.js';
import { InputError } from '../errors.js';
import { asInputError, inputOptions, openInput, parseFormat, parseUnit, progressTotal, type InputFlags } from '../trace_input.js';
import { startProgress } from '../progress.js';
import { parseSeed, positiveInt } from './sim.js';
import { formatFromName } from '../../workload/trace/open.js';
import { openSink, sinkNeedsNextUse, type TraceSink } from '../../workload/trace/sink.js';
import { newRefBatch, type RefBatch } from '../../workload/trace/ref.js';
import { traceStats } from '../../workload/trace/stats.js';
import { computeNextUse } from '../../lab/next_use.js';
import { zipfBatches } from '../../workload/synthetic.js';
import { registerReplay } from './trace_replay.js';
import type { TraceFormat, TraceReader } from '../../workload/trace/reader.js';

interface ConvertFlags extends InputFlags {
  from?: string;
  to?: string;
  outUnit?: string;
  nextUse?: boolean;
  quiet?: boolean;
}

function outputFormat(path: string, to: string | undefined): TraceFormat {
  const f = parseFormat(to, '--to') ?? formatFromName(path);
  if (!f) throw new InputError(`${path}: cannot tell the output format from the name; use --to (or a .txt .csv .lackey .ostep .oracleGeneral .mmsim name)`);
  return f;
}

/** Streams all batches of `source` into `sink`, computing next-use times first when `needNextUse`. */
async function pump(source: AsyncIterable<RefBatch> | Iterable<RefBatch>, sink: TraceSink, needNextUse: boolean, onBatch?: (n: number) => void): Promise<number> {
  let count = 0;
  if (!needNextUse) {
    for await (const b of source) {
      await sink.write(b, null);
      count += b.length;
      onBatch?.(count);
    }
    return count;
  }
  // Whole trace in memory: page, addr, kind, size per reference.
  let pages = new Float64Array(1 << 16);
  let addrs = new Float64Array(1 << 16);
  let kinds = new Uint8Array(1 << 16);
  let sizes = new Uint8Array(1 << 16);
  for await (const b of source) {
    if (count + b.length > pages.length) {
      let cap = pages.length * 2;
      while (cap < count + b.length) cap *= 2;
      const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const g = make(cap);
        g.set(a.subarray(0, count));
        return g;
      };
      pages = grow(pages, (n) => new Float64Array(n));
      addrs = grow(addrs, (n) => new Float64Array(n));
      kinds = grow(kinds, (n) => new Uint8Array(n));
      sizes = grow(sizes, (n) => new Uint8Array(n));
    }
    pages.set(b.page.subarray(0, b.length), count);
    addrs.set(b.addr.subarray(0, b.length), count);
    kinds.set(b.kind.subarray(0, b.length), count);
    sizes.set(b.size.subarray(0, b.length), count);
    count += b.length;
    onBatch?.(count);
  }
  const nextUse = computeNextUse(pages, count);
  const out = newRefBatch();
  for (let at = 0; at < count; at += out.page.length) {
    const n = Math.min(out.page.length, count - at);
    out.page.set(pages.subarray(at, at + n));
    out.addr.set(addrs.subarray(at, at + n));
    out.kind.set(kinds.subarray(at, at + n));
    out.size.set(sizes.subarray(at, at + n));
    out.length = n;
    await sink.write(out, nextUse.subarray(at, at + n));
  }
  return count;
}

async function convert(input: string, output: string, flags: ConvertFlags): Promise<void> {
  const to = outputFormat(output, flags.to);
  if (flags.from) flags.format = flags.from;
  const reader: TraceReader = await openInput(input, flags, { pages: true });
  const nextUse = flags.nextUse ?? false;
  if (nextUse && to !== 'mmsim' && to !== 'oracle') throw new InputError('--next-use applies to mmsim output (oracleGeneral always has it)');
  const opts = { unit: parseUnit(flags.outUnit), detail: reader.format === 'lackey', nextUse };
  const sink = openSink(output, to, opts);
  const { total, done } = await progressTotal(reader);
  const progress = startProgress({ total, quiet: flags.quiet ?? false, label: 'convert' });
  try {
    const n = await pump(reader.batches(), sink, sinkNeedsNextUse(to, opts), (c) => progress.update(done() < 0 ? c : done(), c));
    if (n === 0) throw new InputError(`${input}: empty trace (no references)`);
    await sink.close();
    progress.stop();
    if (!flags.quiet) io.err(`${input} (${reader.format}) -> ${output} (${to}): ${n} references${reader.badRecords ? `, ${reader.badRecords} malformed lines skipped` : ''}\n`);
  } catch (e) {
    progress.stop();
    await sink.abort();
    throw asInputError(e, input);
  }
}

function range(b: number): string {
  if (b === 0) return '0';
  const lo = 2 ** (b - 1);
  const hi = 2 ** b - 1;
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}

async function stats(file: string, flags: InputFlags & { json?: boolean; quiet?: boolean }): Promise<void> {
  const reader = await openInput(file, flags, { pages: true });
  const { total, done } = await progressTotal(reader);
  const progress = startProgress({ total, quiet: flags.quiet ?? false, label: 'stats' });
  let st;
  try {
    st = await traceStats(reader, (n) => progress.update(done() < 0 ? n : done(), n));
  } catch (e) {
    throw asInputError(e, file);
  } finally {
    progress.stop();
  }
  if (st.requests === 0) throw new InputError(`${file}: empty trace (no references)`);
  if (flags.json) {
    const buckets = st.histogram.map((count, b) => ({ distance: range(b), count }));
    io.out(
      `${JSON.stringify({ trace: file, format: reader.format, requests: st.requests, footprint: st.footprint, footprint_bytes: st.footprint * 4096, instr: st.instr, loads: st.loads, stores: st.stores, modifies: st.modifies, min_page: st.minPage, max_page: st.maxPage, cold: st.cold, reuse_histogram: buckets, skipped: reader.badRecords })}\n`,
    );
    return;
  }
  const pct = (x: number): string => `${((100 * x) / st.requests).toFixed(2)}%`;
  const lines = [
    `trace       ${file} (${reader.format})`,
    `requests    ${st.requests}`,
    `footprint   ${st.footprint} pages (${st.footprint < 256 ? `${st.footprint * 4} KiB` : `${((st.footprint * 4096) / 2 ** 20).toFixed(1)} MiB`})`,
    `pages       ${st.minPage} .. ${st.maxPage}`,
    `kinds       I ${st.instr}  L ${st.loads}  S ${st.stores}  M ${st.modifies}`,
    '',
    'reuse distance (distinct pages between two references to a page)',
    `  ${'cold'.padStart(21)}  ${String(st.cold).padStart(12)}  ${pct(st.cold).padStart(7)}`,
  ];
  st.histogram.forEach((count, b) => lines.push(`  ${range(b).padStart(21)}  ${String(count).padStart(12)}  ${pct(count).padStart(7)}`));
  if (reader.badRecords > 0) lines.push(`skipped     ${reader.badRecords} malformed lines`);
  io.out(`${lines.join('\n')}\n`);
}

interface GenFlags {
  alpha: string;
  pages: string;
  requests: string;
  seed: string;
  output: string;
  to?: string;
  quiet?: boolean;
}

async function genZipf(flags: GenFlags): Promise<void> {
  const alpha = Number(flags.alpha);
  if (!Number.isFinite(alpha) || alpha < 0) throw new InputError(`--alpha must be a number >= 0, got '${flags.alpha}'`);
  const pages = positiveInt(flags.pages, '--pages');
  const requests = positiveInt(flags.requests, '--requests');
  const seed = parseSeed(flags.seed);
  const to = outputFormat(flags.output, flags.to);
  const sink = openSink(flags.output, to, {});
  const progress = startProgress({ total: requests, quiet: flags.quiet ?? false, label: 'gen' });
  try {
    await pump(zipfBatches({ alpha, pages, requests, seed }), sink, sinkNeedsNextUse(to, {}), (c) => progress.update(c, c));
    await sink.close();
  } catch (e) {
    await sink.abort();
    throw asInputError(e);
  } finally {
    progress.stop();
  }
}

export function register(program: Command): void {
  const trace = program.command('trace').description('replay (default), convert, inspect and generate memory-reference traces');
  registerReplay(trace); // `mmsim trace FILE` = `mmsim trace replay FILE` (hardware model)

  const conv = trace
    .command('convert')
    .description('convert a trace between formats (output format from --to or the OUT name; .gz compresses)')
    .argument('<in>', 'input trace')
    .argument('<out>', 'output file')
    .option('--from <f>', 'input format (same as --format)')
    .option('--to <f>', 'output format: lackey, text, ostep, csv, oracle, mmsim')
    .option('--out-unit <u>', 'text/ostep output: page numbers or byte addresses', 'page')
    .option('--next-use', 'mmsim output: store next-use times (for OPT; reads the whole trace into memory)')
    .option('-q, --quiet', 'no progress bar or summary');
  inputOptions(conv).action((input: string, output: string, flags: ConvertFlags) => convert(input, output, flags));

  const st = trace
    .command('stats')
    .description('length, footprint and reuse-distance histogram (log2 buckets, exact)')
    .argument('<file>', 'trace file')
    .option('--json', 'print one JSON object')
    .option('-q, --quiet', 'no progress bar');
  inputOptions(st).action((file: string, flags: InputFlags & { json?: boolean; quiet?: boolean }) => stats(file, flags));

  const gen = trace.command('gen').description('generate a synthetic trace');
  gen
    .command('zipf')
    .description('Zipf(alpha) page references, seeded and the same on every machine')
    .option('--alpha <a>', 'Zipf exponent', '1.0')
    .option('--pages <n>', 'number of distinct pages', '1000000')
    .option('--requests <n>', 'number of references', '10000000')
    .option('--seed <n>', 'PRNG seed', '1')
    .requiredOption('-o, --output <file>', 'output file (format from --to or the name)')
    .option('--to <f>', 'output format')
    .option('-q, --quiet', 'no progress bar')
    .action((flags: GenFlags) => genZipf(flags));
}
