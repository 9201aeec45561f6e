// The report of `mmsim trace FILE...` (replay through the whole model): the
// processes' references and faults, then TLB (per array: level and page
// size), page-walk, cache, DRAM, TLB-flush and AMAT figures, as a table or
// as one JSON object. Figures are summed over the CPUs; a cache level that
// all CPUs share appears once.
import type { ThpMode } from '../kernel/machine.js';
import type { ProcessResult } from '../workload/replay/replay.js';
import type { SystemReport } from '../machine/system.js';

/** What `mmsim trace` (without --cachegrind) prints with --json. */
export interface ReplayReport {
  traces: string[];
  machine: { cpus: number; pcid: boolean; thp: ThpMode; quantum: number };
  processes: ProcessResult[];
  /** Per-CPU hardware counters and the TLB-flush counters. */
  hardware: SystemReport;
  total: ReplayTotals;
}

export interface ReplayTotals {
  references: number;
  tlb: {
    dAccesses: number;
    dL1Misses: number;
    iAccesses: number;
    iL1Misses: number;
    stlbHits: number;
    walks: number;
    walks4k: number;
    walks2m: number;
    walks1g: number;
    walkReads: number;
    walkCycles: number;
  };
  /** Per TLB array (level and page sizes), hits and misses. */
  tlbArrays: Array<{ name: string; hits: number; misses: number }>;
  caches: Array<{ name: string; accesses: number; misses: number; writebacks: number }>;
  dramReads: number;
  dramWrites: number;
  cycles: number;
  translationCycles: number;
  amat: number;
}

/** Sums over the CPUs. The i-th cache level is shared when every CPU's report shows the same counters for it. */
export function replayTotals(r: SystemReport, references: number): ReplayTotals {
  const tlb = { dAccesses: 0, dL1Misses: 0, iAccesses: 0, iL1Misses: 0, stlbHits: 0, walks: 0, walks4k: 0, walks2m: 0, walks1g: 0, walkReads: 0, walkCycles: 0 };
  const arrays = new Map<string, { name: string; hits: number; misses: number }>();
  const caches: ReplayTotals['caches'] = [];
  let dramReads = 0;
  let dramWrites = 0;
  let cycles = 0;
  let translationCycles = 0;
  let accesses = 0;
  const first = r.cpus[0]!;
  first.caches.forEach((l, i) => {
    const shared = r.cpus.length > 1 && i >= 2 && r.cpus.every((c) => c.caches[i]!.reads === l.reads && c.caches[i]!.writes === l.writes && c.caches[i]!.evictions === l.evictions);
    const from = shared ? [first] : r.cpus;
    caches.push({
      name: l.name,
      accesses: from.reduce((a, c) => a + c.caches[i]!.reads + c.caches[i]!.writes, 0),
      misses: from.reduce((a, c) => a + c.caches[i]!.readMisses + c.caches[i]!.writeMisses, 0),
      writebacks: from.reduce((a, c) => a + c.caches[i]!.writebacks, 0),
    });
  });
  for (const c of r.cpus) {
    tlb.dAccesses += c.tlb.dAccesses;
    tlb.dL1Misses += c.tlb.dL1Misses;
    tlb.iAccesses += c.tlb.iAccesses;
    tlb.iL1Misses += c.tlb.iL1Misses;
    tlb.stlbHits += c.tlb.stlbHits;
    tlb.walks += c.tlb.walks;
    tlb.walks4k += c.walks.walks4k;
    tlb.walks2m += c.walks.walks2m;
    tlb.walks1g += c.walks.walks1g;
    tlb.walkReads += c.walks.walkReads;
    tlb.walkCycles += c.cost.walkCycles;
    for (const a of c.tlb.arrays) {
      const x = arrays.get(a.name) ?? { name: a.name, hits: 0, misses: 0 };
      x.hits += a.hits;
      x.misses += a.misses;
      arrays.set(a.name, x);
    }
    dramReads += c.dramReads;
    dramWrites += c.dramWrites;
    cycles += c.cost.cycles;
    translationCycles += c.cost.translationCycles;
    accesses += c.cost.accesses;
  }
  return { references, tlb, tlbArrays: [...arrays.values()], caches, dramReads, dramWrites, cycles, translationCycles, amat: accesses === 0 ? 0 : cycles / accesses };
}

