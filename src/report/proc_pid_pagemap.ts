// /proc/PID/pagemap with /proc/kpageflags and /proc/kpagecount, reduced to the
// one-letter residency codes of the scenario language's `pagemap` operation.
// Linux: fs/proc/task_mmu.c (pte_to_pagemap_entry), fs/proc/page.c
// (stable_page_flags: KPF_ZERO_PAGE, KPF_ANON; kpagecount = page mapcount).
import { PTE_PRESENT, PTE_PROTNONE, PTE_SWAP } from '../hw/pte.js';
import type { Kernel } from '../kernel/kernel.js';
import { PG_anon, PG_zero } from '../kernel/page.js';
import type { Task } from '../kernel/task.js';

/**
 * The code of the page at `addr`: `.` not present, `z` the zero page (4K or
 * huge), `a`/`A` anonymous mapped once / more, `f`/`F` file or shmem mapped
 * once / more.
 */
export function pagemapCode(k: Kernel, task: Task, addr: number): string {
  const mm = task.mm;
  if (!mm) return '.';
  const pt = k.pt;
  const vpn = Math.floor(addr / 4096);
  const e = pt.walk(mm.pgd, vpn);
  if (e < 0) return '.';
  const f = pt.flags[e]!;
  if (f & PTE_SWAP || !(f & (PTE_PRESENT | PTE_PROTNONE))) return '.';
  // A huge leaf maps 512 (PMD) or 262144 (PUD) frames: add the page's offset in it.
  const pfn = pt.walkLevel === 1 ? pt.val[e]! : pt.val[e]! + (vpn % (pt.walkLevel === 2 ? 512 : 262144));
  const head = k.pages.folioOf(pfn);
  if (pfn === k.zeroPfn || k.pages.flags[head]! & PG_zero) return 'z';
  const mapcount = k.pages.pageMapcount(pfn);
  if (k.pages.flags[head]! & PG_anon) return mapcount > 1 ? 'A' : 'a';
  return mapcount > 1 ? 'F' : 'f';
}
