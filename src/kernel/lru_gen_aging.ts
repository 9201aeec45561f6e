// The multi-gen LRU's aging: new generations, and the page-table walks and
// rmap look-arounds that promote young folios into them. Linux: mm/vmscan.c
// (inc_min_seq, try_to_inc_min_seq, inc_max_seq, try_to_inc_max_seq,
// iterate_mm_list, iterate_mm_list_nowalk, walk_mm, walk_pmd_range,
// walk_pte_range, should_skip_vma, get_pte_pfn, get_pfn_folio,
// walk_update_folio, update_batch_size, reset_batch_size, the Bloom filters,
// suitable_to_scan, lru_gen_look_around).
//
// Aging makes max_seq + 1 after walking the page tables of every mm of the
// memcg: each young PTE has its accessed bit cleared, and its folio, if
// already PG_referenced or PG_workingset, moves (by its gen bits) to the
// generation of max_seq; a first-time young folio only gets PG_referenced.
// A PTE table whose PTEs were young densely enough (one in eight) goes into
// the Bloom filter of the next generation; after the first walk, walks skip
// tables not in the filter, unless forced (an mm new since the last walk,
// or the debugfs "+" command). Reclaim's rmap walk feeds the filter too: a
// young PTE found there makes it look at up to 64 PTEs around it
// (look-around) and promote those folios the same way.
//
// Simplifications: the Bloom filters are exact sets of PMD entries (no
// false positives); every mm counts as used since the last walk (the
// kernel skips mms whose tasks did not run); non-leaf PMD accessed bits are
// not used even when LRU_GEN_NONLEAF_YOUNG is on (mmsim's MMU does not set
// them); a walk is not cut into MAX_LRU_BATCH chunks (the result is the
// same).
import { PMD_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_PRESENT, PTE_SPECIAL } from '../hw/pte.js';
import { folioMarkDirty } from './filemap.js';
import type { Kernel } from './kernel.js';
import {
  ANON_AND_FILE,
  folioLruGen,
  folioLruRefs,
  listType,
  folioUpdateGen,
  LRU_GEN_ANON,
  LRU_GEN_FILE,
  LRU_GEN_MM_WALK,
  lruGenFromSeq,
  lruGenSetRefs,
  LruGenLruvec,
  LRU_REFS_WIDTH,
  lruTierFromRefs,
  MAX_NR_GENS,
  MAX_NR_TIERS,
  MAX_SWAPPINESS,
  MIN_LRU_BATCH,
  MIN_NR_GENS,
  MmWalk,
  NR_ZONES,
  type LruGen,
} from './lru_gen.js';
import { LRU_INACTIVE_ANON, LRU_INACTIVE_FILE } from './lru.js';
import { ptePresent } from './memory.js';
import type { Mm, Vma } from './mm_types.js';
import { PG_active, PG_anon, PG_dirty, PG_lru, PG_swapbacked, PG_swapcache, PG_unevictable, PG_workingset } from './page.js';
import { pmdHuge, pmdLookup, pmdNone } from './pgtable.js';
import { VM_ACCESS_FLAGS, VM_HUGETLB, VM_LOCKED, VM_RAND_READ, VM_SEQ_READ, VM_SPECIAL } from './vm_flags.js';
import { VM } from './vmstat.js';

/** PTEs per 64-byte cache line, clamped to [2, 8] (suitable_to_scan). */
const PTES_PER_CACHELINE = 8;
/** The shadow's eviction field keeps 36 bits: max_seq is compared modulo 2^34. */
export const EVICTION_SEQ_MOD = 2 ** 34;

/** evictable_min_seq(): the oldest generation reclaim may take from at this swappiness. */
export function evictableMinSeq(minSeq: readonly number[], swappiness: number): number {
  return Math.min(minSeq[swappiness ? 0 : 1]!, minSeq[swappiness <= MAX_SWAPPINESS ? 1 : 0]!);
}

