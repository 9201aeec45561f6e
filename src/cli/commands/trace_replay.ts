// `mmsim trace FILE... [--cpus N] [--quantum N] [--no-pcid] [--thp MODE] [--json]`
// and `mmsim trace FILE --cachegrind [--I1 s,a,l] [--D1 ...] [--LL ...] [--json]`:
// the default subcommand (`replay`) of `mmsim trace`. Without --cachegrind
// each trace (a valgrind lackey trace, or an mmsim trace from `mmsim record`
// with its address space) becomes a simulated process whose every reference
// goes through the whole model: its mappings in the simulated kernel, the
// MMU's TLBs, page walks and caches, page faults (src/workload/replay/replay.ts);
// several traces are interleaved on the CPUs a quantum at a time. The report
// is in ../replay_report.ts. With --cachegrind it counts as cachegrind does
// and prints cachegrind's event names.
import { Command } from 'commander';
import { InputError } from '../errors.js';
import { openLackey } from '../../workload/trace/lackey.js';
import { TraceError } from '../../workload/trace/errors.js';
import { openMmsim } from '../../workload/trace/mmsim.js';
import { detectFormat } from '../../workload/trace/open.js';
import type { TraceReader } from '../../workload/trace/reader.js';
import { REF_INSTR, REF_STORE, type RefBatch } from '../../workload/trace/ref.js';
import { parseAddressSpace, type RecordedAddressSpace } from '../../workload/trace/address_space.js';
import {
  CACHEGRIND_DEFAULTS,
  CG_EVENTS,
  CachegrindSim,
  checkCgConfig,
  describeCgCache,
  parseCgCache,
  type CachegrindConfig,
  type CgCacheSpec,
} from '../../hw/cachegrind.js';
import { Kernel } from '../../kernel/kernel.js';
import { DEFAULT_MACHINE, type ThpMode } from '../../kernel/machine.js';
import { System } from '../../machine/system.js';
import { replay } from '../../workload/replay/replay.js';
import { startProgress } from '../progress.js';
import { formatReplay, replayTotals, type ReplayReport } from '../replay_report.js';
import { positiveInt } from './sim.js';

interface ReplayOptions {
  cachegrind?: boolean;
  I1?: string;
  D1?: string;
  LL?: string;
  json?: boolean;
  cpus?: string;
  quantum?: string;
  pcid?: boolean;
  thp?: string;
  quiet?: boolean;
}

function cacheOption(name: 'I1' | 'D1' | 'LL', text: string | undefined, fallback: CgCacheSpec): CgCacheSpec {
  if (text === undefined) return fallback;
  const spec = parseCgCache(text);
  if (typeof spec === 'string') throw new InputError(`--${name}: ${spec}`);
  return spec;
}

/** The cache configuration the options ask for, cachegrind's defaults filling the gaps. */
export function cachegrindConfigOf(opts: ReplayOptions): CachegrindConfig {
  const config = {
    I1: cacheOption('I1', opts.I1, CACHEGRIND_DEFAULTS.I1),
    D1: cacheOption('D1', opts.D1, CACHEGRIND_DEFAULTS.D1),
    LL: cacheOption('LL', opts.LL, CACHEGRIND_DEFAULTS.LL),
  };
  const bad = checkCgConfig(config);
  // As cachegrind says it before exiting: "Cachegrind: cannot continue: ..."
  if (bad) throw new InputError(`cannot continue: ${bad}`);
  return config;
}

/**
 * Opens a trace with byte addresses, kinds and sizes: a lackey trace, or an
 * mmsim trace (with its maps section, if any). Other formats carry no
 * access kinds and sizes and are refused.
 */
export async function openByteTrace(file: string): Promise<{ reader: TraceReader; space: RecordedAddressSpace | null }> {
  const format = await detectFormat(file);
  if (format === 'lackey') return { reader: openLackey(file), space: null };
  if (format !== 'mmsim') throw new InputError(`${file}: a ${format} trace has no access kinds and sizes; replay takes a lackey trace or an mmsim trace from mmsim record`);
  const reader = await openMmsim(file, { pages: true });
  let space: RecordedAddressSpace | null = null;
  if (reader.maps !== null) {
    try {
      space = parseAddressSpace(reader.maps);
    } catch (err) {
      throw new InputError(`${file}: ${(err as Error).message}`);
    }
  }
  return { reader, space };
}

/** Replays every reference of the trace at `file` through `sim`. */
export async function replayCachegrind(file: string, sim: CachegrindSim): Promise<void> {
  const { reader } = await openByteTrace(file);
  for await (const b of reader.batches()) feedCachegrind(sim, b);
}

/** One batch through the cachegrind simulator: I fetches, L and M reads, S writes. */
export function feedCachegrind(sim: CachegrindSim, b: RefBatch): void {
  const addr = b.addr;
  const kind = b.kind;
  const size = b.size;
  for (let i = 0; i < b.length; i++) {
    const k = kind[i];
    if (k === REF_INSTR) sim.instr(addr[i], size[i]);
    else if (k === REF_STORE) sim.write(addr[i], size[i]);
    else sim.read(addr[i], size[i]); // load, or modify: cachegrind counts a modify as one read
  }
}

