// Memory cgroups (the cgroup v1 memory controller). Linux: mm/memcontrol.c,
// mm/memcontrol-v1.c (try_charge_memcg, mem_cgroup_uncharge,
// mem_cgroup_swapout, mem_cgroup_swapin_charge_folio, mem_cgroup_get_max,
// mem_cgroup_oom), mm/page_counter.c.
//
// Every folio is charged to the cgroup of the task that brought it in
// (faults, file writes, swap-in); page tables are charged as kernel memory,
// which v1 counts in memory.usage_in_bytes. The memsw counter covers memory
// plus swap: swapping a page out moves its charge from memory to its swap
// slot. Charges are taken MEMCG_CHARGE_BATCH pages at a time, the surplus
// kept in the per-CPU stock (counted in usage) for the next charges; a
// charge over the limit reclaims from the cgroup's own LRU lists while
// reclaim makes progress (MAX_RECLAIM_RETRIES times when it does not), then
// calls the OOM killer on the cgroup's tasks. Cgroups are flat (children of
// the root only). Simplification: one CPU's stock (the scenario runners run
// on one CPU).
import type { Timer } from './clock.js';
import type { Kernel } from './kernel.js';
import { MAX_MEMCG, NR_LRU_LISTS } from './lru.js';
import type { Task } from './task.js';
import { VM } from './vmstat.js';

/** A memory cgroup and its lruvec state. */
export class MemCgroup {
  /** memory.limit_in_bytes and memory.memsw.limit_in_bytes, in pages. */
  limit = Infinity;
  memswLimit = Infinity;
  /** memory.swappiness, or null to follow vm.swappiness (the root). */
  swappiness: number | null = null;
  /** Pages charged (memory counter) and memory plus swap (memsw counter). */
  usage = 0;
  memswUsage = 0;
  maxUsage = 0;
  /** memory.failcnt and memory.memsw.failcnt: charges refused by each counter. */
  failcnt = 0;
  memswFailcnt = 0;
  oomKill = 0;
  /** lruvec->anon_cost and file_cost, nonresident_age and refaults seen. */
  anonCost = 0;
  fileCost = 0;
  nonresidentAge = 0;
  refaultsSeenAnon = 0;
  refaultsSeenFile = 0;
  /** WORKINGSET_ACTIVATE_* of this lruvec. */
  activateAnon = 0;
  activateFile = 0;
  /**
   * The lruvec's LRU sizes and WORKINGSET_ACTIVATE_* as of the last
   * statistics flush: what lruvec_page_state() returns, and what reclaim's
   * heuristics read (the LRU scan itself counts exact list sizes).
   */
  readonly flushedLru = new Float64Array(NR_LRU_LISTS);
  flushedActivateAnon = 0;
  flushedActivateFile = 0;
  readonly tasks = new Set<Task>();
  constructor(
    readonly id: number,
    readonly name: string,
  ) {}
}

/** Creates cgroup `name` (or returns the existing one). */
export function memcgCreate(k: Kernel, name: string): MemCgroup {
  const found = k.memcgs.find((m) => m.name === name);
  if (found) return found;
  if (k.memcgs.length >= MAX_MEMCG) throw new Error(`at most ${MAX_MEMCG - 1} memory cgroups`);
  const m = new MemCgroup(k.memcgs.length, name);
  k.memcgs.push(m);
  return m;
}

/** The cgroup a task charges to. */
export function taskMemcg(k: Kernel, task: Task | null): MemCgroup {
  return task ? k.memcgs[task.memcg]! : k.memcgs[0]!;
}

/** Moves a task into a cgroup (cgroup.procs). Charges already made stay. */
export function memcgAttach(k: Kernel, task: Task, m: MemCgroup): void {
  k.memcgs[task.memcg]!.tasks.delete(task);
  task.memcg = m.id;
  m.tasks.add(task);
}

/** mem_cgroup_swappiness(). */
export function memcgSwappiness(k: Kernel, m: MemCgroup): number {
  return m.id === 0 || m.swappiness === null ? k.swappiness : m.swappiness;
}

/**
 * mem_cgroup_get_max(): the OOM killer's totalpages in a cgroup: the limit,
 * plus what memsw allows of swap when the cgroup may swap.
 */
export function memcgGetMax(k: Kernel, m: MemCgroup): number {
  let max = m.limit;
  if (memcgSwappiness(k, m)) {
    const swap = m.memswLimit - m.limit;
    max += Math.min(swap, k.totalSwapPages);
  }
  return Math.max(1, max);
}

