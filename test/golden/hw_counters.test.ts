// Exact counter dumps of the hardware model (src/hw via src/machine/system.ts)
// on long seeded streams, against fixtures/hw/counters.json: every TLB array,
// page-walk-cache, MMU and cache-level counter, the served-by rows, DRAM
// traffic, the TLB management counters, the sum of the physical addresses
// returned and a digest of what every TLB and cache holds at the end. The
// hot paths are rewritten for speed from time to time; this pins down that
// they still compute the same thing, for every replacement policy, tiny and
// Skylake geometries, 4 KiB and 2 MiB pages, straddling accesses, faults,
// signals, flushes and context switches on two CPUs.
// UPDATE_GOLDEN=1 rewrites the fixture (only after a deliberate model change).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Machine, type Process } from '../../src/api/machine.js';
import { OP_FETCH, OP_LOAD, OP_STORE } from '../../src/hw/cache_hierarchy.js';
import { SKYLAKE_HARDWARE, type HardwareConfig } from '../../src/hw/cores.js';
import type { ReplacementName } from '../../src/hw/policies/replacement.js';
import { Prng } from '../../src/hw/prng.js';
import { System } from '../../src/machine/system.js';

const FIXTURE = 'fixtures/hw/counters.json';

/** Small structures, so that every level evicts all the time. */
function tiny(policy: ReplacementName): HardwareConfig {
  return {
    ...SKYLAKE_HARDWARE,
    tlb: {
      l1d: [
        { entries: 8, ways: 2, pageSizes: ['4k'] },
        { entries: 4, ways: 2, pageSizes: ['2m'] },
      ],
      l1i: [{ entries: 8, ways: 4, pageSizes: ['4k', '2m'] }],
      stlb: [{ entries: 48, ways: 12, pageSizes: ['4k', '2m'] }],
      policy,
      seed: 3,
    },
    pwc: { pml4e: { entries: 2, ways: 2 }, pdpte: { entries: 2, ways: 2 }, pde: { entries: 8, ways: 2 }, policy, seed: 5 },
    caches: {
      l1i: { name: 'L1i', sizeBytes: 1024, ways: 2, lineBytes: 64, policy, seed: 11 },
      l1d: { name: 'L1d', sizeBytes: 2048, ways: 4, lineBytes: 64, policy, seed: 12 },
      lower: [
        { name: 'L2', sizeBytes: 8192, ways: 4, lineBytes: 64, policy, seed: 13 },
        { name: 'LLC', sizeBytes: 32768, ways: 8, lineBytes: 64, inclusive: true, policy, seed: 14 },
      ],
    },
  };
}

/** Skylake geometry with one policy everywhere. */
function skylake(policy: ReplacementName): HardwareConfig {
  const c = SKYLAKE_HARDWARE.caches;
  return {
    ...SKYLAKE_HARDWARE,
    tlb: { ...SKYLAKE_HARDWARE.tlb, policy },
    pwc: { ...SKYLAKE_HARDWARE.pwc, policy },
    caches: { l1i: { ...c.l1i, policy }, l1d: { ...c.l1d, policy }, lower: c.lower.map((l) => ({ ...l, policy })) },
  };
}

interface Case {
  name: string;
  hardware: HardwareConfig;
  cpus: number;
  pcid: boolean;
  accesses: number;
  seed: number;
}

const CASES: Case[] = [
  { name: 'skylake lru, 1 cpu', hardware: SKYLAKE_HARDWARE, cpus: 1, pcid: true, accesses: 1_000_000, seed: 1 },
  { name: 'skylake plru, 2 cpus', hardware: skylake('plru'), cpus: 2, pcid: true, accesses: 200_000, seed: 2 },
  { name: 'skylake random, 2 cpus, no pcid', hardware: skylake('random'), cpus: 2, pcid: false, accesses: 200_000, seed: 3 },
  { name: 'tiny lru, 2 cpus', hardware: tiny('lru'), cpus: 2, pcid: true, accesses: 200_000, seed: 4 },
  { name: 'tiny plru, 2 cpus, no pcid', hardware: tiny('plru'), cpus: 2, pcid: false, accesses: 150_000, seed: 5 },
  { name: 'tiny random, 2 cpus', hardware: tiny('random'), cpus: 2, pcid: true, accesses: 150_000, seed: 6 },
];

