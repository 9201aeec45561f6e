// The multi-gen LRU's eviction, and reclaim with it: which type and tiers
// to take from the oldest generation, the PID controller on refaults, and
// the node, memcg and kswapd entry points. Linux: mm/vmscan.c (read_ctrl_pos,
// positive_ctrl_err, sort_folio, isolate_folio, scan_folios, get_tier_idx,
// get_type_to_scan, isolate_folios, evict_folios, should_run_aging,
// get_nr_to_scan, should_abort_scan, try_to_shrink_lruvec, shrink_one,
// shrink_many, lru_gen_rotate_memcg, lru_gen_shrink_lruvec,
// lru_gen_shrink_node, set_initial_priority, lruvec_is_sizable,
// lruvec_is_reclaimable, lru_gen_age_node, folio_check_references's MGLRU
// branch, the debugfs commands run_aging and run_eviction).
//
// Eviction walks the oldest generation's lists from their tails: folios
// promoted since (by gen bits) go to their generation's list, folios in a
// tier the PID controller protects (tier > the first tier whose refault
// rate beats the first tier's by the gain 3:2) and dirty page cache move to
// the next generation; the rest are isolated and go through
// shrink_folio_list() (vmscan.ts), which unmaps, swaps and frees them as
// with the classic LRU, asking lru_gen_set_refs() what a young PTE means.
//
// Simplifications: one bin in the memcg LRU (the kernel spreads memcgs over
// eight random bins); memory.min and memory.low do not exist (cgroup v1);
// the order-0, whole-node reclaim of mmsim means every zone is eligible.
import { lruAddDrain } from './lru_cache.js';
import type { Kernel } from './kernel.js';
import {
  evictableMinSeq,
  evictableTypes,
  lruGenLookAround,
  resetBatchSize,
  tryToIncMaxSeq,
  tryToIncMinSeq,
} from './lru_gen_aging.js';
import {
  folioLruGen,
  folioLruRefs,
  listType,
  LRU_GEN_ANON,
  LRU_GEN_FILE,
  lruGenFromSeq,
  lruGenSetRefs,
  LRU_REFS_FLAGS,
  LRU_REFS_MASK,
  LRU_REFS_WIDTH,
  lruTierFromRefs,
  MAX_LRU_BATCH,
  MAX_NR_TIERS,
  MAX_SWAPPINESS,
  MEMCG_NR_GENS,
  MIN_LRU_BATCH,
  MIN_NR_GENS,
  MIN_SWAPPINESS,
  MmWalk,
  NR_ZONES,
  type LruGen,
  type LruGenLruvec,
} from './lru_gen.js';
import { memcgSwappiness } from './memcontrol.js';
import { ptePresent } from './memory.js';
import { outOfMemory } from './oom_kill.js';
import { WMARK_HIGH } from './page_alloc.js';
import { PG_active, PG_dirty, PG_mlocked, PG_reclaim, PG_referenced, PG_unevictable, PG_workingset, PG_writeback } from './page.js';
import { folioPut, folioGet } from './folio.js';
import { pmdHuge, pmdLookup, pmdNone } from './pgtable.js';
import { rmapWalk } from './rmap.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED } from '../hw/pte.js';
import { VM_LOCKED, VM_RAND_READ, VM_SEQ_READ } from './vm_flags.js';
import { VM } from './vmstat.js';
import {
  DEF_PRIORITY,
  FOLIOREF_ACTIVATE,
  FOLIOREF_KEEP,
  FOLIOREF_RECLAIM,
  newScanControl,
  shrinkFolioList,
  wakeupFlusher,
  type ScanControl,
  type ShrinkStat,
} from './vmscan.js';

/** Operations on a lruvec's place in the memcg LRU (lru_gen_rotate_memcg). */
export const MEMCG_LRU_NOP = 0;
export const MEMCG_LRU_HEAD = 1;
export const MEMCG_LRU_TAIL = 2;
export const MEMCG_LRU_OLD = 3;
export const MEMCG_LRU_YOUNG = 4;

