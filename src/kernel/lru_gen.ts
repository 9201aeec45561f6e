// The multi-gen LRU (MGLRU): the generations of each lruvec and how folios
// enter, leave and move between them. Linux: include/linux/mm_inline.h
// (lru_gen_add_folio, lru_gen_del_folio, lru_gen_folio_seq,
// lru_gen_update_size, folio_lru_refs, lru_tier_from_refs, lru_gen_is_active),
// include/linux/mmzone.h (struct lru_gen_folio and the comments on
// MIN_NR_GENS, MAX_NR_TIERS, LRU_REFS_FLAGS), mm/swap.c (lru_gen_inc_refs,
// folio_add_lru), mm/vmscan.c (folio_update_gen, folio_inc_gen,
// lru_gen_set_refs, lru_gen_init_lruvec, lru_gen_change_state and the
// /sys/kernel/mm/lru_gen files). Aging is in lru_gen_aging.ts, eviction in
// lru_gen_evict.ts, shadows and refaults in lru_gen_workingset.ts.
//
// Each lruvec (one per memcg) numbers its generations with sequence numbers:
// max_seq is the youngest, min_seq[anon] and min_seq[file] the oldest of each
// type; between MIN_NR_GENS and MAX_NR_GENS of them exist. A generation's
// list slot is seq % MAX_NR_GENS. A folio keeps that slot + 1 in bits 24-26
// of its flags (0: on no generation list) and, in bits 27-28, how many more
// times than once it was accessed through file descriptors (the LRU_REFS
// counter), as folio->flags keeps LRU_GEN and LRU_REFS:
//
//   flags: | 29   | 28 27 | 26 25 24 | 23 ... 0        |
//          | file | refs  | gen + 1  | PG_* (page.ts)  |
//
// Lists are per generation, type and zone, as the kernel keeps them, linked
// through the frames' lruPrev/lruNext; the head of a list is its youngest
// end. Sorting is lazy: a folio promoted by a page-table walk gets its new
// generation in its flags (and in nr_pages) at once, but stays on its old
// list until eviction or the next inc_min_seq() meets it there.
// The two youngest generations count as Active in /proc/meminfo and
// /proc/vmstat (lru_gen_is_active), the others as Inactive.
//
// Invariants (checked by lruGenInvariants): every folio on a generation list
// has PG_lru and gen bits naming a generation in [min_seq, max_seq] of its
// type; nr_pages[gen][type][zone] is the number of pages whose gen bits say
// gen; max_seq - min_seq[type] + 1 is in [MIN_NR_GENS, MAX_NR_GENS].
import { folioListAdd } from './folio_list.js';
import type { Kernel } from './kernel.js';
import { LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, MAX_MEMCG, type LruGenHook } from './lru.js';
import type { Mm } from './mm_types.js';
import {
  NO_PFN,
  PG_active,
  PG_dirty,
  PG_lru,
  PG_referenced,
  PG_reclaim,
  PG_swapbacked,
  PG_swapcache,
  PG_unevictable,
  PG_workingset,
  PG_writeback,
} from './page.js';

export const MIN_NR_GENS = 2;
export const MAX_NR_GENS = 4;
export const MAX_NR_TIERS = 4;
/** Bits of the fd-access counter (MAX_NR_TIERS - 2). */
export const LRU_REFS_WIDTH = 2;
export const LRU_GEN_ANON = 0;
export const LRU_GEN_FILE = 1;
export const ANON_AND_FILE = 2;
export const MAX_SWAPPINESS = 200;
export const MIN_SWAPPINESS = 0;
/** BITS_PER_LONG, and 64 of them. */
export const MIN_LRU_BATCH = 64;
export const MAX_LRU_BATCH = MIN_LRU_BATCH * 64;
/** Generations of the per-node memcg LRU (MEMCG_NR_GENS). */
export const MEMCG_NR_GENS = 3;
/** CONFIG_LRU_GEN_STATS off: one set of per-generation counters. */
export const NR_HIST_GENS = 1;
/** Zones a lruvec keeps lists for (mmsim machines have three). */
export const NR_ZONES = 3;

