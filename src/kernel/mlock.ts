// mlock: locking pages in memory. Linux: mm/mlock.c (mlock_folio,
// munlock_folio, mlock_new_folio, mlock_fixup, apply_vma_lock_flags,
// do_mlock), mm/swap.c (folio_add_lru_vma).
// Locked pages go on the unevictable list with PG_mlocked and count in
// NR_MLOCK; the VMA's VM_LOCKED makes locked_vm (VmLck) and smaps' Locked.
// A page stays mlocked while another locked VMA maps it: the kernel counts
// those VMAs' mlocks in folio->mlock_count, mmsim looks them up by rmap.
// Simplification: munlocks take effect at once, where the kernel queues them
// in a per-CPU batch until the next lru_add_drain().
import { EINVAL, ENOMEM, EAGAIN, EFAULT } from './errno.js';
import { mmPopulate } from './gup.js';
import type { Kernel } from './kernel.js';
import type { Vma } from './mm_types.js';
import { PG_lru, PG_mlocked, PG_unevictable } from './page.js';
import { forEachPmd, pmdHuge } from './pgtable.js';
import { PMD_SIZE, roundDown } from '../hw/addr.js';
import type { Task } from './task.js';
import { vmaModifyFlags } from './vma.js';
import { lruAddDrain } from './lru_cache.js';
import { VM_LOCKED, VM_LOCKED_MASK, VM_LOCKONFAULT, VM_SPECIAL, VM_HUGETLB } from './vm_flags.js';
import { VM } from './vmstat.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_SPECIAL } from '../hw/pte.js';
import { mapsFrame, ptePresent } from './memory.js';
import { rmapWalk } from './rmap.js';

/** Puts a folio on the unevictable list as mlocked (mlock_folio / mlock_new_folio). */
export function mlockFolio(k: Kernel, head: number): void {
  const p = k.pages;
  if (p.flags[head]! & PG_mlocked) return;
  const n = p.nrPages(head);
  const onLru = (p.flags[head]! & PG_lru) !== 0;
  if (onLru) k.lru.del(head);
  p.flags[head] |= PG_mlocked | PG_unevictable;
  k.vmstat.add(VM.nr_mlock, n);
  k.vmstat.add(VM.unevictable_pgs_mlocked, n);
  if (onLru) k.lru.add(head);
}

/** Takes a folio off the unevictable list (munlock_folio). */
export function munlockFolio(k: Kernel, head: number): void {
  const p = k.pages;
  if (!(p.flags[head]! & PG_mlocked)) return;
  const n = p.nrPages(head);
  const onLru = (p.flags[head]! & PG_lru) !== 0;
  if (onLru) k.lru.del(head);
  p.flags[head] &= ~(PG_mlocked | PG_unevictable);
  k.vmstat.add(VM.nr_mlock, -n);
  k.vmstat.add(VM.unevictable_pgs_munlocked, n);
  if (onLru) k.lru.add(head);
}

/**
 * folio_add_lru_vma(): a new anonymous folio in a locked VMA goes straight
 * to the unevictable list; otherwise on the LRU as usual.
 */
export function lruAddVma(k: Kernel, head: number, vma: Vma): void {
  if ((vma.flags & (VM_LOCKED | VM_SPECIAL)) === VM_LOCKED) {
    k.pages.flags[head] |= PG_mlocked | PG_unevictable;
    const n = k.pages.nrPages(head);
    k.vmstat.add(VM.nr_mlock, n);
    k.vmstat.add(VM.unevictable_pgs_mlocked, n);
  }
  k.lru.addNew(head);
}

/**
 * A locked VMA stopped mapping (part of) the folio (munlock_vma_folio): the
 * kernel drops one from its mlock_count, so the folio stays mlocked only if
 * some other locked VMA still maps it. A page shared with an unlocked
 * mapping (a fork child, whose VMAs lose VM_LOCKED) becomes evictable.
 */
export function munlockVmaFolio(k: Kernel, head: number, vma: Vma): void {
  const p = k.pages;
  if (!(p.flags[head]! & PG_mlocked)) return;
  if (p.folioMapped(head) && lockedElsewhere(k, head, vma)) return;
  munlockFolio(k, head);
}

/** True if a locked VMA other than `vma` maps a page of the folio. */
function lockedElsewhere(k: Kernel, head: number, vma: Vma): boolean {
  const p = k.pages;
  const n = p.nrPages(head);
  let found = false;
  for (let i = 0; i < n && !found; i++) {
    if (p.mapcount[head + i] === 0 && p.entireMapcount[head] === 0) continue;
    rmapWalk(k, head + i, (v, addr) => {
      if (!found && v !== vma && v.flags & VM_LOCKED && mapsFrame(k, v, addr, head + i)) found = true;
    });
  }
  return found;
}

