// Overcommit accounting: Committed_AS and the three overcommit modes.
// Linux: mm/util.c (__vm_enough_memory, vm_commit_limit), mm/mmap.c
// (init_user_reserve, init_admin_reserve).
import type { Kernel } from './kernel.js';
import type { Mm } from './mm_types.js';

export const OVERCOMMIT_GUESS = 0;
export const OVERCOMMIT_ALWAYS = 1;
export const OVERCOMMIT_NEVER = 2;

/** vm_commit_limit() in pages: (RAM - hugetlb) * ratio / 100 + swap, or overcommit_kbytes / 4. */
export function vmCommitLimit(k: Kernel): number {
  if (k.overcommitKbytes) return Math.floor(k.overcommitKbytes / 4) + k.totalSwapPages;
  return Math.floor(((k.totalramPages - k.hugetlbTotalPages) * k.machine.overcommitRatio) / 100) + k.totalSwapPages;
}

/**
 * __vm_enough_memory(): charges `pages` to Committed_AS and checks the
 * overcommit policy; on refusal the charge is undone and -ENOMEM (-12)
 * returned. Mode 0 refuses only a single request larger than RAM + swap;
 * mode 1 never refuses; mode 2 requires Committed_AS < CommitLimit minus
 * the admin reserve (non-root) and min(total_vm/32, user reserve).
 */
export function vmEnoughMemory(k: Kernel, mm: Mm | null, pages: number, capSysAdmin = true): number {
  k.committedAs += pages;
  const mode = k.machine.overcommitMemory;
  if (mode === OVERCOMMIT_ALWAYS) return 0;
  if (mode === OVERCOMMIT_GUESS) {
    if (pages > k.totalramPages + k.totalSwapPages) {
      k.committedAs -= pages;
      return -12;
    }
    return 0;
  }
  let allowed = vmCommitLimit(k);
  if (!capSysAdmin) allowed -= Math.floor(k.adminReserveKbytes / 4);
  if (mm) allowed -= Math.min(Math.floor(mm.totalVm / 32), Math.floor(k.userReserveKbytes / 4));
  if (Math.max(0, k.committedAs) < allowed) return 0;
  k.committedAs -= pages;
  return -12;
}

/** vm_unacct_memory(). */
export function vmUnacctMemory(k: Kernel, pages: number): void {
  k.committedAs -= pages;
}