/** The /sys/kernel/mm/lru_gen/enabled bits (enum LRU_GEN_CORE...). */
export const LRU_GEN_CORE = 0x1;
export const LRU_GEN_MM_WALK = 0x2;
export const LRU_GEN_NONLEAF_YOUNG = 0x4;
export const LRU_GEN_CAPS_ALL = 0x7;

export const LRU_GEN_PGOFF = 24;
export const LRU_GEN_MASK = 0x7 << LRU_GEN_PGOFF;
export const LRU_REFS_PGOFF = 27;
export const LRU_REFS_MASK = 0x3 << LRU_REFS_PGOFF;
/** The flags that say a folio was accessed: PG_referenced and PG_workingset. */
export const LRU_REFS_FLAGS = PG_referenced | PG_workingset;
/**
 * Bit 29: the folio sits on a file list. The kernel never changes
 * PG_swapbacked on an LRU folio, but mmsim's MADV_PAGEOUT does for a
 * redirtied lazyfree page before it moves it; this keeps the unlink and the
 * accounting on the lists the folio is really on.
 */
export const LRU_GEN_ON_FILE = 1 << 29;

/** CONFIG_HZ of the reference kernel: a jiffy is 4 ms (as psi.ts). */
export const HZ = 250;
const NS_PER_JIFFY = 1e9 / HZ;

/** seq → the slot of its list (lru_gen_from_seq). */
export function lruGenFromSeq(seq: number): number {
  return seq % MAX_NR_GENS;
}

/** The generation slot in a folio's flags, or -1 (folio_lru_gen). */
export function folioLruGen(flags: number): number {
  return ((flags & LRU_GEN_MASK) >>> LRU_GEN_PGOFF) - 1;
}

/**
 * folio_lru_refs(): accesses through file descriptors, counting
 * PG_referenced as the first: 0 without PG_referenced, else counter + 1
 * (1..4).
 */
export function folioLruRefs(flags: number): number {
  if (!(flags & PG_referenced)) return 0;
  return ((flags & LRU_REFS_MASK) >>> LRU_REFS_PGOFF) + 1;
}

/** order_base_2(): ceil(log2(n)), 0 for n <= 1. Example: 3 → 2, 4 → 2. */
export function orderBase2(n: number): number {
  return n > 1 ? 32 - Math.clz32(n - 1) : 0;
}

/**
 * lru_tier_from_refs(): the tier of a folio: log2 of its fd accesses
 * (refs 0-1 → tier 0, 2 → 1, 3-4 → 2), the top tier for PG_workingset.
 */
export function lruTierFromRefs(refs: number, workingset: boolean): number {
  return workingset ? MAX_NR_TIERS - 1 : orderBase2(refs);
}

/** LRU type of a folio's flags: anon (swap-backed) 0, file 1 (folio_is_file_lru). */
export function folioType(flags: number): number {
  return flags & PG_swapbacked ? LRU_GEN_ANON : LRU_GEN_FILE;
}

/** The type of the lists a folio on a generation list is on (LRU_GEN_ON_FILE). */
export function listType(flags: number): number {
  return flags & LRU_GEN_ON_FILE ? LRU_GEN_FILE : LRU_GEN_ANON;
}

/**
 * One lruvec's multi-gen state: struct lru_gen_folio, its mm_state (the
 * page-table walkers' progress and Bloom filters) and its place in the
 * node's memcg LRU.
 */
