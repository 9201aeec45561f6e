// A deterministic round-robin scheduler for the System's CPUs. Time advances
// in slices of a quantum (counted in memory references by the caller): slice
// after slice, CPU 0, 1, ..., N-1, 0, ... each puts the thread it ran back at
// the end of the run queue and takes the one at the head, context-switching
// if it differs (System.run: switch_mm, PCID slots); a CPU with nothing to
// run runs the idle task, in lazy TLB mode. Linux: kernel/sched/core.c
// (context_switch: switch_mm_irqs_off or enter_lazy_tlb), much simplified:
// no priorities, no load balancing, no affinity beyond what the rotation
// gives, no preemption inside a slice.
import type { Task } from '../kernel/task.js';
import type { System } from './system.js';

/** Anything the scheduler can run: one thread of a task. */
export interface Schedulable {
  readonly task: Task;
}

export class RoundRobin<T extends Schedulable> {
  /** Context switches made (a CPU took a different thread, or went idle). */
  switches = 0;
  private readonly queue: T[] = [];
  private readonly onCpu: Array<T | null>;
  private cpu = -1;

  constructor(private readonly sys: System) {
    this.onCpu = sys.cores.map(() => null);
  }

  /** Makes `t` runnable (at the end of the queue). */
  add(t: T): void {
    this.queue.push(t);
  }

  /** `t` is done: it leaves its CPU and the queue. */
  remove(t: T): void {
    const c = this.onCpu.indexOf(t);
    if (c >= 0) this.onCpu[c] = null;
    const q = this.queue.indexOf(t);
    if (q >= 0) this.queue.splice(q, 1);
  }

  /**
   * The next slice: the next CPU in turn takes the head of the run queue
   * (after queueing what it ran) and is switched to it. CPUs with nothing
   * to run go idle and are skipped. Returns null when no thread is left.
   */
  next(): { cpu: number; thread: T } | null {
    const n = this.onCpu.length;
    for (let tries = 0; tries < n; tries++) {
      this.cpu = (this.cpu + 1) % n;
      const c = this.cpu;
      const cur = this.onCpu[c]!;
      if (cur) this.queue.push(cur);
      const t = this.queue.shift() ?? null;
      if (t !== cur) this.switches++;
      this.onCpu[c] = t;
      this.sys.run(c, t ? t.task : null);
      if (t) return { cpu: c, thread: t };
    }
    return null;
  }
}