/** The types reclaim may evict (for_each_evictable_type): file only at 0, anon only above 200. */
export function evictableTypes(swappiness: number): number[] {
  const first = swappiness ? LRU_GEN_ANON : LRU_GEN_FILE;
  const last = swappiness <= MAX_SWAPPINESS ? LRU_GEN_FILE : LRU_GEN_ANON;
  const out: number[] = [];
  for (let t = first; t <= last; t++) out.push(t);
  return out;
}

/**
 * reset_ctrl_pos() with carryover (NR_HIST_GENS = 1): the PID controller's
 * averages take half of what the generation that is leaving saw, and its
 * counters restart. Without carryover it does nothing.
 */
export function resetCtrlPos(l: LruGenLruvec, type: number, carryover: boolean): void {
  if (!carryover) return;
  for (let tier = 0; tier < MAX_NR_TIERS; tier++) {
    const i = type * MAX_NR_TIERS + tier;
    l.avgRefaulted[i] = Math.floor((l.avgRefaulted[i]! + l.refaulted[i]!) / 2);
    l.avgTotal[i] = Math.floor((l.avgTotal[i]! + l.protected[i]! + l.evicted[i]!) / 2);
    l.refaulted[i] = 0;
    l.evicted[i] = 0;
    l.protected[i] = 0;
  }
}

/**
 * inc_min_seq(): the oldest generation of `type` must go to make room.
 * Every folio on its lists moves to the next one (folio_inc_gen; those a
 * walk promoted go to their own generation), counted as protected by tier
 * unless it is a workingset folio being promoted lazily. A type that cannot
 * be evicted at this swappiness just drops the generation: its folios stay
 * where they are, now counted in the youngest one (the kernel's cold/hot
 * inversion).
 */
export function incMinSeq(g: LruGen, l: LruGenLruvec, type: number, swappiness: number): void {
  const p = g.k.pages;
  const evictable = type === LRU_GEN_FILE ? swappiness <= MAX_SWAPPINESS : swappiness !== 0;
  if (evictable) {
    const oldGen = lruGenFromSeq(l.minSeq[type]!);
    for (let zone = 0; zone < NR_ZONES; zone++) {
      const i = g.listIndex(l.memcg, oldGen, type, zone);
      while (!g.listEmpty(i)) {
        const head = g.lastOf[i]!;
        const f = p.flags[head]!;
        const refs = folioLruRefs(f);
        const ws = f & PG_workingset ? 1 : 0;
        const newGen = g.folioIncGen(l, head, false);
        g.listMove(head, g.listIndex(l.memcg, newGen, type, zone), true);
        if (refs + ws !== (1 << LRU_REFS_WIDTH) + 1) {
          const tier = lruTierFromRefs(refs, ws !== 0);
          l.protected[type * MAX_NR_TIERS + tier]! += p.nrPages(head);
        }
      }
    }
  }
  resetCtrlPos(l, type, true);
  l.minSeq[type]!++;
}

/**
 * try_to_inc_min_seq(): min_seq of each evictable type skips generations
 * whose lists are empty, but stays MIN_NR_GENS behind max_seq at least.
 * With both types evictable they may not drift apart: a type that would
 * pass max_seq - MIN_NR_GENS while the other is still below it stops
 * there. Returns true if a min_seq moved.
 */