// ---- the PID controller --------------------------------------------------

/** struct ctrl_pos: refaults and pages evicted or protected, of one tier or all. */
interface CtrlPos {
  refaulted: number;
  total: number;
  gain: number;
}

/**
 * read_ctrl_pos(): tier `tier` of `type` (all tiers for MAX_NR_TIERS): the
 * averages of earlier generations plus the current oldest generation's
 * counts, with a gain.
 */
export function readCtrlPos(l: LruGenLruvec, type: number, tier: number, gain: number): CtrlPos {
  const pos: CtrlPos = { refaulted: 0, total: 0, gain };
  for (let i = tier % MAX_NR_TIERS; i <= Math.min(tier, MAX_NR_TIERS - 1); i++) {
    const j = type * MAX_NR_TIERS + i;
    pos.refaulted += l.avgRefaulted[j]! + l.refaulted[j]!;
    pos.total += l.avgTotal[j]! + l.protected[j]! + l.evicted[j]!;
  }
  return pos;
}

/**
 * positive_ctrl_err(): the process variable has few refaults (under
 * MIN_LRU_BATCH) or a refault rate, weighted by the gains, no higher than
 * the setpoint's: pv.refaulted / pv.total <= sp.refaulted / sp.total, as
 * pv.r * (sp.t + 64) * sp.gain <= (sp.r + 1) * pv.t * pv.gain.
 */
export function positiveCtrlErr(sp: CtrlPos, pv: CtrlPos): boolean {
  return pv.refaulted < MIN_LRU_BATCH || pv.refaulted * (sp.total + MIN_LRU_BATCH) * sp.gain <= (sp.refaulted + 1) * pv.total * pv.gain;
}

/**
 * get_tier_idx(): the highest tier to evict: tiers 1, 2, 3 are evicted
 * until one refaults more than tier 0 (gains 3:2); higher ones are
 * protected.
 */
export function getTierIdx(l: LruGenLruvec, type: number): number {
  const sp = readCtrlPos(l, type, 0, 2);
  let tier = 1;
  for (; tier < MAX_NR_TIERS; tier++) {
    const pv = readCtrlPos(l, type, tier, 3);
    if (!positiveCtrlErr(sp, pv)) break;
  }
  return tier - 1;
}

/**
 * get_type_to_scan(): file at swappiness 0 or 1, anon at 200; otherwise
 * file if its refault rate (gain 200 - swappiness) is no higher than
 * anon's (gain swappiness), else anon.
 */
export function getTypeToScan(l: LruGenLruvec, swappiness: number): number {
  if (swappiness <= MIN_SWAPPINESS + 1) return LRU_GEN_FILE;
  if (swappiness >= MAX_SWAPPINESS) return LRU_GEN_ANON;
  const sp = readCtrlPos(l, LRU_GEN_ANON, MAX_NR_TIERS, swappiness);
  const pv = readCtrlPos(l, LRU_GEN_FILE, MAX_NR_TIERS, MAX_SWAPPINESS - swappiness);
  return positiveCtrlErr(sp, pv) ? LRU_GEN_FILE : LRU_GEN_ANON;
}

/** get_swappiness(): 0 when anon cannot go anywhere (fewer than 64 free swap slots); else the memcg's. */
export function getSwappiness(k: Kernel, l: LruGenLruvec, sc: ScanControl): number {
  if (!sc.maySwap) return 0;
  if (k.nrSwapPages < MIN_LRU_BATCH) return 0;
  return memcgSwappiness(k, k.memcgs[l.memcg]!);
}

// ---- eviction ------------------------------------------------------------

/**
 * sort_folio(): true if the folio at the tail of the oldest generation
 * stays on the lists: culled to the unevictable list, moved to the
 * generation a walk promoted it to, protected (its tier is above
 * `tierIdx`, or it is a workingset folio with the maximum refs) or waiting
 * for writeback (dirty page cache gets PG_reclaim) in min_seq + 1.
 */
