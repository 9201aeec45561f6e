// /proc/pressure/memory and /proc/pressure/io. Linux: kernel/sched/psi.c
// (psi_show); the figures come from kernel/psi.ts.
import type { Kernel } from '../kernel/kernel.js';

export function procPressure(k: Kernel, resource: 'memory' | 'io'): string {
  return k.psi.show(resource, k.clock.nowNs);
}