export function tryToIncMinSeq(g: LruGen, l: LruGenLruvec, swappiness: number): boolean {
  const minSeq = [l.minSeq[0]!, l.minSeq[1]!];
  const types = evictableTypes(swappiness);
  for (const type of types) {
    scan: while (minSeq[type]! + MIN_NR_GENS <= l.maxSeq) {
      const gen = lruGenFromSeq(minSeq[type]!);
      for (let zone = 0; zone < NR_ZONES; zone++) if (!g.listEmpty(g.listIndex(l.memcg, gen, type, zone))) break scan;
      minSeq[type]!++;
    }
  }
  if (swappiness && swappiness <= MAX_SWAPPINESS) {
    const seq = l.maxSeq - MIN_NR_GENS;
    if (minSeq[LRU_GEN_ANON]! > seq && minSeq[LRU_GEN_FILE]! < seq) minSeq[LRU_GEN_ANON] = seq;
    else if (minSeq[LRU_GEN_FILE]! > seq && minSeq[LRU_GEN_ANON]! < seq) minSeq[LRU_GEN_FILE] = seq;
  }
  let success = false;
  for (const type of types) {
    if (minSeq[type]! <= l.minSeq[type]!) continue;
    resetCtrlPos(l, type, true);
    l.minSeq[type] = minSeq[type]!;
    success = true;
  }
  return success;
}

/**
 * inc_max_seq(): a new youngest generation. A type already at
 * MAX_NR_GENS first loses its oldest (incMinSeq). The generation that was
 * max_seq - 1 stops being active (its pages move from the active to the
 * inactive LRU sizes) and the slot of the new one, if it still holds pages
 * (anon that could not be evicted), becomes active. Returns false if `seq`
 * is no longer max_seq.
 */
export function incMaxSeq(g: LruGen, l: LruGenLruvec, seq: number, swappiness: number): boolean {
  if (seq !== l.maxSeq) return false;
  for (let type = 0; type < ANON_AND_FILE; type++) {
    if (l.nrGens(type) === MAX_NR_GENS) incMinSeq(g, l, type, swappiness);
  }
  const prev = lruGenFromSeq(l.maxSeq - 1);
  const next = lruGenFromSeq(l.maxSeq + 1);
  for (let type = 0; type < ANON_AND_FILE; type++) {
    const lru = type === LRU_GEN_FILE ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
    for (let zone = 0; zone < NR_ZONES; zone++) {
      const delta = l.nrPages[LruGenLruvec.idx(prev, type, zone)]! - l.nrPages[LruGenLruvec.idx(next, type, zone)]!;
      if (!delta) continue;
      g.k.lru.updateSize(l.memcg, lru, delta);
      g.k.lru.updateSize(l.memcg, lru + 1, -delta);
    }
  }
  l.timestamps[next] = g.jiffies;
  l.maxSeq++;
  return true;
}

/** The mm list of a memcg (get_mm_list): the mms of its live tasks, in the order they were added. */
export function mmList(k: Kernel, memcg: number): Mm[] {
  const seen = new Set<Mm>();
  for (const t of k.tasks) if (t.mm && !t.exited && t.memcg === memcg && !seen.has(t.mm)) seen.add(t.mm);
  return [...seen];
}

/**
 * try_to_inc_max_seq(): walks the page tables of every mm of the lruvec's
 * memcg (when LRU_GEN_MM_WALK is on; otherwise aging relies on
 * look-around alone), then makes a new generation. `forceScan` ignores the
 * Bloom filter. Returns false if `seq` was already aged past.
 */
export function tryToIncMaxSeq(g: LruGen, l: LruGenLruvec, seq: number, swappiness: number, forceScan: boolean): boolean {
  if (seq <= l.mmSeq) return false;
  if (!(g.caps & LRU_GEN_MM_WALK)) {
    // iterate_mm_list_nowalk(): the next walk will scan every mm in full.
    l.mmSeen = new Set();
    l.mmSeq++;
    return incMaxSeq(g, l, seq, swappiness);
  }
  // set_mm_walk(NULL, true): the reclaimer's walk, allocated if it has none.
  if (!g.reclaimWalk) g.reclaimWalk = new MmWalk();
  const walk = g.reclaimWalk;
  walk.memcg = l.memcg;
  walk.seq = seq;
  walk.swappiness = swappiness;
  walk.forceScan = forceScan;
  const mms = mmList(g.k, l.memcg);
  let first = true;
  for (const mm of mms) {
    // Those added since the last iteration are scanned in full (mm_state->tail).
    if (!l.mmSeen.has(mm)) walk.forceScan = true;
    if (first) resetBloomFilter(l, seq + 1);
    first = false;
    walkMm(g, mm, walk, l);
  }
  l.mmSeen = new Set(mms);
  l.mmSeq++;
  return incMaxSeq(g, l, seq, swappiness);
}