function sortFolio(g: LruGen, l: LruGenLruvec, head: number, tierIdx: number): boolean {
  const k = g.k;
  const p = k.pages;
  const f = p.flags[head]!;
  const gen = folioLruGen(f);
  const type = listType(f);
  const zone = g.zoneOf(head);
  const n = p.nrPages(head);
  const refs = folioLruRefs(f);
  const ws = f & PG_workingset ? 1 : 0;
  const tier = lruTierFromRefs(refs, ws !== 0);
  if (f & PG_mlocked) {
    g.delFolio(head, true);
    p.flags[head] |= PG_unevictable;
    k.lru.add(head);
    k.vmstat.add(VM.unevictable_pgs_culled, n);
    return true;
  }
  if (gen !== lruGenFromSeq(l.minSeq[type]!)) {
    g.listMove(head, g.listIndex(l.memcg, gen, type, zone), false);
    return true;
  }
  const lazyWorkingset = refs + ws === (1 << LRU_REFS_WIDTH) + 1;
  if (tier > tierIdx || lazyWorkingset) {
    const ng = g.folioIncGen(l, head, false);
    g.listMove(head, g.listIndex(l.memcg, ng, type, zone), false);
    if (!lazyWorkingset) l.protected[type * MAX_NR_TIERS + tier]! += n;
    return true;
  }
  const dirty = (f & PG_dirty) !== 0;
  const writeback = (f & PG_writeback) !== 0;
  if (type === LRU_GEN_FILE && dirty) {
    g.nrFileTaken += n;
    if (!writeback) g.nrUnqueuedDirty += n;
  }
  if (writeback || (type === LRU_GEN_FILE && dirty)) {
    const ng = g.folioIncGen(l, head, true);
    g.listMove(head, g.listIndex(l.memcg, ng, type, zone), false);
    return true;
  }
  return false;
}

/**
 * isolate_folio(): takes the folio for reclaim: a reference, off the
 * lists, PG_reclaim cleared, and its refs dropped unless PG_referenced
 * still vouches for them.
 */
function isolateFolio(g: LruGen, head: number): void {
  const p = g.k.pages;
  if (!(p.flags[head]! & PG_referenced)) p.flags[head] = p.flags[head]! & ~LRU_REFS_MASK;
  p.flags[head] = p.flags[head]! & ~PG_reclaim;
  g.delFolio(head, true);
  folioGet(g.k, head);
}

/**
 * scan_folios(): takes folios from the tails of the oldest generation's
 * lists of `type`, highest zone first, sorting or isolating each, until 64
 * pages are isolated or 4096 folios looked at. Counts pgscan (isolated) and
 * pgrefill (sorted). Returns the pages scanned, or 0 if none could be
 * isolated although folios were left.
 */
function scanFolios(g: LruGen, l: LruGenLruvec, sc: ScanControl, type: number, tier: number, list: number[]): number {
  const k = g.k;
  if (l.nrGens(type) === MIN_NR_GENS) return 0;
  const gen = lruGenFromSeq(l.minSeq[type]!);
  let sorted = 0;
  let scanned = 0;
  let isolated = 0;
  let remaining = MAX_LRU_BATCH;
  for (let zone = NR_ZONES - 1; zone >= 0; zone--) {
    const i = g.listIndex(l.memcg, gen, type, zone);
    while (!g.listEmpty(i)) {
      const head = g.lastOf[i]!;
      const n = k.pages.nrPages(head);
      scanned += n;
      if (sortFolio(g, l, head, tier)) sorted += n;
      else {
        isolateFolio(g, head);
        list.push(head);
        isolated += n;
      }
      if (!--remaining || isolated >= MIN_LRU_BATCH) break;
    }
    if (!remaining || isolated >= MIN_LRU_BATCH) break;
  }
  if (!sc.target) {
    k.vmstat.add(sc.kswapd ? VM.pgscan_kswapd : VM.pgscan_direct, isolated);
    k.vmstat.add(VM.pgrefill, sorted);
  }
  k.vmstat.add(type === LRU_GEN_FILE ? VM.pgscan_file : VM.pgscan_anon, isolated);
  if (type === LRU_GEN_FILE) g.nrFileTaken += isolated;
  k.reclaimScanned += isolated;
  return isolated || !remaining ? scanned : 0;
}

