// The TLB hierarchy of one x86-64 core: L1 dTLB and L1 iTLB (one array per
// page size, probed together as hardware does in parallel) backed by a
// unified second-level TLB (STLB). An L1 miss that hits the STLB refills the
// L1; a miss in both is a page walk, done by the caller (the MMU), which then
// calls fill(). Defaults: Intel Skylake, from the Intel optimization manual's
// TLB table (see docs/hardware.md). Simplifications: the L1 and STLB are
// non-inclusive and filled together after a walk; no per-thread partitioning.
import { TlbArray, TLB_HITS, TLB_MISSES, type TlbEntry } from './tlb.js';
import type { ReplacementName } from './policies/replacement.js';

export type PageSizeName = '4k' | '2m' | '4m' | '1g';
export const PAGE_SHIFT_OF: Record<PageSizeName, number> = { '4k': 12, '2m': 21, '4m': 22, '1g': 30 };

/** One array of a TLB level. */
export interface TlbArrayConfig {
  entries: number;
  ways: number;
  pageSizes: PageSizeName[];
}

export interface TlbHierarchyConfig {
  l1d: TlbArrayConfig[];
  l1i: TlbArrayConfig[];
  stlb: TlbArrayConfig[];
  policy: ReplacementName;
  seed: number;
}

/**
 * Intel Skylake (client and server): L1 dTLB 64 x 4-way (4K), 32 x 4-way
 * (2M/4M), 4 x 4-way (1G); L1 iTLB 128 x 8-way (4K), 8 fully associative
 * (2M/4M); STLB 1536 x 12-way shared by 4K and 2M, plus 16 x 4-way for 1G.
 */
export const SKYLAKE_TLB: TlbHierarchyConfig = {
  l1d: [
    { entries: 64, ways: 4, pageSizes: ['4k'] },
    { entries: 32, ways: 4, pageSizes: ['2m'] },
    { entries: 4, ways: 4, pageSizes: ['1g'] },
  ],
  l1i: [
    { entries: 128, ways: 8, pageSizes: ['4k'] },
    { entries: 8, ways: 8, pageSizes: ['2m'] },
  ],
  stlb: [
    { entries: 1536, ways: 12, pageSizes: ['4k', '2m'] },
    { entries: 16, ways: 4, pageSizes: ['1g'] },
  ],
  policy: 'lru',
  seed: 1,
};

/**
 * The same TLBs on a CPU in 32-bit paging (CR4.PSE, no PAE), whose large
 * page is 4 MiB: the "2M/4M" arrays hold 4 MiB entries instead (Intel
 * optimization manual, TLB tables; SDM vol. 3A 4.10.2). Everything else is
 * unchanged. Example: Skylake's L1 dTLB then has 32 x 4-way 4M entries, its
 * STLB 1536 x 12-way 4K+4M.
 */
export function tlbConfigFor32BitPaging(config: TlbHierarchyConfig): TlbHierarchyConfig {
  const level = (arrays: TlbArrayConfig[]): TlbArrayConfig[] =>
    arrays.map((a) => ({ ...a, pageSizes: a.pageSizes.map((p): PageSizeName => (p === '2m' ? '4m' : p)) }));
  return { ...config, l1d: level(config.l1d), l1i: level(config.l1i), stlb: level(config.stlb) };
}

/**
 * Counter indices into TlbHierarchy.counts (accesses are the first L1 arrays'
 * probes): translations that missed every L1 array of their kind.
 */
export const TLBH_D_L1_MISSES = 1;
export const TLBH_I_L1_MISSES = 3;
/** STLB hits after an L1 miss (data + instruction). */
export const TLBH_STLB_HITS = 4;
/** Misses in both levels: each is one page walk. */
export const TLBH_WALKS = 5;
const N_COUNTS = 6;

function buildLevel(level: string, arrays: TlbArrayConfig[], policy: ReplacementName, seed: number): TlbArray[] {
  return arrays.map(
    (a, i) =>
      new TlbArray({
        entries: a.entries,
        ways: a.ways,
        pageShifts: a.pageSizes.map((p) => PAGE_SHIFT_OF[p]),
        policy,
        seed: seed + i,
        name: `${level} ${a.pageSizes.join('+')}`,
      }),
  );
}

export class TlbHierarchy {
  // Fields are `declare`d so that V8 keeps numbers untagged (see mmu.ts HitPath).
  declare readonly l1d: TlbArray[];
  declare readonly l1i: TlbArray[];
  declare readonly stlb: TlbArray[];
  readonly counts = new Float64Array(N_COUNTS);
  /** TLB_* flags of the entry that served the last successful translation. */
  lastFlags = 0;
  private declare readonly d0: TlbArray;
  private declare readonly i0: TlbArray;
  private readonly scratch: TlbEntry = { pageShift: 12, pfn: 0, flags: 0 };
  private declare readonly arrays: TlbArray[];

  constructor(config: TlbHierarchyConfig = SKYLAKE_TLB) {
    if (config.l1d.length === 0 || config.l1i.length === 0 || config.stlb.length === 0) {
      throw new Error('TLB hierarchy: every level needs at least one array');
    }
    this.l1d = buildLevel('L1 dTLB', config.l1d, config.policy, config.seed);
    this.l1i = buildLevel('L1 iTLB', config.l1i, config.policy, config.seed + 100);
    this.stlb = buildLevel('STLB', config.stlb, config.policy, config.seed + 200);
    this.d0 = this.l1d[0];
    this.i0 = this.l1i[0];
    this.arrays = [...this.l1d, ...this.l1i, ...this.stlb];
  }