// ---- Bloom filters (exact sets here) ------------------------------------

function resetBloomFilter(l: LruGenLruvec, seq: number): void {
  const f = l.filters[seq % 2];
  if (f) f.clear();
  else l.filters[seq % 2] = new Set();
}

function testBloomFilter(l: LruGenLruvec, seq: number, pmdE: number): boolean {
  const f = l.filters[seq % 2];
  return !f || f.has(pmdE);
}

function updateBloomFilter(l: LruGenLruvec, seq: number, pmdE: number): void {
  l.filters[seq % 2]?.add(pmdE);
}

/** suitable_to_scan(): on average at least one young PTE per cache line of PTEs. */
function suitableToScan(total: number, young: number): boolean {
  return young * PTES_PER_CACHELINE >= total;
}

// ---- the walk ------------------------------------------------------------

/**
 * should_skip_vma(): no accessed bits worth walking in inaccessible,
 * hugetlb, mlocked or special VMAs, or in VMAs madvised sequential or
 * random; anon and shmem only when anon can be evicted (swappiness), file
 * only when file can (swappiness up to 200).
 */
export function shouldSkipVma(vma: Vma, swappiness: number): boolean {
  const f = vma.flags;
  if (!(f & VM_ACCESS_FLAGS)) return true;
  if (f & VM_HUGETLB) return true;
  if (f & (VM_SEQ_READ | VM_RAND_READ)) return true;
  if (f & (VM_LOCKED | VM_SPECIAL)) return true;
  if (vma.kind === 'anon' || vma.kind === 'shmem') return !swappiness;
  return swappiness > MAX_SWAPPINESS;
}

/**
 * get_pte_pfn() + get_pfn_folio(): the folio behind a young, present,
 * normal PTE, if it is on a generation list of `memcg`; else -1.
 */
function youngFolio(k: Kernel, flags: number, pfn: number, memcg: number): number {
  if (!ptePresent(flags) || !(flags & PTE_ACCESSED) || flags & PTE_SPECIAL) return -1;
  if (pfn === k.zeroPfn || pfn === k.hugeZeroPfn) return -1;
  const head = k.pages.folioOf(pfn);
  if (folioLruGen(k.pages.flags[head]!) < 0) return -1;
  if (k.pages.memcg[head] !== memcg) return -1;
  return head;
}

/** The folio whose PTEs a walk is going through, and whether any of them was dirty. */
interface FolioRun {
  last: number;
  dirty: boolean;
}

/**
 * Clears the accessed bit of every young PTE for [start, end) of page table
 * `table` (walk_pte_range(), lru_gen_look_around()), promoting each folio
 * once per run of its PTEs: walk_update_folio() when the folio changes,
 * `run` carrying the current one across calls. Returns how many were young.
 */
function clearYoungPtes(g: LruGen, walk: MmWalk | null, run: FolioRun, table: number, start: number, end: number, gen: number, memcg: number): number {
  const k = g.k;
  const pt = k.pt;
  let young = 0;
  for (let a = start; a < end; a += 4096) {
    const e = table * ENTRIES + (Math.floor(a / 4096) & 511);
    const f = pt.flags[e]!;
    const head = youngFolio(k, f, pt.val[e]!, memcg);
    if (head < 0) continue;
    pt.flags[e] = f & ~PTE_ACCESSED;
    if (run.last !== head) {
      walkUpdateFolio(g, walk, run.last, gen, run.dirty);
      run.last = head;
      run.dirty = false;
    }
    if (f & PTE_DIRTY) run.dirty = true;
    young++;
  }
  return young;
}