/** isolate_folios(): the type get_type_to_scan() picks, else the other one. */
function isolateFolios(g: LruGen, l: LruGenLruvec, sc: ScanControl, swappiness: number, list: number[]): { scanned: number; type: number } {
  let type = getTypeToScan(l, swappiness);
  for (let n = evictableTypes(swappiness).length; n > 0; n--) {
    const tier = getTierIdx(l, type);
    const scanned = scanFolios(g, l, sc, type, tier, list);
    if (scanned) return { scanned, type };
    type = type === LRU_GEN_ANON ? LRU_GEN_FILE : LRU_GEN_ANON;
  }
  return { scanned: 0, type };
}

/** folio_evictable(): not mlocked (mmsim has no unevictable mappings). */
function folioEvictable(g: LruGen, head: number): boolean {
  return !(g.k.pages.flags[head]! & (PG_mlocked | PG_unevictable));
}

/**
 * evict_folios(): one batch from the oldest generation through
 * shrink_folio_list(). Folios kept go back, the activated ones young; one
 * that would land in the oldest generation again goes to max_seq - 1
 * instead; clean, unmapped ones are tried once more. Counts pgsteal.
 * Returns the pages scanned (0 when eviction can go no further).
 */
export function evictFolios(g: LruGen, l: LruGenLruvec, sc: ScanControl, swappiness: number): number {
  const k = g.k;
  const p = k.pages;
  let list: number[] = [];
  const iso = isolateFolios(g, l, sc, swappiness, list);
  let scanned = iso.scanned;
  const type = iso.type;
  if (tryToIncMinSeq(g, l, swappiness)) scanned++;
  if (evictableMinSeq(l.minSeq, swappiness) + MIN_NR_GENS > l.maxSeq) scanned = 0;
  if (list.length === 0) return scanned;
  let skipRetry = false;
  for (;;) {
    for (const head of list) sc.nrScanned += p.nrPages(head);
    const stat: ShrinkStat = { nrPageout: 0, nrActivate: 0, nrDirtyFile: 0 };
    const reclaimed = shrinkFolioList(k, list, sc, stat);
    sc.nrReclaimed += reclaimed;
    const clean: number[] = [];
    const back: number[] = [];
    for (const head of list) {
      const f = p.flags[head]!;
      if (!folioEvictable(g, head)) {
        back.push(head);
        continue;
      }
      if (!skipRetry && !(f & (PG_active | PG_dirty | PG_writeback)) && !p.folioMapped(head)) {
        clean.push(head);
        continue;
      }
      if (g.folioSeq(l, f, false) === l.minSeq[type]) p.flags[head] = (f & ~LRU_REFS_FLAGS) | PG_active;
      back.push(head);
    }
    // move_folios_to_lru(): back on the lists unless only the isolation reference was left.
    for (const head of back) {
      if (p.refcount[head]! > 1) k.lru.add(head);
      folioPut(k, head);
    }
    if (g.reclaimWalk && g.reclaimWalk.batched) {
      g.reclaimWalk.memcg = l.memcg;
      resetBatchSize(g, g.reclaimWalk);
    }
    if (!sc.target) k.vmstat.add(sc.kswapd ? VM.pgsteal_kswapd : VM.pgsteal_direct, reclaimed);
    k.vmstat.add(type === LRU_GEN_FILE ? VM.pgsteal_file : VM.pgsteal_anon, reclaimed);
    if (clean.length === 0) break;
    list = clean;
    skipRetry = true;
  }
  return scanned;
}

// ---- aging decisions and reclaim entry points ---------------------------

/**
 * should_run_aging(): aging is due when eviction has no generation left
 * (min_seq + MIN_NR_GENS > max_seq) and advisable when it has one; also
 * counts the evictable pages (nrToScan).
 */
