// The CPU cores of a machine: each has its own MMU (TLB hierarchy and
// page-walk caches) and private caches (L1i, L1d, L2); the last cache levels
// (by default the LLC) are one set of CacheLevel objects shared by every core.
// Defaults: Intel Skylake (tlb_hierarchy.ts, pwc.ts, cache_hierarchy.ts,
// cost.ts). Simplification: no coherence between the private caches.
import { CacheLevel } from './cache.js';
import { CacheHierarchy, SKYLAKE_CACHES, type CacheHierarchyConfig } from './cache_hierarchy.js';
import { SKYLAKE_COST, type CostConfig } from './cost.js';
import { Mmu } from './mmu.js';
import { DEFAULT_PWC, PageWalkCache, type PwcConfig } from './pwc.js';
import { SKYLAKE_TLB, TlbHierarchy, type TlbHierarchyConfig } from './tlb_hierarchy.js';

export interface HardwareConfig {
  tlb: TlbHierarchyConfig;
  pwc: PwcConfig;
  caches: CacheHierarchyConfig;
  /** How many of caches.lower, counted from the last, are shared by all cores (default 1: the LLC). */
  sharedLevels: number;
  cost: CostConfig;
}

export const SKYLAKE_HARDWARE: Readonly<HardwareConfig> = Object.freeze({
  tlb: SKYLAKE_TLB,
  pwc: DEFAULT_PWC,
  caches: SKYLAKE_CACHES,
  sharedLevels: 1,
  cost: SKYLAKE_COST,
});

/**
 * Builds `n` cores. Core i's replacement seeds are offset by i so that
 * random replacement differs between cores but not between runs.
 */
export function buildCores(n: number, config: HardwareConfig = SKYLAKE_HARDWARE): Mmu[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`cores: ${n} is not a positive integer`);
  const lower = config.caches.lower;
  const sharedCount = Math.min(config.sharedLevels, lower.length);
  const shared = lower.slice(lower.length - sharedCount).map((c) => new CacheLevel(c));
  const hierarchies: CacheHierarchy[] = [];
  const cores: Mmu[] = [];
  for (let i = 0; i < n; i++) {
    const caches = new CacheHierarchy(config.caches, { sharedLower: shared });
    hierarchies.push(caches);
    const tlb = new TlbHierarchy({ ...config.tlb, seed: config.tlb.seed + 1000 * i });
    const pwc = new PageWalkCache({ ...config.pwc, seed: config.pwc.seed + 1000 * i });
    cores.push(new Mmu(tlb, caches, pwc));
  }
  for (const h of hierarchies) h.linkCores(hierarchies);
  return cores;
}
