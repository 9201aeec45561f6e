// A user-mode load or store as the CPU performs it: walk the page tables,
// set the accessed and dirty bits, and raise a page fault when the entry is
// missing or forbids the access. Linux: the hardware side of
// arch/x86/mm/fault.c. (The TLB and caches in front of this walk are hw/.)
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_NX, PTE_PRESENT, PTE_RW, PTE_USER } from '../hw/pte.js';
import type { Kernel } from './kernel.js';
import { ACCESS_OK, ACCESS_OOM } from './memory.js';
import type { Task } from './task.js';
import { doUserAddrFault } from './user_fault.js';

/**
 * Translates a user access at `addr` to a frame, faulting as needed.
 * Returns the pfn (>= 0), or -(ACCESS_SIGSEGV | ACCESS_SIGBUS | ACCESS_OOM).
 */
export function userAccess(k: Kernel, task: Task, addr: number, write: boolean, exec = false): number {
  if (!task.mm) return -ACCESS_OOM;
  const pt = k.pt;
  const mm = task.mm;
  const vpn = Math.floor(addr / 4096);
  for (let attempt = 0; attempt < 4; attempt++) {
    const e = pt.walk(mm.pgd, vpn);
    let present = false;
    if (e >= 0) {
      const f = pt.flags[e]!;
      present = (f & PTE_PRESENT) !== 0;
      if (present && f & PTE_USER && (!write || f & PTE_RW) && (!exec || !(f & PTE_NX))) {
        pt.flags[e] = f | PTE_ACCESSED | (write ? PTE_DIRTY : 0);
        return pt.walkLevel === 1 ? pt.val[e]! : pt.val[e]! + (vpn % (pt.walkLevel === 2 ? ENTRIES : ENTRIES * ENTRIES));
      }
    }
    k.enter(task);
    const r = doUserAddrFault(k, task, addr, write, present, exec);
    k.leave();
    if (r !== ACCESS_OK) return -r;
  }
  throw new Error(`access at ${addr.toString(16)} did not resolve after faulting`);
}
