// Throughput of the hardware model: accesses per second through the TLB
// hierarchy, page-walk caches and cache hierarchy (src/hw/memsys.ts), on a
// seeded synthetic stream generated in memory chunk by chunk, and peak memory
// for two stream lengths (it must not grow with the length). Then mitata
// micro-benchmarks of the hit paths, which also report allocations.
//
//   npm run bench -- hw                      # 10^8 accesses
//   HW_BENCH_ACCESSES=10000000 npm run bench -- hw
import { loadavg } from 'node:os';
import { bench, run as mitataRun, summary } from 'mitata';
import { MemorySystem } from '../src/hw/memsys.js';
import { Prng } from '../src/hw/prng.js';
import { TlbArray } from '../src/hw/tlb.js';
import { CacheLevel } from '../src/hw/cache.js';
import { CachegrindSim } from '../src/hw/cachegrind.js';

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
function fillChunk(rng: Prng, addr: Float64Array, kind: Uint8Array, state: Float64Array, coldPercent: number): void {
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
  }
}

function replay(mem: MemorySystem, addr: Float64Array, kind: Uint8Array): void {
  for (let i = 0; i < addr.length; i++) {
    const k = kind[i];
    mem.access(addr[i], k === KIND_FETCH ? 4 : 8, k); // kinds are the OP_* codes
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
}

function throughput(total: number, seed: number, coldPercent: number): Throughput {
  const mem = new MemorySystem();
  const rng = new Prng(seed);
  const addr = new Float64Array(CHUNK);
  const kind = new Uint8Array(CHUNK);
  const state = new Float64Array(2);
  let peakRss = 0;
  let peakHeap = 0;
  let simUs = 0;
  for (let done = 0; done < total; done += CHUNK) {
    fillChunk(rng, addr, kind, state, coldPercent); // generation is not timed
    // CPU time of this thread, so that other processes on the machine do not count.
    const c0 = process.cpuUsage();
    replay(mem, addr, kind);
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
  const r = mem.report();
  return {
    accesses,
    seconds,
    perSecond: accesses / seconds,
    peakRssMiB: peakRss / 2 ** 20,
    peakHeapMiB: peakHeap / 2 ** 20,
    amat: r.cost.amat,
    dTlbMissRate: r.tlb.dL1Misses / r.tlb.dAccesses,
    l1MissRate: (r.caches[0].readMisses + r.caches[1].readMisses + r.caches[1].writeMisses) / r.cost.accesses,
    llcMissRate: r.dramReads / r.cost.accesses,
  };
}

function show(label: string, t: Throughput): void {
  console.log(
    `${label}: ${(t.accesses / 1e6).toFixed(0)} M accesses in ${t.seconds.toFixed(2)} s = ${(t.perSecond / 1e6).toFixed(1)} M accesses/s; ` +
      `peak RSS ${t.peakRssMiB.toFixed(0)} MiB, peak heap ${t.peakHeapMiB.toFixed(0)} MiB; ` +
      `misses per access: dTLB L1 ${(100 * t.dTlbMissRate).toFixed(2)}%, L1 ${(100 * t.l1MissRate).toFixed(2)}%, DRAM ${(100 * t.llcMissRate).toFixed(2)}%; AMAT ${t.amat.toFixed(2)} cycles`,
  );
}

export async function run(): Promise<void> {
  const total = Number(process.env.HW_BENCH_ACCESSES ?? 1e8);
  console.log('# hw: TLB + page-walk caches + caches (src/hw/memsys.ts), Skylake defaults, one core');
  // Figures are CPU time of this thread; on a shared machine they still suffer from the load.
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  show('program-like, 10^6  ', throughput(Math.min(total, 1e6), 1, 2));
  show(`program-like, ${total.toExponential(0).replace('e+', '0^')}`, throughput(total, 1, 2));
  show('TLB-hostile (10% random over 64 MiB), 10^7', throughput(Math.min(total, 1e7), 2, 10));
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  // Hit paths in isolation (mitata reports time and allocations per iteration).
  const tlb = new TlbArray({ entries: 64, ways: 4, pageShifts: [12] });
  for (let p = 0; p < 64; p++) tlb.fill(p * 4096, 1, { pageShift: 12, pfn: p + 100, flags: 0 });
  const l1 = new CacheLevel({ name: 'L1d', sizeBytes: 32768, ways: 8, lineBytes: 64 });
  for (let line = 0; line < 512; line++) l1.access(line, false);
  const cg = new CachegrindSim();
  let x = 0;
  summary(() => {
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
