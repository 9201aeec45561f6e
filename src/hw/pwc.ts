// Page-walk caches (Intel "paging-structure caches"): small caches of upper
// page-table entries, keyed by the virtual-address bits that select them and
// tagged by PCID, so a walk after a TLB miss can start below the root.
//
//   PML4E cache: VA[47:39] -> PDPT page     walk needs 3 reads (PDPTE, PDE, PTE)
//   PDPTE cache: VA[47:30] -> PD page       walk needs 2 reads (PDE, PTE)
//   PDE cache:   VA[47:21] -> PT page       walk needs 1 read  (PTE)
//
// The MMU asks lookup() before a walk and fill()s each level it reads. Sizes
// are not documented by Intel; the defaults are small and configurable (see
// docs/hardware.md). Simplification: entries that map huge pages are not
// cached here (the TLB holds those), and there is no 5-level paging.
import { TlbArray, TLB_HITS, type TlbEntry } from './tlb.js';
import type { ReplacementName } from './policies/replacement.js';

export interface PwcConfig {
  pml4e: { entries: number; ways: number };
  pdpte: { entries: number; ways: number };
  pde: { entries: number; ways: number };
  policy: ReplacementName;
  seed: number;
}

export const DEFAULT_PWC: PwcConfig = {
  pml4e: { entries: 2, ways: 2 },
  pdpte: { entries: 4, ways: 4 },
  pde: { entries: 32, ways: 4 },
  policy: 'lru',
  seed: 7,
};

/** Page-table reads of a full 4-level walk (PML4E, PDPTE, PDE, PTE). */
export const WALK_LEVELS = 4;

/** Counter indices into PageWalkCache.counts. */
export const PWC_LOOKUPS = 0;
/** Lookups that found nothing: the walk starts at CR3. */
export const PWC_MISSES = 1;
/** Page-table reads the walks still needed (sum of lookup() results). */
export const PWC_WALK_READS = 2;
const N_COUNTS = 3;

export class PageWalkCache {
  // Fields are `declare`d so that V8 keeps numbers untagged (see mmu.ts HitPath).
  declare readonly pml4e: TlbArray;
  declare readonly pdpte: TlbArray;
  declare readonly pde: TlbArray;
  readonly counts = new Float64Array(N_COUNTS);
  /** After lookup() < WALK_LEVELS: 4 KiB frame number of the table where the walk resumes. */
  nextTablePfn = -1;

  constructor(config: PwcConfig = DEFAULT_PWC) {
    const mk = (name: string, c: { entries: number; ways: number }, shift: number, i: number) =>
      new TlbArray({ entries: c.entries, ways: c.ways, pageShifts: [shift], policy: config.policy, seed: config.seed + i, name });
    this.pml4e = mk('PML4E cache', config.pml4e, 39, 0);
    this.pdpte = mk('PDPTE cache', config.pdpte, 30, 1);
    this.pde = mk('PDE cache', config.pde, 21, 2);
  }

  /**
   * Returns how many page-table reads a walk of `va` needs: 1 if the PDE
   * cache hits, 2 for the PDPTE cache, 3 for the PML4E cache, 4 if none; the
   * deepest hit wins, as hardware prefers it. Sets nextTablePfn when < 4.
   */
  lookup(va: number, asid: number): number {
    this.counts[PWC_LOOKUPS]++;
    let reads = WALK_LEVELS;
    let s = this.pde.probe(va, asid);
    if (s >= 0) {
      reads = 1;
      this.nextTablePfn = this.pde.pfnOf(s);
    } else if ((s = this.pdpte.probe(va, asid)) >= 0) {
      reads = 2;
      this.nextTablePfn = this.pdpte.pfnOf(s);
    } else if ((s = this.pml4e.probe(va, asid)) >= 0) {
      reads = 3;
      this.nextTablePfn = this.pml4e.pfnOf(s);
    } else {
      this.counts[PWC_MISSES]++;
      this.nextTablePfn = -1;
    }
    this.counts[PWC_WALK_READS] += reads;
    return reads;
  }

  /**
   * Caches one upper-level entry read by a walk: e.pageShift 39 (PML4E), 30
   * (PDPTE) or 21 (PDE), e.pfn the frame of the table it points to.
   */
  fill(va: number, asid: number, e: TlbEntry): void {
    if (e.pageShift === 21) this.pde.fill(va, asid, e);
    else if (e.pageShift === 30) this.pdpte.fill(va, asid, e);
    else if (e.pageShift === 39) this.pml4e.fill(va, asid, e);
    else throw new Error(`page-walk cache: no level for page shift ${e.pageShift}`);
  }

  /**
   * INVLPG: per the Intel SDM (vol. 3A, 4.10.4.1) it drops every
   * paging-structure-cache entry of the current PCID, whatever its address.
   */
  invlpg(_va: number, asid: number): void {
    this.flushAsid(asid);
  }

  flushAsid(asid: number): void {
    this.pml4e.flushAsid(asid);
    this.pdpte.flushAsid(asid);
    this.pde.flushAsid(asid);
  }

  flushAll(): void {
    this.pml4e.flushAll();
    this.pdpte.flushAll();
    this.pde.flushAll();
  }

  /** Hits per level, for reports. */
  stats(): { lookups: number; misses: number; walkReads: number; pml4eHits: number; pdpteHits: number; pdeHits: number } {
    return {
      lookups: this.counts[PWC_LOOKUPS],
      misses: this.counts[PWC_MISSES],
      walkReads: this.counts[PWC_WALK_READS],
      pml4eHits: this.pml4e.counts[TLB_HITS],
      pdpteHits: this.pdpte.counts[TLB_HITS],
      pdeHits: this.pde.counts[TLB_HITS],
    };
  }
}
