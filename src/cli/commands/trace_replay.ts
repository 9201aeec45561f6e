// `mmsim trace FILE --cachegrind [--I1 s,a,l] [--D1 ...] [--LL ...] [--json]`:
// the default subcommand (`replay`) of `mmsim trace`. It replays a valgrind
// lackey trace through the cachegrind-compatible simulator and prints the
// counts under cachegrind's own event names. Without --cachegrind it replays
// the trace through the hardware model (TLBs, page-walk caches, caches, cost
// model) with the memory system's synthetic translation (hw/memsys.ts), until
// the kernel engine supplies the process's page tables (TODO(#4)).
import { Command } from 'commander';
import { InputError } from '../errors.js';
import { openLackey } from '../../workload/trace/lackey.js';
import { TraceError } from '../../workload/trace/errors.js';
import { REF_INSTR, REF_STORE, type RefBatch } from '../../workload/trace/ref.js';
import {
  CACHEGRIND_DEFAULTS,
  CG_EVENTS,
  CachegrindSim,
  describeCgCache,
  parseCgCache,
  type CachegrindConfig,
  type CgCacheSpec,
} from '../../hw/cachegrind.js';
import { MemorySystem, type MemorySystemReport } from '../../hw/memsys.js';
import { REF_LOAD } from '../../workload/trace/ref.js';

interface ReplayOptions {
  cachegrind?: boolean;
  I1?: string;
  D1?: string;
  LL?: string;
  json?: boolean;
}

function cacheOption(name: 'I1' | 'D1' | 'LL', text: string | undefined, fallback: CgCacheSpec): CgCacheSpec {
  if (text === undefined) return fallback;
  const spec = parseCgCache(text);
  if (typeof spec === 'string') throw new InputError(`--${name}: ${spec}`);
  return spec;
}

/** The cache configuration the options ask for, cachegrind's defaults filling the gaps. */
export function cachegrindConfigOf(opts: ReplayOptions): CachegrindConfig {
  return {
    I1: cacheOption('I1', opts.I1, CACHEGRIND_DEFAULTS.I1),
    D1: cacheOption('D1', opts.D1, CACHEGRIND_DEFAULTS.D1),
    LL: cacheOption('LL', opts.LL, CACHEGRIND_DEFAULTS.LL),
  };
}

/** Replays every reference of the lackey trace at `file` through `sim`. */
export async function replayCachegrind(file: string, sim: CachegrindSim): Promise<void> {
  const reader = openLackey(file);
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

/** One batch through the hardware model. Returns nothing; counters live in `mem`. */
export function feedMemorySystem(mem: MemorySystem, b: RefBatch, refs: Float64Array): void {
  const addr = b.addr;
  const kind = b.kind;
  const size = b.size;
  for (let i = 0; i < b.length; i++) {
    const k = kind[i];
    const n = size[i] || 1;
    refs[k]++;
    if (k === REF_INSTR) mem.fetch(addr[i], n);
    else if (k === REF_LOAD) mem.load(addr[i], n);
    else if (k === REF_STORE) mem.store(addr[i], n);
    else mem.modify(addr[i], n);
  }
}

interface HwReport extends MemorySystemReport {
  references: { I: number; L: number; S: number; M: number };
}

function formatHw(r: HwReport): string {
  const pct = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(2)}%`);
  const refs = r.references;
  const out = [
    'note: synthetic translation until page tables exist: 4 KiB pages, frames in first-touch order',
    `references   ${refs.I + refs.L + refs.S + refs.M}  (I ${refs.I}, L ${refs.L}, S ${refs.S}, M ${refs.M})`,
    `dTLB         ${r.tlb.dAccesses} accesses, ${r.tlb.dL1Misses} L1 misses (${pct(r.tlb.dL1Misses, r.tlb.dAccesses)})`,
    `iTLB         ${r.tlb.iAccesses} accesses, ${r.tlb.iL1Misses} L1 misses (${pct(r.tlb.iL1Misses, r.tlb.iAccesses)})`,
    `STLB         ${r.tlb.stlbHits} hits, ${r.tlb.walks} walks, ${r.pwc.walkReads} walk reads`,
  ];
  for (const c of r.caches) {
    out.push(`${c.name.padEnd(12)} ${c.reads + c.writes} accesses, ${c.readMisses + c.writeMisses} misses (${pct(c.readMisses + c.writeMisses, c.reads + c.writes)}), ${c.writebacks} writebacks`);
  }
  out.push(`DRAM         ${r.dramReads} line reads, ${r.dramWrites} line writes`);
  out.push(`AMAT         ${r.cost.amat.toFixed(2)} cycles (${r.cost.cycles} cycles, of which ${r.cost.translationCycles} translation)`);
  return out.join('\n') + '\n';
}

async function runReplay(file: string, opts: ReplayOptions): Promise<void> {
  try {
    if (opts.cachegrind) {
      const sim = new CachegrindSim(cachegrindConfigOf(opts));
      await replayCachegrind(file, sim);
      process.stdout.write(opts.json ? JSON.stringify(sim.result()) + '\n' : formatCachegrind(sim));
      return;
    }
    if (opts.I1 !== undefined || opts.D1 !== undefined || opts.LL !== undefined) {
      throw new InputError('--I1, --D1 and --LL apply only with --cachegrind');
    }
    const mem = new MemorySystem();
    const refs = new Float64Array(4);
    const reader = openLackey(file);
    for await (const b of reader.batches()) feedMemorySystem(mem, b, refs);
    const report: HwReport = { references: { I: refs[0], L: refs[1], S: refs[2], M: refs[3] }, ...mem.report() };
    process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : formatHw(report));
  } catch (err) {
    if (err instanceof TraceError) throw new InputError(err.message);
    if (err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR')) {
      throw new InputError(`${file}: cannot read (${err.code})`);
    }
    throw err;
  }
}

/**
 * Adds the default subcommand `replay` to the `trace` command, so that
 * `mmsim trace FILE --cachegrind` runs it.
 */
export function registerReplay(trace: Command): void {
  trace
    .command('replay', { isDefault: true })
    .description('replay a valgrind lackey trace through the hardware model, or count as cachegrind does (--cachegrind)')
    .argument('<file>', 'trace from valgrind --tool=lackey --trace-mem=yes (plain or gzip)')
    .option('--cachegrind', 'count Ir, I1mr, ILmr, Dr, D1mr, DLmr, Dw, D1mw, DLmw exactly as valgrind --tool=cachegrind --cache-sim=yes')
    .option('--I1 <size,assoc,line>', 'I1 cache, as cachegrind takes it (default 32768,8,64)')
    .option('--D1 <size,assoc,line>', 'D1 cache (default 32768,8,64)')
    .option('--LL <size,assoc,line>', 'LL cache (default 268435456,1,64, what cachegrind detects on this machine)')
    .option('--json', 'print one JSON object')
    .action(runReplay);
}