/** cachegrind-style text: the cache descriptions, then one `name value` line per event. */
export function formatCachegrind(sim: CachegrindSim): string {
  const c = sim.result();
  const width = Math.max(...CG_EVENTS.map((e) => String(c[e]).length));
  const lines = [
    `I1 cache: ${describeCgCache(sim.config.I1)}`,
    `D1 cache: ${describeCgCache(sim.config.D1)}`,
    `LL cache: ${describeCgCache(sim.config.LL)}`,
    ...CG_EVENTS.map((e) => `${e.padEnd(5)} ${String(c[e]).padStart(width)}`),
  ];
  return lines.join('\n') + '\n';
}

const THP_MODES: ThpMode[] = ['always', 'madvise', 'never'];

/** Replays `files` through the whole model and prints the report. */
async function runModel(files: string[], opts: ReplayOptions): Promise<void> {
  const cpus = opts.cpus === undefined ? 1 : positiveInt(opts.cpus, '--cpus');
  const quantum = opts.quantum === undefined ? 100000 : positiveInt(opts.quantum, '--quantum');
  const thp = (opts.thp ?? DEFAULT_MACHINE.thp) as ThpMode;
  if (!THP_MODES.includes(thp)) throw new InputError(`--thp: expected ${THP_MODES.join(', ')}, got '${opts.thp}'`);
  const pcid = opts.pcid !== false;
  const inputs = [];
  let known = 0;
  for (const f of files) {
    const { reader, space } = await openByteTrace(f);
    if (reader.knownLength > 0) known += reader.knownLength;
    const name = space?.command[0]?.split('/').pop() ?? f.split('/').pop()!.replace(/\..*$/, '');
    inputs.push({ name: name.slice(0, 15), space, batches: reader.batches() });
  }
  const kernel = new Kernel({ ...DEFAULT_MACHINE, cpus, thp });
  const sys = new System(kernel, { pcid });
  const progress = startProgress({ total: known, quiet: opts.quiet ?? false, label: 'replay' });
  const processes = await replay(sys, inputs, { quantum, onProgress: (n) => progress.update(n, n) });
  progress.stop();
  const hardware = sys.report();
  const references = processes.reduce((a, p) => a + p.references.I + p.references.L + p.references.S + p.references.M, 0);
  const report: ReplayReport = { traces: files, machine: { cpus, pcid, thp, quantum }, processes, hardware, total: replayTotals(hardware, references) };
  process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : formatReplay(report));
}

async function runReplay(files: string[], opts: ReplayOptions): Promise<void> {
  try {
    if (opts.cachegrind) {
      if (files.length !== 1) throw new InputError('--cachegrind replays one trace');
      const sim = new CachegrindSim(cachegrindConfigOf(opts));
      await replayCachegrind(files[0]!, sim);
      process.stdout.write(opts.json ? JSON.stringify(sim.result()) + '\n' : formatCachegrind(sim));
      return;
    }
    if (opts.I1 !== undefined || opts.D1 !== undefined || opts.LL !== undefined) {
      throw new InputError('--I1, --D1 and --LL apply only with --cachegrind');
    }
    await runModel(files, opts);
  } catch (err) {
    if (err instanceof TraceError) throw new InputError(err.message);
    if (err instanceof Error && 'code' in err && 'path' in err && (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR')) {
      throw new InputError(`${String(err.path)}: cannot read (${err.code})`);
    }
    throw err;
  }
}

/**
 * Adds the default subcommand `replay` to the `trace` command, so that
 * `mmsim trace FILE` and `mmsim trace FILE --cachegrind` run it.
 */
export function registerReplay(trace: Command): void {
  trace
    .command('replay', { isDefault: true })
    .description('replay traces through the whole model (mappings, faults, TLBs, page walks, caches), or count as cachegrind does (--cachegrind)')
    .argument('<files...>', 'valgrind lackey traces (plain or gzip), or mmsim traces from mmsim record')
    .option('--cpus <n>', 'CPUs; several traces are interleaved on them (default 1)')
    .option('--quantum <n>', 'references a process runs before the scheduler switches (default 100000)')
    .option('--no-pcid', 'no PCID: every context switch flushes the TLB')
    .option('--thp <mode>', 'transparent huge pages: always, madvise or never (default madvise)')
    .option('--cachegrind', 'count Ir, I1mr, ILmr, Dr, D1mr, DLmr, Dw, D1mw, DLmw exactly as valgrind --tool=cachegrind --cache-sim=yes')
    .option('--I1 <size,assoc,line>', 'I1 cache, as cachegrind takes it (default 32768,8,64)')
    .option('--D1 <size,assoc,line>', 'D1 cache (default 32768,8,64)')
    .option('--LL <size,assoc,line>', 'LL cache (default 268435456,1,64, what cachegrind detects on this machine)')
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress bar')
    .action(runReplay);
}