/** MEMCG_CHARGE_BATCH (4 KiB pages): the size of a charge's first try. */
export const MEMCG_CHARGE_BATCH = 64;
const NR_MEMCG_STOCK = 7;
const MAX_RECLAIM_RETRIES = 16;
/** PAGE_ALLOC_COSTLY_ORDER: charges up to 2^3 pages retry as long as reclaim frees anything. */
const COSTLY_PAGES = 8;

/**
 * struct memcg_stock_pcp: pages already charged to a cgroup but not yet
 * given to a folio, for up to NR_MEMCG_STOCK cgroups. They count in usage.
 */
export class MemcgStock {
  /** The cgroup of each slot, -1 when empty. */
  readonly cached = new Int32Array(NR_MEMCG_STOCK).fill(-1);
  readonly nrPages = new Int32Array(NR_MEMCG_STOCK);
  /** The slot to evict next when all are taken. */
  drainIdx = 0;
}

/** mem_cgroup_margin(): pages `m` can still charge under both limits. */
function margin(m: MemCgroup): number {
  return Math.max(0, Math.min(m.limit - m.usage, m.memswLimit - m.memswUsage));
}

function commit(m: MemCgroup, nr: number): void {
  m.usage += nr;
  m.memswUsage += nr;
  if (m.usage > m.maxUsage) m.maxUsage = m.usage;
}

/** memcg_uncharge(): both counters give back `nr` pages. */
function counterUncharge(m: MemCgroup, nr: number): void {
  m.usage -= nr;
  m.memswUsage -= nr;
}

/** consume_stock(): takes `nr` pages from the stock of `m` if it holds that many. */
function consumeStock(k: Kernel, m: MemCgroup, nr: number): boolean {
  if (nr > MEMCG_CHARGE_BATCH) return false;
  const s = k.memcgStock;
  for (let i = 0; i < NR_MEMCG_STOCK; i++) {
    if (s.cached[i] !== m.id) continue;
    if (s.nrPages[i]! < nr) return false;
    s.nrPages[i]! -= nr;
    return true;
  }
  return false;
}

/** drain_stock(): a slot's pages go back to their cgroup's counters. */
function drainSlot(k: Kernel, i: number): void {
  const s = k.memcgStock;
  const id = s.cached[i]!;
  if (id < 0) return;
  if (s.nrPages[i]) counterUncharge(k.memcgs[id]!, s.nrPages[i]!);
  s.nrPages[i] = 0;
  s.cached[i] = -1;
}

/**
 * refill_stock(): puts `nr` charged pages of `m` in the stock. A slot over
 * MEMCG_CHARGE_BATCH is drained; a new cgroup takes an empty slot, or the
 * next one round-robin (drained first).
 */
function refillStock(k: Kernel, m: MemCgroup, nr: number): void {
  if (nr > MEMCG_CHARGE_BATCH) {
    counterUncharge(m, nr);
    return;
  }
  const s = k.memcgStock;
  let empty = -1;
  for (let i = 0; i < NR_MEMCG_STOCK; i++) {
    if (s.cached[i] === -1 && empty === -1) empty = i;
    if (s.cached[i] !== m.id) continue;
    s.nrPages[i]! += nr;
    if (s.nrPages[i]! > MEMCG_CHARGE_BATCH) drainSlot(k, i);
    return;
  }
  let i = empty;
  if (i === -1) {
    i = s.drainIdx;
    s.drainIdx = (s.drainIdx + 1) % NR_MEMCG_STOCK;
    drainSlot(k, i);
  }
  s.cached[i] = m.id;
  s.nrPages[i] = nr;
}

/** drain_all_stock(): the stocked charge of `m` goes back to its counters. */
export function drainAllStock(k: Kernel, m: MemCgroup): void {
  const s = k.memcgStock;
  for (let i = 0; i < NR_MEMCG_STOCK; i++) if (s.cached[i] === m.id && s.nrPages[i]) drainSlot(k, i);
}