const pct = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(2)}%`);
const num = (n: number) => Math.round(n).toLocaleString('en-US');

/** The table form of the report. */
export function formatReplay(r: ReplayReport): string {
  const t = r.total;
  const out: string[] = [];
  const m = r.machine;
  out.push(`machine      ${m.cpus} CPU${m.cpus > 1 ? 's' : ''}, PCID ${m.pcid ? 'on' : 'off'}, THP ${m.thp}, quantum ${num(m.quantum)} references; Skylake TLBs and caches`);
  for (const p of r.processes) {
    const refs = p.references;
    out.push(
      `process      ${p.name} (pid ${p.pid}): ${num(refs.I + refs.L + refs.S + refs.M)} references (I ${num(refs.I)}, L ${num(refs.L)}, S ${num(refs.S)}, M ${num(refs.M)}); ` +
        `${num(p.minflt)} minor and ${num(p.majflt)} major faults` +
        (p.synthesized ? `; ${num(p.synthesized)} mapping${p.synthesized === 1 ? '' : 's'} made up` : '') +
        (p.signals ? `; ${num(p.signals)} references raised a signal` : '') +
        (p.failedEvents ? `; ${num(p.failedEvents)} address-space changes refused` : ''),
    );
  }
  out.push('');
  out.push('TLB                    lookups        hits     misses   miss rate');
  for (const a of t.tlbArrays) {
    if (a.hits + a.misses === 0) continue;
    out.push(`  ${a.name.padEnd(16)} ${num(a.hits + a.misses).padStart(11)} ${num(a.hits).padStart(11)} ${num(a.misses).padStart(10)} ${pct(a.misses, a.hits + a.misses).padStart(11)}`);
  }
  out.push(`  data: ${num(t.tlb.dAccesses)} translations, ${num(t.tlb.dL1Misses)} L1 misses (${pct(t.tlb.dL1Misses, t.tlb.dAccesses)}); instructions: ${num(t.tlb.iAccesses)}, ${num(t.tlb.iL1Misses)} L1 misses (${pct(t.tlb.iL1Misses, t.tlb.iAccesses)})`);
  out.push(`  STLB hits ${num(t.tlb.stlbHits)}; page walks ${num(t.tlb.walks4k + t.tlb.walks2m + t.tlb.walks1g)}: 4K ${num(t.tlb.walks4k)}, 2M ${num(t.tlb.walks2m)}, 1G ${num(t.tlb.walks1g)}`);
  const w = { served: [] as number[], pwc: [0, 0, 0], lookups: 0, a: 0, d: 0, assists: 0, faults: 0 };
  for (const c of r.hardware.cpus) {
    c.walkServedBy.forEach((v, i) => (w.served[i] = (w.served[i] ?? 0) + v));
    w.pwc[0]! += c.pwc.pml4eHits;
    w.pwc[1]! += c.pwc.pdpteHits;
    w.pwc[2]! += c.pwc.pdeHits;
    w.lookups += c.pwc.lookups;
    w.a += c.walks.aSets;
    w.d += c.walks.dSets;
    w.assists += c.walks.dirtyAssists;
    w.faults += c.walks.faultsNotPresent + c.walks.faultsProtection;
  }
  const levels = ['L1d', ...r.hardware.cpus[0]!.caches.slice(2).map((c) => c.name), 'DRAM'];
  const nWalks = t.tlb.walks4k + t.tlb.walks2m + t.tlb.walks1g;
  out.push('');
  out.push(`walks        ${num(t.tlb.walkReads)} entry reads (${(t.tlb.walkReads / Math.max(1, nWalks)).toFixed(2)} per walk) served by ${w.served.map((v, i) => `${levels[i]} ${num(v)}`).join(', ')}`);
  out.push(`             page-walk cache hits: PDE ${num(w.pwc[2]!)}, PDPTE ${num(w.pwc[1]!)}, PML4E ${num(w.pwc[0]!)} in ${num(w.lookups)} lookups`);
  out.push(`             Accessed bits set ${num(w.a)}, Dirty bits set ${num(w.d)} (${num(w.assists)} dirty assists), ${num(w.faults)} page faults raised`);
  out.push('');
  out.push('cache                 accesses      misses   miss rate  writebacks');
  for (const c of t.caches) out.push(`  ${c.name.padEnd(14)} ${num(c.accesses).padStart(13)} ${num(c.misses).padStart(11)} ${pct(c.misses, c.accesses).padStart(11)} ${num(c.writebacks).padStart(11)}`);
  out.push(`  DRAM           ${num(t.dramReads)} line reads, ${num(t.dramWrites)} line writes`);
  out.push('');
  const f = r.hardware.tlbFlush;
  out.push(`TLB flushes  ${num(f.requests)} requests (${num(f.fullRequests)} full); local ${num(f.nr_tlb_local_flush_one)} INVLPG and ${num(f.nr_tlb_local_flush_all)} full; ${num(f.nr_tlb_remote_flush)} sent to other CPUs, ${num(f.nr_tlb_remote_flush_received)} received`);
  for (const c of r.hardware.cpus) {
    const s = c.tlbManagement;
    out.push(
      `  cpu ${c.cpu}        ${num(s.mmSwitches!)} mm switches (${num(s.switchFlushes!)} flushed, ${num(s.switchNoFlush!)} kept the TLB), ${num(s.invlpg!)} INVLPG, ${num(s.flushAll!)} full flushes, ${num(s.ipisReceived!)} IPIs received, ${num(s.lazyEnters!)} lazy-TLB entries`,
    );
  }
  out.push('');
  out.push(`AMAT         ${t.amat.toFixed(2)} cycles per access (${num(t.cycles)} cycles; translation ${num(t.translationCycles)}, of which page walks ${num(t.tlb.walkCycles)})`);
  return out.join('\n') + '\n';
}