  /**
   * Translates a data access: physical address, or -1 when both levels miss
   * (the caller walks, then calls fill()). The common case, a hit in the
   * first L1 array, is one probe and one compare.
   */
  translateData(va: number, asid: number): number {
    return this.translate(va, asid, false);
  }

  /** Translates an instruction fetch; as translateData(), through the iTLB. */
  translateInstr(va: number, asid: number): number {
    return this.translate(va, asid, true);
  }

  /**
   * Translates through the iTLB (isInstr) or the dTLB. One code path for
   * both keeps the inlined hot path small (V8 inlines by bytecode budget).
   */
  translate(va: number, asid: number, isInstr: boolean): number {
    const a = isInstr ? this.i0 : this.d0;
    const s = a.probe(va, asid);
    if (s >= 0) {
      this.lastFlags = a.flagsOf(s);
      return a.physAddr(s, va);
    }
    return this.l1Miss(isInstr, va, asid);
  }

  /**
   * The rest of translate() after the first L1 array of the kind missed its
   * first page size's set (the MMU probes that set inline): that array's
   * other page sizes, the other L1 arrays, the STLB. Same results as translate().
   */
  translateRest(va: number, asid: number, isInstr: boolean): number {
    const a = isInstr ? this.i0 : this.d0;
    const s = a.probeRest(va, asid);
    if (s >= 0) {
      this.lastFlags = a.flagsOf(s);
      return a.physAddr(s, va);
    }
    return this.l1Miss(isInstr, va, asid);
  }

  /**
   * Cold path: the other L1 arrays (other page sizes), then the STLB, which
   * refills the L1 on a hit. Per-array counters record each probe's outcome,
   * so a 2M hit also counts a miss in the 4K array, as in hardware.
   */
  private l1Miss(isInstr: boolean, va: number, asid: number): number {
    const l1 = isInstr ? this.l1i : this.l1d;
    for (let i = 1; i < l1.length; i++) {
      const s = l1[i].probe(va, asid);
      if (s >= 0) {
        this.lastFlags = l1[i].flagsOf(s);
        return l1[i].physAddr(s, va);
      }
    }
    this.counts[isInstr ? TLBH_I_L1_MISSES : TLBH_D_L1_MISSES]++;
    const stlb = this.stlb;
    for (let i = 0; i < stlb.length; i++) {
      const arr = stlb[i];
      const s = arr.probe(va, asid);
      if (s >= 0) {
        this.counts[TLBH_STLB_HITS]++;
        const e = this.scratch;
        e.pageShift = arr.pageShiftOf(s);
        e.pfn = arr.pfnOf(s);
        e.flags = arr.flagsOf(s);
        this.fillLevel(l1, va, asid, e);
        this.lastFlags = e.flags;
        return arr.physAddr(s, va);
      }
    }
    this.counts[TLBH_WALKS]++;
    this.lastFlags = 0;
    return -1;
  }

  private fillLevel(level: TlbArray[], va: number, asid: number, e: TlbEntry): void {
    for (let i = 0; i < level.length; i++) if (level[i].fill(va, asid, e) >= 0) return;
  }

  /**
   * Installs a walked translation in the STLB and in the L1 TLB of the
   * access kind (iTLB if opts.instr). Arrays that do not hold e.pageShift are
   * skipped (a 1 GiB page is not cached in Skylake's L1 iTLB).
   */
  fill(va: number, asid: number, e: TlbEntry, opts: { instr?: boolean } = {}): void {
    this.fillLevel(this.stlb, va, asid, e);
    this.fillLevel(opts.instr === true ? this.l1i : this.l1d, va, asid, e);
  }

  /**
   * Sets TLB_* bits on every cached copy of the translation of `va` (the
   * walker setting Dirty). Cold path: probes without counting.
   */
  setFlags(va: number, asid: number, bits: number): void {
    for (const a of this.arrays) {
      const s = a.find(va, asid);
      if (s >= 0) a.setFlags(s, bits);
    }
    this.lastFlags |= bits;
  }

  /** INVLPG in every array. Returns the number of entries dropped. */
  invlpg(va: number, asid: number): number {
    let n = 0;
    for (const a of this.all()) n += a.invlpg(va, asid);
    return n;
  }

  /** Drops all non-global entries of `asid` everywhere. */
  flushAsid(asid: number): number {
    let n = 0;
    for (const a of this.all()) n += a.flushAsid(asid);
    return n;
  }

  /** Full flush; opts.keepGlobal keeps global entries (CR3 write without PCID). */
  flushAll(opts: { keepGlobal?: boolean } = {}): number {
    let n = 0;
    for (const a of this.all()) n += a.flushAll(opts);
    return n;
  }

  all(): TlbArray[] {
    return [...this.arrays];
  }

  /** Summary counters by name. */
  stats(): { dAccesses: number; dL1Misses: number; iAccesses: number; iL1Misses: number; stlbHits: number; walks: number; hits: number } {
    const c = this.counts;
    const accesses = (a: TlbArray) => a.counts[TLB_HITS] + a.counts[TLB_MISSES];
    return {
      // Every translation probes the first L1 array exactly once.
      dAccesses: accesses(this.d0),
      dL1Misses: c[TLBH_D_L1_MISSES],
      iAccesses: accesses(this.i0),
      iL1Misses: c[TLBH_I_L1_MISSES],
      stlbHits: c[TLBH_STLB_HITS],
      walks: c[TLBH_WALKS],
      hits: this.all().reduce((s, a) => s + a.counts[TLB_HITS], 0),
    };
  }

  checkInvariants(): void {
    for (const a of this.all()) a.checkInvariants();
  }
}