const CODE = 0x40_0000;
const LIB = 0x7f80_0000_0000;
const STACK = 0x7ffd_f000_0000;
const TABLE = 0x5555_4000_0000;
const SWEEP = 0x5555_5000_0000;
const HEAP = 0x7f00_0000_0000;
/** 2 MiB aligned, madvise(MADV_HUGEPAGE): THP leaves, 2 MiB TLB entries. */
const HUGE = 0x7e00_0000_0000;
/** Read-only: stores to it are SIGSEGV. */
const RO = 0x6000_0000_0000;
/** Shared anonymous (shmem, no write-notify): a store after a read fault is a dirty assist. */
const SHM = 0x6100_0000_0000;

/** A process with the stream's mappings. */
function setUpProcess(m: Machine, name: string): Process {
  const p = m.spawn(name, { image: null });
  const map = (addr: number, length: number, prot: 'rx' | 'rw' | 'r') => p.mmap({ length, prot, flags: ['private', 'anonymous', 'fixed'], addr });
  map(CODE, 64 << 10, 'rx');
  map(LIB, 2 << 20, 'rx');
  map(STACK, 1 << 20, 'rw');
  map(TABLE, 1 << 20, 'rw');
  map(SWEEP, 4 << 20, 'rw');
  map(HEAP, 16 << 20, 'rw');
  map(HUGE, 8 << 20, 'rw');
  p.madvise(HUGE, 8 << 20, 'hugepage');
  map(RO, 64 << 10, 'r');
  p.mmap({ length: 1 << 20, prot: 'rw', flags: ['shared', 'anonymous', 'fixed'], addr: SHM });
  return p;
}

/**
 * One reference of a program-like mix: fetches through a loop and a
 * library, stack, table, a sweep, random heap and huge-page words, and
 * now and then a straddling or a faulting access.
 */
function nextRef(rng: Prng, state: Float64Array): { va: number; size: number; op: number } {
  const r = rng.nextU32();
  const s = rng.nextU32();
  if (r % 3 === 0) {
    if ((r & 0xff0) === 0) return { va: LIB + (s % (2 << 20)), size: 4, op: OP_FETCH };
    state[0] = (r & 0x1f0) === 0 ? (s % 16384) * 4 : (state[0]! + 4) % 65536;
    return { va: CODE + state[0]! - ((r >>> 12) % 64 === 0 ? 2 : 0), size: (r >>> 12) % 64 === 0 ? 8 : 4, op: OP_FETCH };
  }
  const op = s % 10 < 3 ? OP_STORE : OP_LOAD;
  const p = (r >>> 8) % 1000;
  if (p < 4) return { va: RO + (s % 65536), size: 4, op: OP_STORE };
  if (p < 12) return { va: SHM + ((s >>> 3) % (1 << 17)) * 8, size: 8, op };
  if (p < 20) return { va: TABLE + (s % (1 << 20)) - 3, size: 1 + ((s >>> 20) % 16), op }; // unaligned, may straddle lines and pages
  if (p < 80) return { va: HEAP + ((s >>> 3) % (2 << 20)) * 8, size: 8, op };
  if (p < 120) return { va: HUGE + ((s >>> 3) % (1 << 20)) * 8, size: 8, op };
  if (p < 350) return { va: TABLE + ((s >>> 5) % 1024) * 8, size: 8, op };
  if (p < 800) return { va: STACK + ((s >>> 5) % 1024) * 8, size: 8, op };
  state[1] = (state[1]! + 8) % (4 << 20);
  return { va: SWEEP + state[1]!, size: 8, op };
}

