// A cycle cost model over the counters of the TLB and cache models: each
// access costs the hit latency of the level that served it (L1, L2, LLC or
// DRAM); an L1 TLB miss that hits the STLB adds the STLB latency; a page walk
// adds the latency of each of its page-table reads, which go through the data
// caches (KIND_WALK). AMAT = total cycles / demand accesses.
// Simplifications: latencies add up serially (no overlap, no memory-level
// parallelism, no parallel walkers); write-backs are off the critical path
// and cost nothing; DRAM latency is one number.
import { KIND_DATA, KIND_INSTR, KIND_WALK, type CacheHierarchy } from './cache_hierarchy.js';

export interface CostConfig {
  /** Load-to-use latency of a hit at each cache level, nearest first (L1, L2, LLC...). */
  cacheHitCycles: number[];
  /** Latency of a line read from DRAM. */
  dramCycles: number;
  /** Extra cycles of an L1 TLB miss that hits the STLB. */
  stlbHitCycles: number;
}

/**
 * Intel Skylake client (Core i7-6700, 4 GHz), as measured by 7-cpu.com: L1
 * 4 cycles, L2 12, L3 42, DRAM 42 cycles + 51 ns ~ 250 cycles; STLB hit 9
 * cycles (7-12 reported for recent Intel cores).
 */
export const SKYLAKE_COST: CostConfig = {
  cacheHitCycles: [4, 12, 42],
  dramCycles: 250,
  stlbHitCycles: 9,
};

export interface CostInput {
  caches: CacheHierarchy;
  /** L1 TLB misses that hit the STLB (TlbHierarchy counts[TLBH_STLB_HITS]); 0 if no TLB was modelled. */
  stlbHits?: number;
}

export interface CostReport {
  /** Line accesses by instruction fetches and data loads/stores. */
  accesses: number;
  /** Cycles spent by those accesses in the caches and DRAM. */
  memoryCycles: number;
  /** Cycles of STLB hits and page-walk reads. */
  translationCycles: number;
  /** Of translationCycles, those of page-walk reads. */
  walkCycles: number;
  cycles: number;
  /** Average memory access time in cycles: cycles / accesses (0 with no access). */
  amat: number;
}

function levelCycles(config: CostConfig, levels: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < levels - 1; k++) {
    const c = config.cacheHitCycles[k];
    if (c === undefined) throw new Error(`cost model: no hit latency for cache level ${k + 1}`);
    out.push(c);
  }
  out.push(config.dramCycles);
  return out;
}

/** Cycles and AMAT of everything counted so far by `input`'s models. */
export function costOf(input: CostInput, config: CostConfig = SKYLAKE_COST): CostReport {
  const h = input.caches;
  const lat = levelCycles(config, h.levels);
  let accesses = 0;
  let memoryCycles = 0;
  let walkCycles = 0;
  const served = h.servedBy;
  for (let k = 0; k < h.levels; k++) {
    const demand = served[KIND_INSTR * h.levels + k] + served[KIND_DATA * h.levels + k];
    accesses += demand;
    memoryCycles += demand * lat[k];
    walkCycles += served[KIND_WALK * h.levels + k] * lat[k];
  }
  const translationCycles = (input.stlbHits ?? 0) * config.stlbHitCycles + walkCycles;
  const cycles = memoryCycles + translationCycles;
  return { accesses, memoryCycles, translationCycles, walkCycles, cycles, amat: accesses === 0 ? 0 : cycles / accesses };
}