export function shouldRunAging(l: LruGenLruvec, swappiness: number): { age: boolean; nrToScan: number } {
  const min = evictableMinSeq(l.minSeq, swappiness);
  if (min + MIN_NR_GENS > l.maxSeq) return { age: true, nrToScan: 0 };
  let size = 0;
  for (const type of evictableTypes(swappiness)) for (let seq = l.minSeq[type]!; seq <= l.maxSeq; seq++) size += l.genSize(lruGenFromSeq(seq), type);
  return { age: min + MIN_NR_GENS === l.maxSeq, nrToScan: size };
}

/**
 * get_nr_to_scan(): pages to scan at this priority (nr >> priority),
 * unless aging is due and the priority is below DEF_PRIORITY: then age
 * (try_to_inc_max_seq) and return -1 (done with this lruvec) or 0.
 */
function getNrToScan(g: LruGen, l: LruGenLruvec, sc: ScanControl, swappiness: number): number {
  const { age, nrToScan } = shouldRunAging(l, swappiness);
  if (!age || sc.priority === DEF_PRIORITY) return Math.floor(nrToScan / 2 ** sc.priority);
  return tryToIncMaxSeq(g, l, l.maxSeq, swappiness, false) ? -1 : 0;
}

/**
 * should_abort_scan(): global reclaim stops once it has reclaimed enough;
 * kswapd also once every zone is above its high watermark plus 64 pages.
 */
function shouldAbortScan(k: Kernel, sc: ScanControl): boolean {
  if (sc.target) return false;
  if (sc.nrReclaimed >= Math.max(sc.nrToReclaim, 2)) return true;
  if (!sc.kswapd) return false;
  const top = k.buddy.zones.length - 1;
  for (const z of k.buddy.zones) {
    if (z.managed && !k.buddy.watermarkOk(z, 0, z.watermark[WMARK_HIGH]! + MIN_LRU_BATCH, top)) return false;
  }
  return true;
}

/**
 * try_to_shrink_lruvec(): evicts batches until nrToScan pages are scanned,
 * eviction stalls, or reclaim has done enough; wakes the flushers when
 * every file page it took was dirty. Returns true when the lruvec is low on
 * cold folios (it aged instead), to be rotated in the memcg LRU.
 */
function tryToShrinkLruvec(g: LruGen, l: LruGenLruvec, sc: ScanControl): boolean {
  const k = g.k;
  const swappiness = getSwappiness(k, l, sc);
  let scanned = 0;
  let nrToScan: number;
  for (;;) {
    nrToScan = getNrToScan(g, l, sc, swappiness);
    if (nrToScan <= 0) break;
    const delta = evictFolios(g, l, sc, swappiness);
    if (!delta) break;
    scanned += delta;
    if (scanned >= nrToScan) break;
    if (shouldAbortScan(k, sc)) break;
  }
  if (g.nrUnqueuedDirty && g.nrUnqueuedDirty === g.nrFileTaken) wakeupFlusher(k);
  return nrToScan < 0;
}

/** lruvec_is_sizable(): evictable pages >> priority is not 0. */
function lruvecIsSizable(k: Kernel, l: LruGenLruvec, sc: ScanControl): boolean {
  const swappiness = getSwappiness(k, l, sc);
  let total = 0;
  for (const type of evictableTypes(swappiness)) for (let seq = l.minSeq[type]!; seq <= l.maxSeq; seq++) total += l.genSize(lruGenFromSeq(seq), type);
  return Math.floor(total / 2 ** sc.priority) > 0;
}

/** shrink_one(): reclaims from one lruvec; says how to move it in the memcg LRU. */
function shrinkOne(g: LruGen, l: LruGenLruvec, sc: ScanControl): number {
  sc.memcg = l.memcg;
  const success = tryToShrinkLruvec(g, l, sc);
  if (success) return MEMCG_LRU_YOUNG;
  if (lruvecIsSizable(g.k, l, sc)) return MEMCG_LRU_NOP;
  return l.seg !== MEMCG_LRU_TAIL ? MEMCG_LRU_TAIL : MEMCG_LRU_YOUNG;
}

