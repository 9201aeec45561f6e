// A process: its address space and the per-task counters /proc reports.
// Linux: include/linux/sched.h (task_struct: mm, min_flt, maj_flt, signal's
// oom_score_adj), kernel/fork.c, kernel/exit.c.
import type { Mm } from './mm_types.js';

export type Signal = 'SIGSEGV' | 'SIGBUS' | 'SIGKILL';

export class Task {
  readonly children: Task[] = [];
  /** Faults resolved without I/O and with I/O (task->min_flt, maj_flt). */
  minFlt = 0;
  majFlt = 0;
  /** Faults of reaped children (cmin_flt, cmaj_flt). */
  cminFlt = 0;
  cmajFlt = 0;
  oomScoreAdj = 0;
  /** The memory cgroup the task charges to (0 = root). */
  memcg = 0;
  exited = false;
  /** SIGKILLed (by the OOM killer); its memory is gone. */
  killed = false;
  /** The last signal delivered by a fault, with its address. */
  lastSignal: { sig: Signal; addr: number; code: string } | null = null;

  constructor(
    readonly pid: number,
    public comm: string,
    public mm: Mm | null,
    public parent: Task | null,
  ) {}
}