/**
 * walk_update_folio(): a young folio found by a walk (or look-around). A
 * dirty PTE dirties the folio. With a walker, the folio is promoted by its
 * gen bits (folioUpdateGen) and the size change batched; without one
 * (look-around in direct reclaim), a second sighting activates it.
 */
export function walkUpdateFolio(g: LruGen, walk: MmWalk | null, head: number, newGen: number, dirty: boolean): void {
  if (head < 0) return;
  const k = g.k;
  const p = k.pages;
  const f = p.flags[head]!;
  if (dirty && !(f & PG_dirty) && !(f & PG_anon && f & PG_swapbacked && !(f & PG_swapcache))) {
    const inode = f & PG_anon ? undefined : k.inodes.get(p.mapping[head]!);
    if (inode && !inode.isShmem) folioMarkDirty(k, inode, head);
    else p.flags[head] |= PG_dirty;
  }
  if (walk) {
    const oldGen = folioUpdateGen(k, head, newGen);
    if (oldGen >= 0 && oldGen !== newGen) updateBatchSize(g, walk, head, oldGen, newGen);
  } else if (lruGenSetRefs(k, head)) {
    const oldGen = folioLruGen(p.flags[head]!);
    if (oldGen >= 0 && oldGen !== newGen) folioActivate(k, head);
  }
}

/** folio_activate(): an LRU folio that is not active becomes so (to max_seq - 1 or max_seq); pgactivate. */
export function folioActivate(k: Kernel, head: number): void {
  const p = k.pages;
  const f = p.flags[head]!;
  if (f & (PG_active | PG_unevictable) || !(f & PG_lru)) return;
  k.lru.move(head, () => {
    p.flags[head] |= PG_active;
  });
  k.vmstat.add(VM.pgactivate, p.nrPages(head));
}

function updateBatchSize(g: LruGen, walk: MmWalk, head: number, oldGen: number, newGen: number): void {
  const p = g.k.pages;
  const type = listType(p.flags[head]!);
  const zone = g.zoneOf(head);
  const n = p.nrPages(head);
  walk.batched++;
  walk.nrPages[LruGenLruvec.idx(oldGen, type, zone)]! -= n;
  walk.nrPages[LruGenLruvec.idx(newGen, type, zone)]! += n;
}

/** reset_batch_size(): the batched moves reach nr_pages and the active/inactive sizes. */
export function resetBatchSize(g: LruGen, walk: MmWalk): void {
  const l = g.lruvec(walk.memcg);
  walk.batched = 0;
  for (let gen = 0; gen < MAX_NR_GENS; gen++) {
    for (let type = 0; type < ANON_AND_FILE; type++) {
      for (let zone = 0; zone < NR_ZONES; zone++) {
        const i = LruGenLruvec.idx(gen, type, zone);
        const delta = walk.nrPages[i]!;
        if (!delta) continue;
        walk.nrPages[i] = 0;
        l.nrPages[i]! += delta;
        const lru = (type === LRU_GEN_FILE ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON) + (l.isActive(gen) ? 1 : 0);
        g.k.lru.updateSize(l.memcg, lru, delta);
      }
    }
  }
}

/**
 * walk_mm(): every PMD range of every VMA worth walking, once per PMD
 * even where VMAs share a PTE table. A huge PMD that is young promotes its
 * folio; a PTE table is walked unless the Bloom filter says it had too few
 * young PTEs last time, and goes into the next filter if it has enough now.
 */