export class LruGenLruvec {
  maxSeq = MIN_NR_GENS + 1;
  readonly minSeq = [0, 0];
  /** Birth of each generation, in jiffies. */
  readonly timestamps = new Float64Array(MAX_NR_GENS);
  /** Pages per [gen][type][zone], by the folios' gen bits. */
  readonly nrPages = new Float64Array(MAX_NR_GENS * ANON_AND_FILE * NR_ZONES);
  /** The PID controller's inputs per [type][tier] (averaged) and [hist][type][tier]. */
  readonly avgRefaulted = new Float64Array(ANON_AND_FILE * MAX_NR_TIERS);
  readonly avgTotal = new Float64Array(ANON_AND_FILE * MAX_NR_TIERS);
  readonly refaulted = new Float64Array(NR_HIST_GENS * ANON_AND_FILE * MAX_NR_TIERS);
  readonly evicted = new Float64Array(NR_HIST_GENS * ANON_AND_FILE * MAX_NR_TIERS);
  readonly protected = new Float64Array(NR_HIST_GENS * ANON_AND_FILE * MAX_NR_TIERS);
  /** The memcg LRU: this lruvec's generation and segment there, and its list links. */
  memcgGen = 0;
  seg = 0;
  fifoPrev = -1;
  fifoNext = -1;
  /** mm_state: iterations of the mm list completed, and the two Bloom filters (null: not allocated). */
  mmSeq = MIN_NR_GENS;
  readonly filters: Array<Set<number> | null> = [null, null];
  /** The mms the last iteration of the mm list went through (mm_state->tail). */
  mmSeen = new Set<Mm>();

  constructor(
    readonly memcg: number,
    jiffies: number,
  ) {
    for (let i = 0; i <= MIN_NR_GENS + 1; i++) this.timestamps[i] = jiffies;
  }

  /** max_seq - min_seq[type] + 1 (get_nr_gens). */
  nrGens(type: number): number {
    return this.maxSeq - this.minSeq[type]! + 1;
  }

  /** The two youngest generations are the "active" ones (lru_gen_is_active). */
  isActive(gen: number): boolean {
    return gen === lruGenFromSeq(this.maxSeq) || gen === lruGenFromSeq(this.maxSeq - 1);
  }

  /** Index into nrPages. */
  static idx(gen: number, type: number, zone: number): number {
    return (gen * ANON_AND_FILE + type) * NR_ZONES + zone;
  }

  /** Pages of a generation and type over all zones. */
  genSize(gen: number, type: number): number {
    let n = 0;
    for (let z = 0; z < NR_ZONES; z++) n += Math.max(this.nrPages[LruGenLruvec.idx(gen, type, z)]!, 0);
    return n;
  }
}

/** A page-table walker's private state (struct lru_gen_mm_walk): batched size changes. */
export class MmWalk {
  memcg = 0;
  seq = 0;
  swappiness = 0;
  forceScan = false;
  batched = 0;
  readonly nrPages = new Float64Array(MAX_NR_GENS * ANON_AND_FILE * NR_ZONES);
}

/**
 * The node's multi-gen LRU: every lruvec's generations and lists, the memcg
 * LRU, the enabled components and min_ttl. Installed as the LruLists hook
 * while enabled.
 */
export class LruGen implements LruGenHook {
  /** /sys/kernel/mm/lru_gen/enabled: LRU_GEN_CORE | LRU_GEN_MM_WALK | LRU_GEN_NONLEAF_YOUNG. */
  caps = 0;
  /** lru_gen_min_ttl in jiffies (min_ttl_ms rounded up). */
  minTtl = 0;
  /** current->in_lru_fault: handle_mm_fault() is running in a VMA with recency. */
  inFault = false;
  /** Reclaim is running (PF_MEMALLOC): folio_add_lru() does not activate. */
  reclaiming = 0;
  readonly lruvecs: Array<LruGenLruvec | null> = new Array<LruGenLruvec | null>(MAX_MEMCG).fill(null);
  /** Youngest (first) and oldest (last) folio of each list, by listIndex(). */
  readonly firstOf = new Int32Array(MAX_MEMCG * MAX_NR_GENS * ANON_AND_FILE * NR_ZONES).fill(NO_PFN);
  readonly lastOf = new Int32Array(MAX_MEMCG * MAX_NR_GENS * ANON_AND_FILE * NR_ZONES).fill(NO_PFN);
  /** The memcg LRU (pgdat->memcg_lru): its seq and, per generation, a FIFO of memcg ids. */
  memcgLruSeq = 0;
  readonly fifoHead = new Int32Array(MEMCG_NR_GENS).fill(-1);
  readonly fifoTail = new Int32Array(MEMCG_NR_GENS).fill(-1);
  readonly nrMemcgs = new Int32Array(MEMCG_NR_GENS);
  /** current->reclaim_state->mm_walk during reclaim, and kswapd's own (pgdat->mm_walk). */
  reclaimWalk: MmWalk | null = null;
  readonly kswapdWalk = new MmWalk();
  /** sc->nr.unqueued_dirty and sc->nr.file_taken of the reclaim under way. */
  nrUnqueuedDirty = 0;
  nrFileTaken = 0;
  private readonly zoneStart: number[];

