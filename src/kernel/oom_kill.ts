// The OOM killer. Linux: mm/oom_kill.c (oom_badness, select_bad_process,
// oom_kill_process, __oom_kill_process, out_of_memory, check_panic_on_oom),
// fs/proc/base.c (proc_oom_score).
//
// badness = RSS + swap entries + page-table pages, plus oom_score_adj times
// totalpages/1000 (that division first); -1000 is never chosen. The victim is
// the highest score in task-list (creation) order, a later task winning a
// tie. Simplification: the victim's memory is reaped at once (the OOM
// reaper's work is not delayed by 2 s).
import type { Kernel } from './kernel.js';
import { MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS } from './mm_types.js';
import type { Task } from './task.js';
import { memcgGetMax, type MemCgroup } from './memcontrol.js';
import { VM } from './vmstat.js';

export const OOM_SCORE_ADJ_MIN = -1000;
export const OOM_SCORE_ADJ_MAX = 1000;

/** A kernel panic: the simulation cannot go on (panic_on_oom, nothing to kill). */
export class KernelPanic extends Error {
  constructor(message: string) {
    super(`Kernel panic - not syncing: ${message}`);
    this.name = 'KernelPanic';
  }
}

/** totalpages for an unconstrained OOM: RAM + swap. */
export function oomTotalPages(k: Kernel): number {
  return k.totalramPages + k.totalSwapPages;
}

/** oom_badness(): the points of a task, or null if it is unkillable. */
export function oomBadness(task: Task, totalpages: number): number | null {
  const mm = task.mm;
  if (!mm || task.exited || task.killed) return null;
  const adj = task.oomScoreAdj;
  if (adj === OOM_SCORE_ADJ_MIN) return null;
  let points = mm.rss[MM_ANONPAGES]! + mm.rss[MM_FILEPAGES]! + mm.rss[MM_SHMEMPAGES]! + mm.rss[MM_SWAPENTS]! + Math.floor(mm.pgtablesBytes / 4096);
  points += adj * Math.trunc(totalpages / 1000);
  return points;
}

/**
 * /proc/PID/oom_score (since 5.9): (1000 + badness * 1000 / totalpages) * 2 / 3,
 * 0 for an unkillable task. A task using nothing with adj 0 shows 666.
 */
export function oomScore(k: Kernel, task: Task): number {
  const total = oomTotalPages(k);
  const b = oomBadness(task, total);
  if (b === null) return 0;
  return Math.trunc(((1000 + Math.trunc((b * 1000) / total)) * 2) / 3);
}

/** The kernel's log line for a kill (__oom_kill_process). */
function killLine(task: Task): string {
  const mm = task.mm!;
  return (
    `Out of memory: Killed process ${task.pid} (${task.comm}) total-vm:${mm.totalVm * 4}kB, ` +
    `anon-rss:${mm.rss[MM_ANONPAGES]! * 4}kB, file-rss:${mm.rss[MM_FILEPAGES]! * 4}kB, ` +
    `shmem-rss:${mm.rss[MM_SHMEMPAGES]! * 4}kB, UID:0 pgtables:${Math.floor(mm.pgtablesBytes / 1024)}kB ` +
    `oom_score_adj:${task.oomScoreAdj}`
  );
}

/** An OOM kill, for the scenario `events` output and the library API. */
export interface OomKill {
  pid: number;
  comm: string;
  points: number;
  line: string;
}

/** Kills a task: SIGKILL, its memory reaped at once, the kill logged and counted. */
function oomKillProcess(k: Kernel, task: Task, points: number): void {
  const line = killLine(task);
  k.dmesg.push(line);
  k.oomKills.push({ pid: task.pid, comm: task.comm, points, line });
  k.vmstat.add(VM.oom_kill, 1);
  task.killed = true;
  // The OOM reaper: the victim's address space goes now, unless the victim is
  // the task whose allocation is failing: its fault unwinds first (k.reapPending).
  if (task === k.current) k.pendingReap.push(task);
  else reapTask(k, task);
}

/** Tears down a killed task's address space (the OOM reaper, then exit). */
export function reapTask(k: Kernel, task: Task): void {
  if (!task.mm) return;
  const mm = task.mm;
  task.mm = null;
  mm.users--;
  if (mm.users === 0) k.exitMm(mm);
}

/**
 * out_of_memory(): reclaim failed. Panics under panic_on_oom; kills the
 * allocating task under oom_kill_allocating_task if it can; otherwise picks
 * the task with the highest badness. Returns true if something was killed.
 */
export function outOfMemory(k: Kernel, current: Task | null, memcg: MemCgroup | null = null): boolean {
  // check_panic_on_oom(): 1 panics only for an unconstrained OOM, 2 always.
  if (k.panicOnOom === 2 || (k.panicOnOom === 1 && !memcg)) throw new KernelPanic('Out of memory: system-wide panic_on_oom is enabled');
  const total = memcg ? memcgGetMax(k, memcg) : oomTotalPages(k);
  if (k.oomKillAllocatingTask && !memcg && current && current.mm) {
    const b = oomBadness(current, total);
    if (b !== null) {
      oomKillProcess(k, current, b);
      return true;
    }
  }
  let chosen: Task | null = null;
  let chosenPoints = -Infinity;
  for (const t of k.tasks) {
    if (memcg && t.memcg !== memcg.id) continue;
    const b = oomBadness(t, total);
    if (b === null) continue;
    if (b < chosenPoints) continue;
    chosen = t;
    chosenPoints = b;
  }
  if (!chosen) {
    // A cgroup with nothing to kill just fails the charge.
    if (memcg) return false;
    throw new KernelPanic('System is deadlocked on memory');
  }
  if (memcg) memcg.oomKill++;
  oomKillProcess(k, chosen, chosenPoints);
  return true;
}
