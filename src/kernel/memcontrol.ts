// Memory cgroups (the cgroup v1 memory controller). Linux: mm/memcontrol.c,
// mm/memcontrol-v1.c (try_charge_memcg, mem_cgroup_uncharge,
// mem_cgroup_swapout, mem_cgroup_swapin_charge_folio, mem_cgroup_get_max,
// mem_cgroup_oom), mm/page_counter.c.
//
// Every folio is charged to the cgroup of the task that brought it in
// (faults, file writes, swap-in); page tables are charged as kernel memory,
// which v1 counts in memory.usage_in_bytes. The memsw counter covers memory
// plus swap: swapping a page out moves its charge from memory to its swap
// slot. A charge over the limit reclaims from the cgroup's own LRU lists,
// up to MAX_RECLAIM_RETRIES times, then calls the OOM killer on the cgroup's
// tasks. Cgroups are flat (children of the root only).
import type { Kernel } from './kernel.js';
import { MAX_MEMCG } from './lru.js';
import type { Task } from './task.js';

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
  failcnt = 0;
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

function room(m: MemCgroup, nr: number): boolean {
  return m.usage + nr <= m.limit && m.memswUsage + nr <= m.memswLimit;
}

function commit(m: MemCgroup, nr: number): void {
  m.usage += nr;
  m.memswUsage += nr;
  if (m.usage > m.maxUsage) m.maxUsage = m.usage;
}

/**
 * try_charge_memcg(): charges `nr` pages to `m`, reclaiming within it and
 * finally OOM-killing one of its tasks when over the limit. Returns false
 * when the charge failed (the task that needed it was killed, or nothing
 * could be killed).
 */
export function tryCharge(k: Kernel, m: MemCgroup, nr: number): boolean {
  if (m.id === 0) return true; // the root is not limited and its counters are the node's
  if (room(m, nr)) {
    commit(m, nr);
    return true;
  }
  m.failcnt++;
  for (;;) {
    let retries = 16;
    while (retries-- > 0) {
      const memswLimited = m.memswUsage + nr > m.memswLimit;
      const got = k.reclaimMemcg(m, nr, !memswLimited);
      if (room(m, nr)) {
        commit(m, nr);
        return true;
      }
      if (got === 0 && retries < 14) break;
    }
    if (room(m, nr)) {
      commit(m, nr);
      return true;
    }
    const current = k.current;
    if (!k.memcgOom(m)) return false;
    if (current && current.killed) return false;
    if (room(m, nr)) {
      commit(m, nr);
      return true;
    }
  }
}

/** Uncharges `nr` pages of memory (and memsw) from cgroup `id`. */
export function uncharge(k: Kernel, id: number, nr: number): void {
  if (id === 0) return;
  const m = k.memcgs[id]!;
  m.usage -= nr;
  m.memswUsage -= nr;
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