  constructor(readonly k: Kernel) {
    this.zoneStart = k.buddy.zones.map((z) => z.startPfn);
    // lru_gen_init_lruvec() at boot, whether or not the multi-gen LRU is on.
    this.onlineMemcgs();
  }

  get enabled(): boolean {
    return (this.caps & LRU_GEN_CORE) !== 0;
  }

  /** jiffies since boot (HZ 250). */
  get jiffies(): number {
    return Math.floor(this.k.clock.nowNs / NS_PER_JIFFY);
  }

  /** The zone a frame is in (folio_zonenum). */
  zoneOf(pfn: number): number {
    const s = this.zoneStart;
    for (let z = s.length - 1; z > 0; z--) if (pfn >= s[z]! && this.k.buddy.zones[z]!.managed > 0) return z;
    return 0;
  }

  /** The lruvec of a memcg, created (lru_gen_init_lruvec, lru_gen_online_memcg) on first use. */
  lruvec(memcg: number): LruGenLruvec {
    const l = this.lruvecs[memcg];
    if (l) return l;
    this.onlineMemcgs();
    return this.lruvecs[memcg]!;
  }

  /**
   * Creates the lruvecs of cgroups made since the last call, in creation
   * order. Simplification: a cgroup's lruvec is born when MGLRU first needs
   * it rather than at mkdir.
   */
  onlineMemcgs(): void {
    for (const m of this.k.memcgs) {
      if (this.lruvecs[m.id]) continue;
      const l = new LruGenLruvec(m.id, this.jiffies);
      this.lruvecs[m.id] = l;
      const gen = this.memcgLruSeq % MEMCG_NR_GENS;
      l.memcgGen = gen;
      this.fifoAdd(l, gen, true);
      this.nrMemcgs[gen]!++;
    }
  }

  /** Index of the list of (memcg, gen, type, zone). */
  listIndex(memcg: number, gen: number, type: number, zone: number): number {
    return ((memcg * MAX_NR_GENS + gen) * ANON_AND_FILE + type) * NR_ZONES + zone;
  }

  // ---- lists -----------------------------------------------------------

  /** Links a folio at the head (youngest end) or tail of list `i`. */
  listAdd(i: number, head: number, tail: boolean): void {
    folioListAdd(this.k.pages, this.firstOf, this.lastOf, i, head, tail);
  }

  /**
   * Unlinks a folio from whichever generation list of its memcg, type and
   * zone holds it (lazy sorting means it need not be the one its gen bits
   * name; at most four lists to look at when it is at an end).
   */
  listDel(head: number, memcg: number, type: number, zone: number): void {
    const p = this.k.pages;
    const prev = p.lruPrev[head]!;
    const next = p.lruNext[head]!;
    if (prev !== NO_PFN) p.lruNext[prev] = next;
    else this.replaceEnd(this.firstOf, memcg, type, zone, head, next);
    if (next !== NO_PFN) p.lruPrev[next] = prev;
    else this.replaceEnd(this.lastOf, memcg, type, zone, head, prev);
    p.lruPrev[head] = NO_PFN;
    p.lruNext[head] = NO_PFN;
  }