/** mlock_vma_pages_range(): (un)locks the pages already mapped in [start, end). */
function mlockVmaPagesRange(k: Kernel, vma: Vma, start: number, end: number, lock: boolean): void {
  lruAddDrain(k);
  const pt = k.pt;
  forEachPmd(k, vma.mm, start, end, (pmdE, from, next) => {
    for (let a = from; a < next; a += 4096) {
      let pfn: number;
      if (pmdHuge(k, pmdE)) {
        if (pt.flags[pmdE]! & PTE_SPECIAL) continue;
        pfn = pt.val[pmdE]!;
      } else {
        const e = pt.val[pmdE]! * ENTRIES + (Math.floor(a / 4096) & 511);
        if (!ptePresent(pt.flags[e]!) || pt.flags[e]! & PTE_SPECIAL) continue;
        pfn = pt.val[e]!;
      }
      const head = k.pages.folioOf(pfn);
      if (!lock) munlockVmaFolio(k, head, vma);
      else if (pmdHuge(k, pmdE) || allowMlock(k, vma, head, a - (pfn - head) * 4096, Math.max(start, roundDown(a, PMD_SIZE)), Math.min(end, roundDown(a, PMD_SIZE) + PMD_SIZE))) mlockFolio(k, head);
    }
  });
}

/**
 * allow_mlock_munlock() for mlock: a PTE-mapped large folio is mlocked only
 * if this walk of one page table, [start, end) within the VMA, maps all of
 * it by consecutive PTEs (folio_within_range, folio_mlock_step). One only
 * partly inside a locked range stays evictable, and a split later maps its
 * zero-filled pages outside the locked VMA to the zero page. `first` is the
 * address that maps the folio's first page.
 */
function allowMlock(k: Kernel, vma: Vma, head: number, first: number, start: number, end: number): boolean {
  const n = k.pages.nrPages(head);
  if (n === 1) return true;
  if (first < Math.max(start, vma.start) || first + n * 4096 > Math.min(end, vma.end)) return false;
  for (let i = 0; i < n; i++) if (!mapsFrame(k, vma, first + i * 4096, head + i)) return false;
  return true;
}

/** mlock_fixup(): gives [start, end) of `vma` the new VM_LOCKED* flags. */
function mlockFixup(k: Kernel, vma: Vma, start: number, end: number, newFlags: number): Vma | number {
  const old = vma.flags;
  if (newFlags === old || old & VM_SPECIAL || old & VM_HUGETLB) return vma;
  const v = vmaModifyFlags(k, vma, start, end, newFlags);
  if (typeof v === 'number') return v;
  let nr = (end - start) / 4096;
  if (!(newFlags & VM_LOCKED)) nr = -nr;
  else if (old & VM_LOCKED) nr = 0;
  v.mm.lockedVm += nr;
  v.flags = newFlags;
  if (!((newFlags & VM_LOCKED) && (old & VM_LOCKED))) mlockVmaPagesRange(k, v, start, end, (newFlags & VM_LOCKED) !== 0);
  return v;
}

/**
 * apply_vma_lock_flags(): the range must be covered by VMAs without holes
 * (else ENOMEM, with the part before the hole already changed).
 */
function applyVmaLockFlags(k: Kernel, task: Task, start: number, len: number, flags: number): number {
  const end = start + len;
  if (end < start) return -EINVAL;
  if (end === start) return 0;
  const mm = task.mm!;
  const first = mm.lookup(start);
  if (!first) return -ENOMEM;
  let tmp = first.start;
  let nstart = start;
  while (nstart < end) {
    const vma = mm.findVma(nstart);
    if (!vma || vma.start >= end) break;
    if (vma.start !== tmp) return -ENOMEM;
    const newFlags = (vma.flags & ~VM_LOCKED_MASK) | flags;
    const r = mlockFixup(k, vma, nstart, Math.min(vma.end, end), newFlags);
    if (typeof r === 'number') return r;
    tmp = r.end;
    nstart = tmp;
  }
  if (tmp < end) return -ENOMEM;
  return 0;
}

/** mlock(2) / mlock2(2) with MLOCK_ONFAULT. Root: no RLIMIT_MEMLOCK check. */
export function sysMlock(k: Kernel, task: Task, addr: number, len: number, onFault = false): number {
  const start = Math.floor(addr / 4096) * 4096;
  len = Math.ceil((len + (addr - start)) / 4096) * 4096;
  const err = applyVmaLockFlags(k, task, start, len, VM_LOCKED | (onFault ? VM_LOCKONFAULT : 0));
  if (err) return err;
  const ret = mmPopulate(k, task, start, len, false);
  // __mlock_posix_error_return()
  if (ret === -EFAULT) return -ENOMEM;
  if (ret === -ENOMEM) return -EAGAIN;
  return ret;
}

/** munlock(2). */
export function sysMunlock(k: Kernel, task: Task, addr: number, len: number): number {
  const start = Math.floor(addr / 4096) * 4096;
  len = Math.ceil((len + (addr - start)) / 4096) * 4096;
  return applyVmaLockFlags(k, task, start, len, 0);
}