/**
 * try_charge_memcg(): charges `nr` pages to `m`. Linux: mm/memcontrol.c.
 * From the stock if it can; else MEMCG_CHARGE_BATCH pages at once (the
 * surplus to the stock), then just `nr`. A counter that refuses counts a
 * failure (memsw is tried first, and a memsw failure reclaims without
 * swapping). Over the limit: limit reclaim, retried while the margin is
 * short, once more after draining the stock, again while reclaim frees
 * anything, else MAX_RECLAIM_RETRIES times; then the cgroup's OOM killer.
 * Returns false when the charge failed (the task that needed it was killed,
 * or nothing could be killed).
 */
export function tryCharge(k: Kernel, m: MemCgroup, nr: number): boolean {
  if (m.id === 0) return true; // the root is not limited and its counters are the node's
  let batch = Math.max(MEMCG_CHARGE_BATCH, nr);
  let retries = MAX_RECLAIM_RETRIES;
  let drained = false;
  for (;;) {
    if (consumeStock(k, m, nr)) return true;
    let maySwap = true;
    if (m.memswUsage + batch > m.memswLimit) {
      m.memswFailcnt++;
      maySwap = false;
    } else if (m.usage + batch > m.limit) {
      m.failcnt++;
    } else {
      commit(m, batch);
      if (batch > nr) refillStock(k, m, batch - nr);
      return true;
    }
    if (batch > nr) {
      // The batch was too much: try for what is needed before reclaiming.
      batch = nr;
      continue;
    }
    const reclaimed = k.reclaimMemcg(m, nr, maySwap);
    if (margin(m) >= nr) continue;
    if (!drained) {
      drainAllStock(k, m);
      drained = true;
      continue;
    }
    if (reclaimed && nr <= COSTLY_PAGES) continue;
    if (retries-- > 0) continue;
    const current = k.current;
    if (!k.memcgOom(m)) return false;
    // A killed task gives up its charge (task_is_dying after passed_oom).
    if (current && current.killed) return false;
    retries = MAX_RECLAIM_RETRIES;
  }
}

/** Uncharges `nr` pages of memory (and memsw) from cgroup `id` (a freed folio). */
export function uncharge(k: Kernel, id: number, nr: number): void {
  if (id === 0) return;
  counterUncharge(k.memcgs[id]!, nr);
}

/**
 * Uncharges `nr` pages of kernel memory (a page table): they go to the
 * stock, as obj_cgroup_uncharge_pages() refills it, and count in usage
 * until the stock is drained or used.
 */
export function unchargeKmem(k: Kernel, id: number, nr: number): void {
  if (id === 0) return;
  refillStock(k, k.memcgs[id]!, nr);
}

/** mem_cgroup_swapout(): a page's charge moves to its swap slot (memsw stays charged). */
export function memcgSwapout(k: Kernel, id: number, entry: number): void {
  if (id === 0) return;
  k.memcgs[id]!.usage -= 1;
  k.swapCgroup.set(entry, id);
}

/** mem_cgroup_uncharge_swap(): the swap slot is freed; memsw drops. */
export function memcgUnchargeSwap(k: Kernel, entry: number): void {
  const id = k.swapCgroup.get(entry);
  if (id === undefined) return;
  k.swapCgroup.delete(entry);
  k.memcgs[id]!.memswUsage -= 1;
}

/** FLUSH_TIME: the period of the rstat flusher (flush_memcg_stats_dwork), 2 s. */
export const MEMCG_FLUSH_NS = 2e9;

/**
 * mem_cgroup_flush_stats() of the root: every lruvec's statistics catch up
 * with its lists (the root's are the node's, the sum of all lruvecs).
 * Linux updates them per CPU and folds them in only at a flush: the
 * periodic one every 2 s, or a read of memory.stat.
 */
export function memcgFlushStats(k: Kernel): void {
  for (const m of k.memcgs) {
    for (let l = 0; l < NR_LRU_LISTS; l++) m.flushedLru[l] = m.id === 0 ? k.lru.nrPages[l]! : k.lru.size(m.id, l);
    m.flushedActivateAnon = m.id === 0 ? k.vmstat.get(VM.workingset_activate_anon) : m.activateAnon;
    m.flushedActivateFile = m.id === 0 ? k.vmstat.get(VM.workingset_activate_file) : m.activateFile;
  }
}

/** The periodic rstat flush (flush_memcg_stats_dwork), every MEMCG_FLUSH_NS. */
export class MemcgStatsFlusher implements Timer {
  private last = 0;

  at(): number {
    return this.last + MEMCG_FLUSH_NS;
  }

  fire(k: Kernel, now: number): void {
    this.last = now;
    memcgFlushStats(k);
  }
}
