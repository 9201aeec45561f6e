// Throughput of the hardware model: accesses per second through a core's MMU
// on the simulated kernel's page tables (src/hw/mmu.ts via src/machine/:
// TLB hierarchy, page walks through the page-walk caches and the data
// caches, cache hierarchy, and the kernel's page faults on first touch), on
// a seeded program-like stream of references generated in memory chunk by
// chunk (a trace of 10^8 references, never held whole), and peak memory for
// two lengths (it must not grow with the length). Then mitata
// micro-benchmarks of the hit paths, which also report allocations.
//
//   npm run bench -- hw                      # 10^8 accesses
//   HW_BENCH_ACCESSES=10000000 npm run bench -- hw
//   HW_BENCH_COLD=0 npm run bench -- hw      # no random heap references (default 2%)
import { loadavg } from 'node:os';
import { bench, run as mitataRun, summary } from 'mitata';
import { Machine } from '../src/api/machine.js';
import { System } from '../src/machine/system.js';
import { Prng } from '../src/hw/prng.js';
import { TlbArray } from '../src/hw/tlb.js';
import { CacheLevel } from '../src/hw/cache.js';
import { CachegrindSim } from '../src/hw/cachegrind.js';
import type { Mmu } from '../src/hw/mmu.js';

const CHUNK = 1 << 16;
const KIND_FETCH = 0;
const KIND_LOAD = 1;
const KIND_STORE = 2;

/**
 * Fills one chunk of a program-like stream (kinds are OP_FETCH/LOAD/STORE):
 *  - a third are instruction fetches: sequential through a 16 KiB loop
 *    body, jumping within it one time in 16 and into a 1 MiB library one
 *    time in 512;
 *  - data: 50% a 4 KiB stack frame, 20% a sequential 8-byte sweep over
 *    4 MiB, 30% - cold% an 8 KiB lookup table, and `coldPercent`% uniform
 *    over a 64 MiB heap (the TLB and cache misses); 30% are stores.
 * state[0] is the pc offset, state[1] the sweep offset.
 */
function fillChunk(rng: Prng, addr: Float64Array, kind: Uint8Array, size: Uint8Array, state: Float64Array, coldPercent: number): void {
  const CODE = 0x40_0000;
  const LIB = 0x7f80_0000_0000;
  const STACK = 0x7ffd_f000_0000;
  const SWEEP = 0x5555_5000_0000;
  const TABLE = 0x5555_4000_0000;
  const HEAP = 0x7f00_0000_0000;
  for (let i = 0; i < addr.length; i++) {
    const r = rng.nextU32();
    if (r % 3 === 0) {
      const j = (r >>> 2) & 511;
      if (j === 0) addr[i] = LIB + ((r >>> 11) % (1024 * 1024));
      else {
        state[0] = (j & 31) === 0 ? ((r >>> 11) % 4096) * 4 : (state[0] + 4) % 16384;
        addr[i] = CODE + state[0];
      }
      kind[i] = KIND_FETCH;
      size[i] = 4;
      continue;
    }
    const r2 = rng.nextU32();
    const p = r2 % 100;
    if (p < coldPercent) addr[i] = HEAP + ((r2 >>> 7) % ((64 * 1024 * 1024) / 8)) * 8;
    else if (p < 30) addr[i] = TABLE + ((r2 >>> 7) % 1024) * 8;
    else if (p < 80) addr[i] = STACK + ((r2 >>> 7) % 512) * 8;
    else {
      state[1] = (state[1] + 8) % (4 * 1024 * 1024);
      addr[i] = SWEEP + state[1];
    }
    kind[i] = (r2 >>> 24) % 10 < 3 ? KIND_STORE : KIND_LOAD;
    size[i] = 8;
  }
}

/** A process with the stream's mappings (code and library read-execute, the rest read-write), running on CPU 0. */
function setUp(): { sys: System; mmu: Mmu; machine: Machine } {
  const machine = new Machine({ memtotal: '4G', cpus: 1 });
  const sys = new System(machine.kernel);
  const p = machine.spawn('bench', { image: null });
  const map = (addr: number, length: number, prot: 'rx' | 'rw') => p.mmap({ length, prot, flags: ['private', 'anonymous', 'fixed'], addr });
  map(0x40_0000, 16384, 'rx');
  map(0x7f80_0000_0000, 1 << 20, 'rx');
  map(0x7ffd_f000_0000, 1 << 20, 'rw');
  map(0x5555_5000_0000, 4 << 20, 'rw');
  map(0x5555_4000_0000, 1 << 20, 'rw');
  map(0x7f00_0000_0000, 64 << 20, 'rw');
  sys.run(0, p.task);
  return { sys, mmu: sys.cores[0]!, machine };
}

/**
 * The per-reference loop of a replay (as src/workload/replay/replay.ts runs
 * a trace's batches: address, kind and size arrays): the MMU's hit path,
 * faults to the kernel.
 */
function replay(sys: System, mmu: Mmu, addr: Float64Array, kind: Uint8Array, size: Uint8Array): void {
  for (let i = 0; i < addr.length; i++) {
    const k = kind[i]!; // kinds are the OP_* codes
    const a = addr[i]!;
    const n = size[i]!;
    if (mmu.access(a, n, k) < 0) sys.fault(0, a, n, k);
  }
}

