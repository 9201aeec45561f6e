// Pressure stall information: /proc/pressure/memory and /proc/pressure/io.
// Linux: kernel/sched/psi.c, include/linux/sched/loadavg.h.
//
// clock.ts accumulates, per CPU, the time in which some task was stalled
// (SOME), every non-idle task was stalled (FULL), and anything ran at all
// (NONIDLE). As in the kernel, these are folded into one system figure by
// weighting each CPU with its non-idle time in jiffies (collect_percpu_times),
// and a worker that runs every PSI_FREQ while there is activity feeds the
// 10 s, 60 s and 300 s running averages (update_averages, calc_avgs).
import type { Kernel } from './kernel.js';
import type { CpuTimes, SimClock, Timer } from './clock.js';

/** CONFIG_HZ of the reference kernel: a jiffy is 4 ms. */
const HZ = 250;
const NS_PER_JIFFY = 1e9 / HZ;
/** PSI_FREQ = 2*HZ+1 jiffies: the averaging period, just over 2 s. */
export const PSI_PERIOD_NS = (2 * HZ + 1) * NS_PER_JIFFY;
const FSHIFT = 11;
const FIXED_1 = 1 << FSHIFT;
/** 1/exp(2s/10s), 1/exp(2s/60s), 1/exp(2s/300s) in fixed point. */
const EXP = [1677, 1981, 2034] as const;

/** States in the kernel's order: IO_SOME, IO_FULL, MEM_SOME, MEM_FULL. */
const STATES = ['ioSome', 'ioFull', 'memSome', 'memFull'] as const satisfies readonly (keyof CpuTimes)[];

/** calc_load(): one step of an exponentially decaying average, rounding up while it grows. */
function calcLoad(load: number, exp: number, active: number): number {
  let n = load * exp + active * (FIXED_1 - exp);
  if (active >= load) n += FIXED_1 - 1;
  return Math.floor(n / FIXED_1);
}

/** fixed_power_int(): x^n in FSHIFT fixed point, rounding each product. */
function fixedPower(x: number, n: number): number {
  let result = FIXED_1;
  while (n) {
    if (n & 1) result = Math.floor((result * x + (FIXED_1 >> 1)) / FIXED_1);
    n >>>= 1;
    if (!n) break;
    x = Math.floor((x * x + (FIXED_1 >> 1)) / FIXED_1);
  }
  return result;
}

function calcLoadN(load: number, exp: number, active: number, n: number): number {
  return calcLoad(load, fixedPower(exp, n), active);
}

export class Psi implements Timer {
  /** Cumulative stall time per state, ns (group->total[PSI_AVGS]). */
  readonly total = [0, 0, 0, 0];
  private readonly avgTotal = [0, 0, 0, 0];
  /** avg10, avg60, avg300 per state, in FIXED_1 percent. */
  readonly avg = STATES.map(() => [0, 0, 0]);
  private avgLastUpdate = 0;
  private avgNextUpdate = PSI_PERIOD_NS;
  /** When psi_avgs_work runs next; null while the system is idle. */
  private workAt: number | null = null;
  private readonly prev: CpuTimes[];

  constructor(private readonly clock: SimClock) {
    this.prev = clock.cpu.map(() => ({ nonidle: 0, memSome: 0, memFull: 0, ioSome: 0, ioFull: 0 }));
  }

  /** Activity arms the worker PSI_FREQ later (psi_group_change → schedule_delayed_work). */
  noteActivity(now: number): void {
    if (this.workAt === null) this.workAt = now + PSI_PERIOD_NS;
  }

  at(now: number, busy: boolean): number | null {
    if (busy) this.noteActivity(now);
    return this.workAt;
  }

  /** psi_avgs_work(): fold the per-CPU times, update the averages when due, and re-arm while busy. */
  fire(_k: Kernel, now: number): void {
    const changed = this.collect();
    if (now >= this.avgNextUpdate) this.avgNextUpdate = this.updateAverages(now);
    this.workAt = changed ? now + (Math.floor((this.avgNextUpdate - now) / NS_PER_JIFFY) + 1) * NS_PER_JIFFY : null;
  }

  /** collect_percpu_times(): returns whether any CPU was non-idle since the last collection. */
  private collect(): boolean {
    const deltas = [0, 0, 0, 0];
    let nonidleTotal = 0;
    let changed = false;
    this.clock.cpu.forEach((c, i) => {
      const p = this.prev[i]!;
      const nonidleNs = c.nonidle - p.nonidle;
      if (nonidleNs > 0) changed = true;
      const nonidle = Math.floor(nonidleNs / NS_PER_JIFFY);
      nonidleTotal += nonidle;
      STATES.forEach((s, j) => {
        deltas[j] += Math.floor(c[s] - p[s]) * nonidle;
      });
      Object.assign(p, c);
    });
    for (let s = 0; s < 4; s++) this.total[s] += Math.floor(deltas[s]! / Math.max(nonidleTotal, 1));
    return changed;
  }

  /** update_averages(): returns the next update time. */
  private updateAverages(now: number): number {
    const expires = this.avgNextUpdate;
    const missed = now - expires >= PSI_PERIOD_NS ? Math.floor((now - expires) / PSI_PERIOD_NS) : 0;
    const next = expires + (1 + missed) * PSI_PERIOD_NS;
    const period = now - (this.avgLastUpdate + missed * PSI_PERIOD_NS);
    this.avgLastUpdate = now;
    for (let s = 0; s < 4; s++) {
      const sample = Math.min(this.total[s]! - this.avgTotal[s]!, period);
      this.avgTotal[s] += sample;
      const avg = this.avg[s]!;
      if (missed) for (let w = 0; w < 3; w++) avg[w] = calcLoadN(avg[w]!, EXP[w]!, 0, missed);
      const pct = Math.floor((sample * 100) / period) * FIXED_1;
      for (let w = 0; w < 3; w++) avg[w] = calcLoad(avg[w]!, EXP[w]!, pct);
    }
    return next;
  }

  /** psi_show(): the text of /proc/pressure/RESOURCE at time `now`. */
  show(resource: 'io' | 'memory', now: number): string {
    this.collect();
    if (now >= this.avgNextUpdate) this.avgNextUpdate = this.updateAverages(now);
    const base = resource === 'io' ? 0 : 2;
    let out = '';
    for (let full = 0; full < 2; full++) {
      const avg = this.avg[base + full]!;
      const f = (x: number): string => `${x >> FSHIFT}.${String(((x & (FIXED_1 - 1)) * 100) >> FSHIFT).padStart(2, '0')}`;
      out += `${full ? 'full' : 'some'} avg10=${f(avg[0]!)} avg60=${f(avg[1]!)} avg300=${f(avg[2]!)} total=${Math.floor(this.total[base + full]! / 1000)}\n`;
    }
    return out;
  }
}