/**
 * lru_gen_rotate_memcg(): moves a lruvec within the memcg LRU: to the head
 * or tail of its generation, or to the oldest or youngest generation. When
 * the oldest generation empties, the memcg LRU's seq advances.
 */
export function rotateMemcg(g: LruGen, l: LruGenLruvec, op: number): void {
  let seg = 0;
  const old = l.memcgGen;
  let gen = old;
  if (op === MEMCG_LRU_HEAD) seg = MEMCG_LRU_HEAD;
  else if (op === MEMCG_LRU_TAIL) seg = MEMCG_LRU_TAIL;
  else if (op === MEMCG_LRU_OLD) gen = g.memcgLruSeq % MEMCG_NR_GENS;
  else if (op === MEMCG_LRU_YOUNG) gen = (g.memcgLruSeq + 1) % MEMCG_NR_GENS;
  l.seg = seg;
  g.fifoDel(l);
  l.memcgGen = gen;
  g.fifoAdd(l, gen, !(op === MEMCG_LRU_HEAD || op === MEMCG_LRU_OLD));
  g.nrMemcgs[old]!--;
  g.nrMemcgs[gen]!++;
  if (!g.nrMemcgs[old] && old === g.memcgLruSeq % MEMCG_NR_GENS) g.memcgLruSeq++;
}

/**
 * shrink_many(): the lruvecs of the oldest generation of the memcg LRU,
 * from its head, each rotated after it is shrunk, until reclaim has done
 * enough.
 */
function shrinkMany(g: LruGen, sc: ScanControl): void {
  const gen = g.memcgLruSeq % MEMCG_NR_GENS;
  let op = MEMCG_LRU_NOP;
  let prev: LruGenLruvec | null = null;
  for (let pos = g.fifoHead[gen]!; pos >= 0; ) {
    const l = g.lruvecs[pos]!;
    if (op && prev) rotateMemcg(g, prev, op);
    op = shrinkOne(g, l, sc);
    prev = l;
    if (shouldAbortScan(g.k, sc)) break;
    pos = l.fifoNext;
  }
  if (op && prev) rotateMemcg(g, prev, op);
}

/** fls_long(): the position of the highest set bit, 1-based (fls(1) = 1, fls(0) = 0). */
function fls(x: number): number {
  let n = 0;
  for (let v = Math.floor(x); v >= 1; v = Math.floor(v / 2)) n++;
  return n;
}

/**
 * set_initial_priority(): for a large reclaim target at DEF_PRIORITY, the
 * priority at which (inactive >> priority) covers it, within [6, 12].
 * Example: 262144 inactive pages, 4096 to reclaim: 19 - 1 - 12 = 6.
 */
function setInitialPriority(k: Kernel, sc: ScanControl): void {
  if (sc.priority !== DEF_PRIORITY || sc.nrToReclaim < MIN_LRU_BATCH) return;
  let reclaimable = k.vmstat.get(VM.nr_inactive_file);
  if (k.nrSwapPages > 0) reclaimable += k.vmstat.get(VM.nr_inactive_anon);
  const priority = fls(reclaimable) - 1 - fls(sc.nrToReclaim - 1);
  sc.priority = Math.min(Math.max(priority, DEF_PRIORITY / 2), DEF_PRIORITY);
}

/**
 * lru_gen_shrink_node(): global (kswapd or direct) reclaim with MGLRU on,
 * over the memcg LRU. kswapd walks with its own mm_walk; direct reclaim
 * gets one when it first ages.
 */