interface Throughput {
  accesses: number;
  l1MissRate: number;
  llcMissRate: number;
  seconds: number;
  perSecond: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  amat: number;
  dTlbMissRate: number;
  walkRate: number;
  faults: number;
}

function throughput(total: number, seed: number, coldPercent: number): Throughput {
  const { sys, mmu } = setUp();
  const rng = new Prng(seed);
  const addr = new Float64Array(CHUNK);
  const kind = new Uint8Array(CHUNK);
  const size = new Uint8Array(CHUNK);
  const state = new Float64Array(2);
  let peakRss = 0;
  let peakHeap = 0;
  let simUs = 0;
  for (let done = 0; done < total; done += CHUNK) {
    fillChunk(rng, addr, kind, size, state, coldPercent); // generation is not timed
    // CPU time of this thread, so that other processes on the machine do not count.
    const c0 = process.cpuUsage();
    replay(sys, mmu, addr, kind, size);
    const c = process.cpuUsage(c0);
    simUs += c.user + c.system;
    if ((done / CHUNK) % 64 === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }
  }
  const accesses = Math.ceil(total / CHUNK) * CHUNK;
  const seconds = simUs / 1e6;
  const r = sys.report().cpus[0]!;
  return {
    accesses,
    seconds,
    perSecond: accesses / seconds,
    peakRssMiB: peakRss / 2 ** 20,
    peakHeapMiB: peakHeap / 2 ** 20,
    amat: r.cost.amat,
    dTlbMissRate: r.tlb.dL1Misses / r.tlb.dAccesses,
    walkRate: (r.walks.walks4k + r.walks.walks2m) / accesses,
    l1MissRate: (r.caches[0]!.readMisses + r.caches[1]!.readMisses + r.caches[1]!.writeMisses) / r.cost.accesses,
    llcMissRate: r.dramReads / r.cost.accesses,
    faults: sys.faults,
  };
}

function show(label: string, t: Throughput): void {
  console.log(
    `${label}: ${(t.accesses / 1e6).toFixed(0)} M accesses in ${t.seconds.toFixed(2)} s = ${(t.perSecond / 1e6).toFixed(1)} M accesses/s; ` +
      `peak RSS ${t.peakRssMiB.toFixed(0)} MiB, peak heap ${t.peakHeapMiB.toFixed(0)} MiB; ` +
      `misses per access: dTLB L1 ${(100 * t.dTlbMissRate).toFixed(2)}%, walks ${(100 * t.walkRate).toFixed(2)}%, L1 ${(100 * t.l1MissRate).toFixed(2)}%, DRAM ${(100 * t.llcMissRate).toFixed(2)}%; ${t.faults} page faults; AMAT ${t.amat.toFixed(2)} cycles`,
  );
}

export async function run(): Promise<void> {
  const total = Number(process.env.HW_BENCH_ACCESSES ?? 1e8);
  const cold = Number(process.env.HW_BENCH_COLD ?? 2);
  console.log('# hw: MMU on the kernel page tables (TLBs + walks + page-walk caches + caches + faults), Skylake defaults, one core');
  // Figures are CPU time of this thread; on a shared machine they still suffer from the load.
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`random heap references: ${cold}% of data references`);
  show('program-like, 10^6  ', throughput(Math.min(total, 1e6), 1, cold));
  show(`program-like, ${total.toExponential().replace('e+', ' x 10^').replace(/^1 x /, '')}`, throughput(total, 1, cold));
  show('TLB-hostile (10% random over 64 MiB), 10^7', throughput(Math.min(total, 1e7), 2, 10));
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  // Hit paths in isolation (mitata reports time and allocations per iteration).
  const tlb = new TlbArray({ entries: 64, ways: 4, pageShifts: [12] });
  for (let p = 0; p < 64; p++) tlb.fill(p * 4096, 1, { pageShift: 12, pfn: p + 100, flags: 0 });
  const l1 = new CacheLevel({ name: 'L1d', sizeBytes: 32768, ways: 8, lineBytes: 64 });
  for (let line = 0; line < 512; line++) l1.access(line, false);
  const cg = new CachegrindSim();
  // The whole per-access path, as the replay loop runs it: 1024 loads of a
  // warm page (TLB hit, permission check, L1d hit) per iteration.
  const warm = setUp();
  const hitAddr = new Float64Array(1024);
  const hitKind = new Uint8Array(1024).fill(KIND_LOAD);
  const hitSize = new Uint8Array(1024).fill(8);
  for (let i = 0; i < 1024; i++) hitAddr[i] = 0x5555_4000_0000 + ((i * 64) % 4096);
  replay(warm.sys, warm.mmu, hitAddr, hitKind, hitSize);
  let x = 0;
  summary(() => {
    bench('replay loop, 1024 x Mmu.access hit (L1 dTLB + L1d)', () => {
      replay(warm.sys, warm.mmu, hitAddr, hitKind, hitSize);
    });
    bench('TlbArray.lookup hit (4K, 64 x 4-way)', () => {
      x = (x + 4104) % (64 * 4096);
      return tlb.lookup(x, 1);
    });
    bench('CacheLevel.access hit (L1d 32K 8-way)', () => {
      x = (x + 1) % 512;
      return l1.access(x, false);
    });
    bench('CachegrindSim.read (hit)', () => {
      x = (x + 8) % 16384;
      cg.read(0x10000 + x, 8);
    });
  });
  await mitataRun();
}