function walkMm(g: LruGen, mm: Mm, walk: MmWalk, l: LruGenLruvec): void {
  const k = g.k;
  const pt = k.pt;
  const gen = lruGenFromSeq(l.maxSeq);
  const vmas = mm.vmas.filter((v) => !shouldSkipVma(v, walk.swappiness));
  let lastBase = -1;
  for (let vi = 0; vi < vmas.length; vi++) {
    const vma = vmas[vi]!;
    for (let addr = vma.start; addr < vma.end; addr = roundDown(addr, PMD_SIZE) + PMD_SIZE) {
      const base = roundDown(addr, PMD_SIZE);
      if (base === lastBase) continue;
      lastBase = base;
      const pmdE = pmdLookup(k, mm, addr);
      if (pmdE < 0 || pmdNone(k, pmdE) || !(pt.flags[pmdE]! & PTE_PRESENT)) continue;
      if (pmdHuge(k, pmdE)) {
        // walk_pmd_range_locked(): a young THP mapped by this PMD.
        const head = youngFolio(k, pt.flags[pmdE]!, pt.val[pmdE]!, walk.memcg);
        if (head < 0) continue;
        pt.flags[pmdE] = pt.flags[pmdE]! & ~PTE_ACCESSED;
        walkUpdateFolio(g, walk, head, gen, (pt.flags[pmdE]! & PTE_DIRTY) !== 0);
        continue;
      }
      if (!walk.forceScan && !testBloomFilter(l, walk.seq, pmdE)) continue;
      // walk_pte_range(), continuing into later VMAs that share this table (get_next_vma).
      const table = pt.val[pmdE]!;
      let total = 0;
      let young = 0;
      const run: FolioRun = { last: -1, dirty: false };
      for (let vj = vi; vj < vmas.length && vmas[vj]!.start < base + PMD_SIZE; vj++) {
        const v = vmas[vj]!;
        const start = Math.max(v.start, base);
        const end = Math.min(v.end, base + PMD_SIZE);
        total += (end - start) / 4096;
        young += clearYoungPtes(g, walk, run, table, start, end, gen, walk.memcg);
      }
      walkUpdateFolio(g, walk, run.last, gen, run.dirty);
      if (suitableToScan(total, young)) updateBloomFilter(l, walk.seq + 1, pmdE);
    }
  }
  if (walk.batched) resetBatchSize(g, walk);
}

/**
 * lru_gen_look_around(): reclaim's rmap walk found PTE `e` (at `addr` in
 * `vma`, in the table of PMD entry `pmdE`) mapping the folio it is
 * checking. Clears its accessed bit; if it was young, also clears and
 * promotes the young PTEs within 64 pages around it (inside the VMA and
 * the PMD), and puts the table into the current Bloom filter when they were
 * dense. Returns whether the PTE was young.
 */
export function lruGenLookAround(g: LruGen, vma: Vma, addr: number, e: number, pmdE: number, memcg: number): boolean {
  const k = g.k;
  const pt = k.pt;
  if (!(pt.flags[e]! & PTE_ACCESSED)) return false;
  pt.flags[e] = pt.flags[e]! & ~PTE_ACCESSED;
  if (vma.flags & VM_SPECIAL) return true;
  const walk = g.reclaimWalk;
  const l = g.lruvec(memcg);
  const gen = lruGenFromSeq(l.maxSeq);
  const base = roundDown(addr, PMD_SIZE);
  let start = Math.max(base, vma.start);
  let end = Math.min(base + PMD_SIZE, vma.end);
  if (end - start === 4096) return true;
  const span = MIN_LRU_BATCH * 4096;
  if (end - start > span) {
    if (addr - start < span / 2) end = start + span;
    else if (end - addr < span / 2) start = end - span;
    else {
      start = addr - span / 2;
      end = addr + span / 2;
    }
  }
  const run: FolioRun = { last: -1, dirty: false };
  // The PTE at `addr` was young, and its bit is already clear.
  const young = 1 + clearYoungPtes(g, walk, run, pt.val[pmdE]!, start, end, gen, memcg);
  walkUpdateFolio(g, walk, run.last, gen, run.dirty);
  if (suitableToScan((end - start) / 4096, young)) updateBloomFilter(l, l.maxSeq, pmdE);
  return true;
}