  /** In the generation list whose end (`ends`: firstOf or lastOf) is `head`, makes `by` that end. */
  private replaceEnd(ends: Int32Array, memcg: number, type: number, zone: number, head: number, by: number): void {
    for (let g = 0; g < MAX_NR_GENS; g++) {
      const i = this.listIndex(memcg, g, type, zone);
      if (ends[i] === head) {
        ends[i] = by;
        return;
      }
    }
  }

  /** list_move() / list_move_tail() of a folio to list `i`. */
  listMove(head: number, i: number, tail: boolean): void {
    const p = this.k.pages;
    const f = p.flags[head]!;
    this.listDel(head, p.memcg[head]!, listType(f), this.zoneOf(head));
    this.listAdd(i, head, tail);
  }

  /** True if list `i` holds no folio. */
  listEmpty(i: number): boolean {
    return this.firstOf[i] === NO_PFN;
  }

  // ---- sizes -----------------------------------------------------------

  /**
   * lru_gen_update_size(): a folio of `n` pages moves from generation
   * `oldGen` to `newGen` (-1: off the lists). nr_pages follows; the
   * active/inactive LRU sizes follow when the folio enters, leaves, or
   * moves from an inactive to an active generation.
   */
  updateSize(l: LruGenLruvec, type: number, zone: number, n: number, oldGen: number, newGen: number): void {
    if (oldGen >= 0) l.nrPages[LruGenLruvec.idx(oldGen, type, zone)]! -= n;
    if (newGen >= 0) l.nrPages[LruGenLruvec.idx(newGen, type, zone)]! += n;
    const lru = type === LRU_GEN_FILE ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
    const sizes = this.k.lru;
    if (oldGen < 0) {
      sizes.updateSize(l.memcg, lru + (l.isActive(newGen) ? 1 : 0), n);
      return;
    }
    if (newGen < 0) {
      sizes.updateSize(l.memcg, lru + (l.isActive(oldGen) ? 1 : 0), -n);
      return;
    }
    if (!l.isActive(oldGen) && l.isActive(newGen)) {
      sizes.updateSize(l.memcg, lru, -n);
      sizes.updateSize(l.memcg, lru + 1, n);
    }
  }

  // ---- entering and leaving ------------------------------------------

  /**
   * lru_gen_folio_seq(): where a folio goes when added.
   *
   *   | accessed through page tables,   | accessed through fds,          |
   *   | PG_active (set while isolated)  |                                |
   *   | PG_workingset | PG_referenced   | PG_workingset | LRU_REFS_FLAGS |
   *   |<-- MIN_NR_GENS (max_seq, max_seq-1) -->|                         |
   *
   * Active folios: max_seq - 1 (max_seq if PG_workingset). Rotated to the
   * tail: the oldest. Anon not in the swap cache, or a dirty/writeback folio
   * being reclaimed: max_seq - 1. Others (page cache and swap cache filled
   * outside a fault): max_seq - 3, the oldest a generation can be (max_seq
   * - 2 with PG_workingset). Never below min_seq.
   */
  folioSeq(l: LruGenLruvec, flags: number, reclaiming: boolean): number {
    const type = folioType(flags);
    const ws = flags & PG_workingset ? 1 : 0;
    let gen: number;
    if (flags & PG_active) gen = MIN_NR_GENS - ws;
    else if (reclaiming) gen = MAX_NR_GENS;
    else if ((type === LRU_GEN_ANON && !(flags & PG_swapcache)) || (flags & PG_reclaim && flags & (PG_dirty | PG_writeback))) gen = MIN_NR_GENS;
    else gen = MAX_NR_GENS - ws;
    return Math.max(l.maxSeq - gen + 1, l.minSeq[type]!);
  }