function digestState(sys: System): string {
  const h = createHash('sha256');
  for (const mmu of sys.cores) {
    for (const a of [...mmu.tlb.all(), mmu.pwc.pml4e, mmu.pwc.pdpte, mmu.pwc.pde]) {
      const entries = a.validEntries().map((e) => [e.vpn, e.pageShift, e.asid, e.pfn, e.flags].join(':'));
      h.update(`${a.name}|${entries.sort().join(',')}\n`);
    }
    for (const c of mmu.caches.all()) {
      const lines = c.lines().map((l) => `${l}${c.isDirty(l) ? 'd' : ''}`);
      h.update(`${c.name}|${lines.sort().join(',')}\n`);
    }
  }
  return h.digest('hex');
}

/** Runs a case and returns everything it counted. */
function runCase(c: Case): unknown {
  const m = new Machine({ memtotal: '1G', cpus: c.cpus, thp: 'madvise' });
  const sys = new System(m.kernel, { hardware: c.hardware, pcid: c.pcid });
  const procs = [setUpProcess(m, 'a'), setUpProcess(m, 'b')];
  const rng = new Prng(c.seed);
  const state = new Float64Array(2);
  let paSum = 0;
  let signals = 0;
  let cur = 0;
  for (let cpu = 0; cpu < c.cpus; cpu++) sys.run(cpu, procs[(cpu + cur) % 2]!.task);
  for (let i = 0; i < c.accesses; i++) {
    const cpu = i % c.cpus;
    if (i % 20_000 === 19_999) {
      // Kernel work between slices: flushes by range, by page, full; a context switch.
      const p = procs[cur]!;
      const e = Math.floor(i / 20_000) % 6;
      sys.syscall(cpu, p.task, () => {
        // Dropped pages fault again; MADV_FREE and MADV_COLD clear Accessed
        // (and Dirty), so that the walker sets them again.
        if (e === 0) p.madvise(HEAP + (i % 8) * (1 << 20), 40 * 4096, 'dontneed');
        else if (e === 1) p.mprotect(TABLE, 8 * 4096, 'r');
        else if (e === 2) p.mprotect(TABLE, 8 * 4096, 'rw');
        else if (e === 3) p.madvise(HEAP, 4 << 20, 'free');
        else if (e === 4) p.madvise(HUGE, 8 << 20, 'cold');
        else p.madvise(HEAP + (4 << 20), 4 << 20, 'cold');
      });
      cur ^= 1;
      for (let k = 0; k < c.cpus; k++) sys.run(k, procs[(k + cur) % 2]!.task);
    }
    const { va, size, op } = nextRef(rng, state);
    const pa = sys.access(cpu, va, size, op);
    if (pa < 0) signals++;
    else paSum = (paSum + (pa % 1_000_003)) % 1_000_000_007;
  }
  const report = sys.report();
  return {
    paSum,
    signals,
    faults: sys.faults,
    report,
    raw: sys.cores.map((mmu) => ({
      mmu: Array.from(mmu.counts),
      tlbHierarchy: Array.from(mmu.tlb.counts),
      tlbArrays: mmu.tlb.all().map((a) => Array.from(a.counts)),
      pwc: [Array.from(mmu.pwc.counts), ...[mmu.pwc.pml4e, mmu.pwc.pdpte, mmu.pwc.pde].map((a) => Array.from(a.counts))],
      caches: mmu.caches.all().map((l) => Array.from(l.counts)),
      servedBy: Array.from(mmu.caches.servedBy),
      backInvalidations: mmu.caches.backInvalidations,
    })),
    state: digestState(sys),
  };
}

describe('golden: hardware-model counters on seeded streams', () => {
  const update = process.env.UPDATE_GOLDEN === '1';
  const golden: Record<string, unknown> = update ? {} : (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>);
  for (const c of CASES) {
    it(`${c.name}: ${c.accesses} accesses give the recorded counters and end state`, () => {
      const got = JSON.parse(JSON.stringify(runCase(c))) as unknown;
      if (update) golden[c.name] = got;
      else assert.deepEqual(got, golden[c.name]);
    });
  }
  if (update) {
    it('writes the fixture', () => {
      writeFileSync(FIXTURE, `${JSON.stringify(golden)}\n`);
    });
  }
});