export function lruGenShrinkNode(k: Kernel, sc: ScanControl): void {
  const g = k.lruGen;
  const reclaimed = sc.nrReclaimed;
  g.nrUnqueuedDirty = 0;
  g.nrFileTaken = 0;
  lruAddDrain(k);
  g.onlineMemcgs();
  g.reclaiming++;
  const saved = g.reclaimWalk;
  g.reclaimWalk = sc.kswapd ? g.kswapdWalk : null;
  try {
    setInitialPriority(k, sc);
    if (sc.kswapd) sc.nrReclaimed = 0;
    shrinkMany(g, sc);
    if (sc.kswapd) sc.nrReclaimed += reclaimed;
  } finally {
    g.reclaimWalk = saved;
    g.reclaiming--;
  }
  if (sc.nrReclaimed > reclaimed) k.kswapdFailures = 0;
}

/** lru_gen_shrink_lruvec(): memcg limit reclaim with MGLRU on, from the lruvec of sc.memcg. */
export function lruGenShrinkLruvec(k: Kernel, sc: ScanControl): void {
  const g = k.lruGen;
  g.nrUnqueuedDirty = 0;
  g.nrFileTaken = 0;
  lruAddDrain(k);
  g.reclaiming++;
  const saved = g.reclaimWalk;
  g.reclaimWalk = null;
  try {
    const l = g.lruvec(sc.memcg);
    if (tryToShrinkLruvec(g, l, sc)) rotateMemcg(g, l, MEMCG_LRU_YOUNG);
  } finally {
    g.reclaimWalk = saved;
    g.reclaiming--;
  }
}

/**
 * lru_gen_age_node(), kswapd's background aging with MGLRU on: with
 * min_ttl_ms set, if no lruvec has an evictable generation older than
 * min_ttl (or every one is too small to matter), the working set cannot
 * be kept: the OOM killer runs.
 */
export function lruGenAgeNode(k: Kernel, sc: ScanControl): void {
  const g = k.lruGen;
  const minTtl = g.minTtl;
  let reclaimable = !minTtl;
  setInitialPriority(k, sc);
  g.onlineMemcgs();
  for (const m of k.memcgs) {
    if (reclaimable) break;
    const l = g.lruvec(m.id);
    if (!lruvecIsSizable(k, l, sc)) continue;
    const swappiness = getSwappiness(k, l, sc);
    const birth = l.timestamps[lruGenFromSeq(evictableMinSeq(l.minSeq, swappiness))]!;
    reclaimable = g.jiffies > birth + minTtl;
  }
  if (!reclaimable) outOfMemory(k, null);
}

/**
 * folio_referenced() with MGLRU on: counts the mappings of the folio whose
 * accessed bit was set (clearing them); a young PTE also looks around it
 * (lruGenLookAround). Mappings madvised sequential or random are skipped
 * (mm/rmap.c invalid_folio_referenced_vma). Gathers the flags of the VMAs.
 */
function lruGenFolioReferenced(g: LruGen, head: number): { referenced: number; vmFlags: number } {
  const k = g.k;
  const p = k.pages;
  const pt = k.pt;
  let referenced = 0;
  let vmFlags = 0;
  if (!p.folioMapped(head)) return { referenced, vmFlags };
  const memcg = p.memcg[head]!;
  const n = p.nrPages(head);
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    rmapWalk(k, head + i, (vma, addr) => {
      // invalid_folio_referenced_vma(): a mapping without recency (madvised sequential or random) does not count.
      if (vma.flags & (VM_SEQ_READ | VM_RAND_READ)) return;
      const pmdE = pmdLookup(k, vma.mm, addr);
      if (pmdE < 0 || pmdNone(k, pmdE)) return;
      if (pmdHuge(k, pmdE)) {
        if (pt.val[pmdE] !== head || seen.has(pmdE)) return;
        seen.add(pmdE);
        if (vma.flags & VM_LOCKED) vmFlags |= VM_LOCKED;
        if (pt.flags[pmdE]! & PTE_ACCESSED) {
          pt.flags[pmdE] = pt.flags[pmdE]! & ~PTE_ACCESSED;
          referenced++;
        }
        vmFlags |= vma.flags;
        return;
      }
      const e = pt.val[pmdE]! * ENTRIES + (Math.floor(addr / 4096) & 511);
      if (!ptePresent(pt.flags[e]!) || pt.val[e] !== head + i) return;
      if (vma.flags & VM_LOCKED) vmFlags |= VM_LOCKED;
      if (lruGenLookAround(g, vma, addr, e, pmdE, memcg)) referenced++;
      vmFlags |= vma.flags;
    });
  }
  return { referenced, vmFlags };
}