  /**
   * lru_gen_add_folio(): puts an evictable folio on the list of the
   * generation folioSeq() picks, at the head (at the tail when
   * `reclaiming`, i.e. rotated there by lru_move_tail(), which clears
   * PG_active first). Active folios lose PG_active, PG_referenced and their
   * refs. A folio that already has gen bits is a piece of a large folio
   * being split, and keeps its generation (__split_huge_page copies them).
   * Returns false for an unevictable folio: it goes on the classic list.
   */
  addFolio(head: number, reclaiming: boolean): boolean {
    const p = this.k.pages;
    let f = p.flags[head]!;
    if (f & PG_unevictable) return false;
    const memcg = p.memcg[head]!;
    const l = this.lruvec(memcg);
    const type = folioType(f);
    const zone = this.zoneOf(head);
    let gen = folioLruGen(f);
    let tail = reclaiming;
    if (gen < 0) {
      if (reclaiming) f &= ~PG_active;
      gen = lruGenFromSeq(this.folioSeq(l, f, reclaiming));
      let mask = LRU_GEN_MASK;
      if (f & PG_active) mask |= LRU_REFS_MASK | PG_referenced | PG_active;
      f = (f & ~mask) | ((gen + 1) << LRU_GEN_PGOFF);
    } else tail = true;
    p.flags[head] = (f & ~LRU_GEN_ON_FILE) | PG_lru | (type === LRU_GEN_FILE ? LRU_GEN_ON_FILE : 0);
    this.updateSize(l, type, zone, p.nrPages(head), -1, gen);
    this.listAdd(this.listIndex(memcg, gen, type, zone), head, tail);
    return true;
  }

  /**
   * lru_gen_del_folio(): takes a folio off its generation list, clearing its
   * gen bits and PG_lru. Outside reclaim a folio from one of the two
   * youngest generations leaves with PG_active (so that a del/add pair,
   * e.g. folio_activate, keeps it young). Returns false if the folio is on
   * no generation list.
   */
  delFolio(head: number, reclaiming: boolean): boolean {
    const p = this.k.pages;
    const f = p.flags[head]!;
    const gen = folioLruGen(f);
    if (gen < 0) return false;
    const memcg = p.memcg[head]!;
    const l = this.lruvec(memcg);
    const type = listType(f);
    const zone = this.zoneOf(head);
    this.listDel(head, memcg, type, zone);
    const active = !reclaiming && l.isActive(gen) ? PG_active : 0;
    p.flags[head] = (f & ~(LRU_GEN_MASK | LRU_GEN_ON_FILE | PG_lru)) | active;
    this.updateSize(l, type, zone, p.nrPages(head), gen, -1);
    return true;
  }

  /**
   * folio_add_lru() with MGLRU on: a folio added while the task is in a
   * page fault (and not reclaiming) is marked active, so that it starts in
   * max_seq - 1 (see folioSeq()).
   */
  prepareAdd(head: number): void {
    const p = this.k.pages;
    if (this.inFault && this.reclaiming === 0 && !(p.flags[head]! & PG_unevictable)) p.flags[head] |= PG_active;
  }

  /**
   * folio_inc_gen(): moves a folio of the oldest generation of its type to
   * the next one (min_seq + 1), dropping PG_referenced and PG_workingset
   * (and setting PG_reclaim for one that waits for writeback). A folio that
   * a page-table walk already promoted keeps its newer generation. Returns
   * the generation; the caller moves the folio to that list.
   */
  folioIncGen(l: LruGenLruvec, head: number, reclaiming: boolean): number {
    const p = this.k.pages;
    const f = p.flags[head]!;
    const type = listType(f);
    const oldGen = lruGenFromSeq(l.minSeq[type]!);
    let newGen = folioLruGen(f);
    if (newGen >= 0 && newGen !== oldGen) return newGen;
    newGen = (oldGen + 1) % MAX_NR_GENS;
    p.flags[head] = (f & ~(LRU_GEN_MASK | LRU_REFS_FLAGS)) | ((newGen + 1) << LRU_GEN_PGOFF) | (reclaiming ? PG_reclaim : 0);
    this.updateSize(l, type, this.zoneOf(head), p.nrPages(head), oldGen, newGen);
    return newGen;
  }

  // ---- the components ------------------------------------------------

  /**
   * Writes /sys/kernel/mm/lru_gen/enabled: 'y' or 'n' (any case) for every
   * component, otherwise an unsigned number in C notation (0x7, 07, 7).
   * Turning LRU_GEN_CORE on or off moves every evictable folio between the
   * classic lists and the generations (lru_gen_change_state). Returns false
   * for a value that is not one of those (EINVAL).
   */
  writeEnabled(value: string): boolean {
    const caps = parseLruGenEnabled(value);
    if (caps === null) return false;
    const wasOn = this.enabled;
    this.caps = caps & LRU_GEN_CAPS_ALL;
    if (this.enabled !== wasOn) this.changeState(this.enabled);
    return true;
  }

  /** Reads /sys/kernel/mm/lru_gen/enabled: "0x0007\n" (x86 supports every component). */
  readEnabled(): string {
    return `0x${this.caps.toString(16).padStart(4, '0')}\n`;
  }

  /** min_ttl_ms: the working set younger than this is not evicted (jiffies, msecs_to_jiffies rounds up). */
  setMinTtlMs(ms: number): void {
    this.minTtl = Math.ceil((ms * HZ) / 1000);
  }

  /** min_ttl_ms as sysfs shows it (jiffies_to_msecs). */
  get minTtlMs(): number {
    return (this.minTtl * 1000) / HZ;
  }

  /**
   * lru_gen_change_state(): moves every evictable folio of every lruvec,
   * oldest first, from the classic lists into the generations
   * (fill_evictable: active ones into max_seq - 1) or back
   * (drain_evictable: the two youngest generations to the active lists).
   */
  private changeState(enabled: boolean): void {
    const k = this.k;
    this.onlineMemcgs();
    if (enabled) {
      k.lru.gen = this;
      for (const m of k.memcgs) {
        for (let lru = LRU_INACTIVE_ANON; lru <= LRU_INACTIVE_FILE + 1; lru++) {
          for (let head = k.lru.last(m.id, lru); head !== NO_PFN; head = k.lru.last(m.id, lru)) {
            k.lru.del(head);
            this.addFolio(head, false);
          }
        }
      }
      return;
    }
    k.lru.gen = null;
    for (const m of k.memcgs) {
      for (let gen = 0; gen < MAX_NR_GENS; gen++) {
        for (let type = 0; type < ANON_AND_FILE; type++) {
          for (let zone = 0; zone < NR_ZONES; zone++) {
            const i = this.listIndex(m.id, gen, type, zone);
            for (let head = this.lastOf[i]!; head !== NO_PFN; head = this.lastOf[i]!) {
              this.delFolio(head, false);
              k.lru.add(head);
            }
          }
        }
      }
    }
  }

  // ---- the memcg LRU list -------------------------------------------

  /** hlist_nulls_add_head/tail of a lruvec on fifo[gen]. */
  fifoAdd(l: LruGenLruvec, gen: number, tail: boolean): void {
    if (tail) {
      const last = this.fifoTail[gen]!;
      l.fifoPrev = last;
      l.fifoNext = -1;
      if (last >= 0) this.lruvecs[last]!.fifoNext = l.memcg;
      else this.fifoHead[gen] = l.memcg;
      this.fifoTail[gen] = l.memcg;
    } else {
      const first = this.fifoHead[gen]!;
      l.fifoNext = first;
      l.fifoPrev = -1;
      if (first >= 0) this.lruvecs[first]!.fifoPrev = l.memcg;
      else this.fifoTail[gen] = l.memcg;
      this.fifoHead[gen] = l.memcg;
    }
  }