/**
 * folio_check_references() with MGLRU on: mlocked → activate (to the
 * unevictable list); no young PTE → reclaim; young → activate if it was
 * seen young before (PG_referenced or PG_workingset), else keep it one more
 * round (lru_gen_set_refs).
 */
export function lruGenCheckReferences(k: Kernel, head: number): number {
  const { referenced, vmFlags } = lruGenFolioReferenced(k.lruGen, head);
  if (vmFlags & VM_LOCKED) return FOLIOREF_ACTIVATE;
  if (!referenced) return FOLIOREF_RECLAIM;
  return lruGenSetRefs(k, head) ? FOLIOREF_ACTIVATE : FOLIOREF_KEEP;
}

// ---- /sys/kernel/debug/lru_gen commands ---------------------------------

/**
 * Writes commands to /sys/kernel/debug/lru_gen (lru_gen_seq_write), one
 * per line or separated by ',' or ';':
 *   + MEMCG_ID NODE_ID MAX_GEN [SWAPPINESS [FORCE_SCAN]]   age: a new generation
 *   - MEMCG_ID NODE_ID MIN_GEN [SWAPPINESS [NR_TO_RECLAIM]] evict up to MIN_GEN
 * MEMCG_ID is the kernel's (the root is 1), NODE_ID 0. Returns 0, or a
 * negative errno: -EINVAL for a malformed command, -EEXIST when aging found
 * MAX_GEN already aged.
 */
export function lruGenDebugfsWrite(k: Kernel, text: string): number {
  const EINVAL = -22;
  const EEXIST = -17;
  const g = k.lruGen;
  g.onlineMemcgs();
  const saved = g.reclaimWalk;
  g.reclaiming++;
  // set_mm_walk(NULL, true): the writer walks page tables with its own walker.
  g.reclaimWalk = new MmWalk();
  try {
    for (const raw of text.split(/[,;\n]/)) {
      const cur = raw.trim();
      if (!cur) continue;
      const m = /^([+-])\s*(\d+)\s+(\d+)\s+(\d+)(?:\s+(\d+)(?:\s+(\d+))?)?$/.exec(cur);
      if (!m) return EINVAL;
      const [, cmd, memcgId, nid, seqStr, swapStr, optStr] = m;
      if (Number(nid) !== 0) return EINVAL;
      const id = Number(memcgId) - 1;
      if (id < 0 || id >= k.memcgs.length) return EINVAL;
      const l = g.lruvec(id);
      const sc = newScanControl(false, 0);
      sc.memcg = id;
      const seq = Number(seqStr);
      let swappiness = swapStr === undefined ? -1 : Number(swapStr);
      if (swappiness < MIN_SWAPPINESS) swappiness = getSwappiness(k, l, sc);
      else if (swappiness > MAX_SWAPPINESS + 1) return EINVAL;
      if (cmd === '+') {
        // run_aging()
        if (seq > l.maxSeq) return EINVAL;
        const force = optStr === undefined ? true : Number(optStr) !== 0;
        if (!tryToIncMaxSeq(g, l, l.maxSeq, swappiness, force)) return EEXIST;
      } else {
        // run_eviction()
        if (seq + MIN_NR_GENS > l.maxSeq) return EINVAL;
        const nrToReclaim = optStr === undefined ? Infinity : Number(optStr);
        sc.nrReclaimed = 0;
        for (;;) {
          if (seq < evictableMinSeq(l.minSeq, swappiness)) break;
          if (sc.nrReclaimed >= nrToReclaim) break;
          if (!evictFolios(g, l, sc, swappiness)) break;
        }
      }
    }
    return 0;
  } finally {
    g.reclaimWalk = saved;
    g.reclaiming--;
  }
}