  /** hlist_nulls_del of a lruvec from fifo[l.memcgGen]. */
  fifoDel(l: LruGenLruvec): void {
    const gen = l.memcgGen;
    if (l.fifoPrev >= 0) this.lruvecs[l.fifoPrev]!.fifoNext = l.fifoNext;
    else this.fifoHead[gen] = l.fifoNext;
    if (l.fifoNext >= 0) this.lruvecs[l.fifoNext]!.fifoPrev = l.fifoPrev;
    else this.fifoTail[gen] = l.fifoPrev;
    l.fifoPrev = -1;
    l.fifoNext = -1;
  }
}

/**
 * What a write to /sys/kernel/mm/lru_gen/enabled means (enabled_store):
 * 'n'/'N' → 0, 'y'/'Y' → every component, else the number's bits; null if
 * it is none of those. Example: "5\n" → 0x5, "0x0007" → 0x7.
 */
export function parseLruGenEnabled(value: string): number | null {
  if (/^[nN]/.test(value)) return 0;
  if (/^[yY]/.test(value)) return LRU_GEN_CAPS_ALL;
  const n = parseCUint(value);
  return n === null ? null : n & LRU_GEN_CAPS_ALL;
}

/** kstrtouint(buf, 0): decimal, 0x hex or 0 octal, with an optional newline. Null if malformed. */
export function parseCUint(s: string): number | null {
  const t = s.replace(/\n$/, '');
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^0[0-7]*$/.test(t)) n = parseInt(t, 8);
  else if (/^[1-9][0-9]*$/.test(t)) n = Number(t);
  else return null;
  return n <= 0xffffffff ? n : null;
}

/**
 * lru_gen_inc_refs(), folio_mark_accessed() with MGLRU on: the first access
 * through a file descriptor sets PG_referenced, the next ones count up to
 * LRU_REFS_MASK, and one more sets PG_workingset. Unevictable folios are
 * left alone.
 */
export function lruGenIncRefs(k: Kernel, head: number): void {
  const p = k.pages;
  const f = p.flags[head]!;
  if (f & PG_unevictable) return;
  if (!(f & PG_referenced)) {
    p.flags[head] = (f & ~LRU_REFS_MASK) | PG_referenced;
    return;
  }
  if ((f & LRU_REFS_MASK) === LRU_REFS_MASK) {
    p.flags[head] = f | PG_workingset;
    return;
  }
  p.flags[head] = f + (1 << LRU_REFS_PGOFF);
}

/**
 * lru_gen_set_refs(): a young PTE seen by reclaim's rmap walk. The first
 * time (neither PG_referenced nor PG_workingset) it only sets
 * PG_referenced and returns false; after that it sets PG_workingset
 * (clearing PG_referenced) and returns true: activate.
 */
export function lruGenSetRefs(k: Kernel, head: number): boolean {
  const p = k.pages;
  const f = p.flags[head]!;
  if (!(f & PG_referenced) && !(f & PG_workingset)) {
    p.flags[head] = (f & ~LRU_REFS_MASK) | PG_referenced;
    return false;
  }
  p.flags[head] = (f & ~LRU_REFS_FLAGS) | PG_workingset;
  return true;
}

/**
 * folio_update_gen(): a page-table walk found the folio young. The first
 * time it only gets PG_referenced (returns -1); after that its gen bits
 * become `gen` (max_seq's) and PG_workingset is set. Returns the old
 * generation, or -1 if the folio was not promoted (or is isolated).
 */
export function folioUpdateGen(k: Kernel, head: number, gen: number): number {
  const p = k.pages;
  const f = p.flags[head]!;
  if (!(f & PG_referenced) && !(f & PG_workingset)) {
    p.flags[head] = (f & ~LRU_REFS_MASK) | PG_referenced;
    return -1;
  }
  if (!(f & LRU_GEN_MASK)) return -1;
  p.flags[head] = (f & ~(LRU_GEN_MASK | LRU_REFS_FLAGS)) | ((gen + 1) << LRU_GEN_PGOFF) | PG_workingset;
  return folioLruGen(f);
}

