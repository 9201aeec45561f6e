// Allocating and freeing a process's page-table pages. Linux: mm/memory.c
// (__pte_alloc, __pmd_alloc, __pud_alloc, free_pgd_range, free_pgtables),
// include/linux/mm.h (mm_inc_nr_ptes...). Every PUD, PMD and PTE table is a
// frame taken from the page allocator, counted in the mm's pgtables_bytes
// (VmPTE) and in NR_PAGETABLE (PageTables); the PGD is a frame too but, as in
// Linux, not part of VmPTE.
//
// On a 32-bit machine the pool keeps its 512-entry, 4-level shape, and only
// the memory the tables cost follows the architecture (ARCH_TABLE_COST):
//   i386 (2-level): the PUD and PMD levels are folded away (pool tables with
//     no frame); one 4 KiB PTE table of 1024 entries maps 4 MiB, so the two
//     pool PTE tables of one 4 MiB-aligned region share one frame.
//   i386-pae (3-level): the PGD is the 32-byte PDPT from a slab (no frame);
//     PUD folded; PMD and PTE tables are 512 × 8-byte pages like x86-64's,
//     and pgd_alloc() preallocates the three user PMDs (arch/x86/mm/pgtable.c
//     preallocate_pmds, mm_inc_nr_pmds), so a new process starts at 12 kB.
// Table frames are kernel memory: from lowmem (kernelZone), except PTE tables
// with CONFIG_HIGHPTE (`highpte`), which may come from HighMem
// (arch/x86/mm/pgtable.c: __userpte_alloc_gfp = GFP_PGTABLE_USER | __GFP_HIGHMEM).
// Simplification: the sharing follows the pool's 2 MiB tables, so where the
// kernel keeps a 4 MiB table whose other half a neighbouring VMA still covers
// but never touched, mmsim frees it (free_pgd_range at 4 MiB granularity),
// and a PTE table moved whole by mremap keeps its frame.
import { PMD_SIZE, PUD_SIZE, PGDIR_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES, LEVEL_PGD, LEVEL_PMD, LEVEL_PTE, LEVEL_PUD, pgdIndex, pmdIndex, pudIndex } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_PRESENT, PTE_PSE, PTE_RW, PTE_USER } from '../hw/pte.js';
import type { Kernel } from './kernel.js';
import type { Mm } from './mm_types.js';
import { NO_PFN, PG_table } from './page.js';
import { allocPages } from './folio.js';
import { taskMemcg, tryCharge, unchargeKmem } from './memcontrol.js';
import type { MmuGather } from './tlbflush.js';
import { VM } from './vmstat.js';

/** Upper-level entries are present, writable, user, accessed and dirty (_PAGE_TABLE). */
const TABLE_ENTRY = PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY;

/** A table costs no frame (a folded level, or the PAE PDPT from a slab). */
const COST_NONE = 0;
/** A frame, not part of VmPTE (the PGD). */
const COST_FRAME = 1;
/** A frame counted in VmPTE (mm->pgtables_bytes). */
const COST_VMPTE = 2;

/** Cost of a pool table by architecture, indexed by level (1 PTE .. 4 PGD). */
const ARCH_TABLE_COST = {
  x86_64: [0, COST_VMPTE, COST_VMPTE, COST_VMPTE, COST_FRAME],
  i386: [0, COST_VMPTE, COST_NONE, COST_NONE, COST_FRAME],
  'i386-pae': [0, COST_VMPTE, COST_VMPTE, COST_NONE, COST_NONE],
} as const;

function tableCost(k: Kernel, level: number): number {
  return ARCH_TABLE_COST[k.arch.arch][level]!;
}

/** Takes a frame for a page table; NO_PFN when memory is exhausted. */
function allocTableFrame(k: Kernel, level: number): number {
  // GFP_PGTABLE_USER: lowmem, but PTE tables may be HighMem with highpte.
  const zone = level === LEVEL_PTE && k.machine.highpte ? k.buddy.zones.length - 1 : k.kernelZone;
  const pfn = allocPages(k, 0, zone);
  if (pfn === NO_PFN) return NO_PFN;
  // Page tables are kernel memory charged to the cgroup (__GFP_ACCOUNT; v1 counts it in usage).
  const m = taskMemcg(k, k.current);
  if (m.id !== 0) {
    if (!tryCharge(k, m, 1)) {
      k.buddy.free(pfn, 0);
      return NO_PFN;
    }
    k.pages.memcg[pfn] = m.id;
  }
  k.pages.flags[pfn] = PG_table;
  k.pages.order[pfn] = level;
  k.mem.clear(pfn);
  k.vmstat.add(VM.nr_page_table_pages, 1);
  return pfn;
}

function freeTableFrame(k: Kernel, pfn: number): void {
  unchargeKmem(k, k.pages.memcg[pfn]!, 1);
  k.pages.memcg[pfn] = 0;
  k.pages.flags[pfn] = 0;
  k.pages.refcount[pfn] = 0;
  k.vmstat.add(VM.nr_page_table_pages, -1);
  k.buddy.free(pfn, 0);
}

/**
 * A new table at `level` for `mm`, with the frame and the VmPTE charge its
 * level costs on this architecture (x86-64: a frame each, VmPTE for all but
 * the PGD). Returns the table id, or -1 when out of memory.
 */
export function newTable(k: Kernel, mm: Mm, level: number): number {
  const cost = tableCost(k, level);
  if (cost === COST_NONE) return k.pt.alloc(level, NO_PFN);
  const pfn = allocTableFrame(k, level);
  if (pfn === NO_PFN) return -1;
  if (cost === COST_VMPTE) mm.pgtablesBytes += 4096;
  return k.pt.alloc(level, pfn);
}

/**
 * Frees a table of `mm` (its entries must already be empty or dropped). A
 * frame shared by the two halves of an i386 PTE table goes with the second.
 */
export function freeTable(k: Kernel, mm: Mm, table: number): void {
  const pfn = k.pt.tablePfn[table]!;
  if (pfn !== NO_PFN) {
    if (k.pages.refcount[pfn]! > 1) k.pages.refcount[pfn]!--;
    else {
      if (tableCost(k, k.pt.tableLevel[table]!) === COST_VMPTE) mm.pgtablesBytes -= 4096;
      freeTableFrame(k, pfn);
    }
  }
  k.pt.release(table);
}

/**
 * Creates the PGD of a new mm (pgd_alloc). On PAE it also preallocates the
 * PMDs of the three user GiB (pgd_prepopulate_pmd), as pool tables under
 * PGD slot 0. Returns false when out of memory.
 */
export function pgdAlloc(k: Kernel, mm: Mm): boolean {
  const t = newTable(k, mm, LEVEL_PGD);
  if (t < 0) return false;
  mm.pgd = t;
  mm.taskSize = k.taskSize;
  const n = k.arch.preallocatedPmds;
  if (n === 0) return true;
  const pud = newTable(k, mm, LEVEL_PUD);
  k.pt.set(t, 0, TABLE_ENTRY, pud);
  for (let i = 0; i < n; i++) {
    const pmd = newTable(k, mm, LEVEL_PMD);
    if (pmd < 0) {
      pgdFree(k, mm);
      return false;
    }
    k.pt.set(pud, i, TABLE_ENTRY, pmd);
  }
  return true;
}

/**
 * pgd_free(): frees whatever tables are still under the PGD (on PAE, the
 * preallocated PMDs that no VMA ever covered: pgd_mop_up_pmds), then the PGD.
 * Precondition: every leaf entry is already gone (exit_mmap ran).
 */
export function pgdFree(k: Kernel, mm: Mm): void {
  if (mm.pgd < 0) return;
  const pt = k.pt;
  const mopUp = (table: number): void => {
    if (pt.tableLevel[table]! > LEVEL_PTE) {
      for (let i = 0; i < ENTRIES; i++) {
        const e = table * ENTRIES + i;
        if (pt.flags[e]! & PTE_PRESENT && !(pt.flags[e]! & PTE_PSE)) {
          const child = pt.val[e]!;
          pt.clearEntry(e);
          mopUp(child);
        }
      }
    }
    freeTable(k, mm, table);
  };
  mopUp(mm.pgd);
  mm.pgd = -1;
}

/**
 * Flat index of the PMD entry covering `addr`, allocating the PUD and PMD
 * tables on the way down (__pud_alloc, __pmd_alloc). -1 if out of memory.
 */
export function pmdAlloc(k: Kernel, mm: Mm, addr: number): number {
  const pt = k.pt;
  const vpn = Math.floor(addr / 4096);
  let e = mm.pgd * ENTRIES + pgdIndex(vpn);
  if (!(pt.flags[e]! & PTE_PRESENT)) {
    const t = newTable(k, mm, LEVEL_PUD);
    if (t < 0) return -1;
    pt.set(mm.pgd, pgdIndex(vpn), TABLE_ENTRY, t);
  }
  const pud = pt.val[e]!;
  e = pud * ENTRIES + pudIndex(vpn);
  if (!(pt.flags[e]! & PTE_PRESENT)) {
    const t = newTable(k, mm, LEVEL_PMD);
    if (t < 0) return -1;
    pt.set(pud, pudIndex(vpn), TABLE_ENTRY, t);
  }
  return pt.val[e]! * ENTRIES + pmdIndex(vpn);
}

/**
 * Flat index of the PUD entry covering `addr`, allocating the PUD table if
 * missing (huge_pte_alloc() for a 1 GiB page: no PMD table below). -1 if
 * out of memory.
 */
export function pudEntryAlloc(k: Kernel, mm: Mm, addr: number): number {
  if (!pudAlloc(k, mm, addr)) return -1;
  const vpn = Math.floor(addr / 4096);
  return k.pt.val[mm.pgd * ENTRIES + pgdIndex(vpn)]! * ENTRIES + pudIndex(vpn);
}

/** Flat index of the PUD entry covering `addr`, or -1 if there is no PUD table (huge_pte_offset() at PUD_SIZE). */
export function pudEntryLookup(k: Kernel, mm: Mm, addr: number): number {
  const pt = k.pt;
  const vpn = Math.floor(addr / 4096);
  const e = mm.pgd * ENTRIES + pgdIndex(vpn);
  if (!(pt.flags[e]! & PTE_PRESENT)) return -1;
  return pt.val[e]! * ENTRIES + pudIndex(vpn);
}

/** True if a PUD table covers `addr` (its PGD entry is present). */
export function pudPresent(k: Kernel, mm: Mm, addr: number): boolean {
  return (k.pt.flags[mm.pgd * ENTRIES + pgdIndex(Math.floor(addr / 4096))]! & PTE_PRESENT) !== 0;
}

/** pud_alloc(): allocates the PUD table covering `addr` if missing; false if out of memory. */
export function pudAlloc(k: Kernel, mm: Mm, addr: number): boolean {
  const pt = k.pt;
  const vpn = Math.floor(addr / 4096);
  if (pt.flags[mm.pgd * ENTRIES + pgdIndex(vpn)]! & PTE_PRESENT) return true;
  const t = newTable(k, mm, LEVEL_PUD);
  if (t < 0) return false;
  pt.set(mm.pgd, pgdIndex(vpn), TABLE_ENTRY, t);
  return true;
}

/** Flat index of the PMD entry covering `addr`, or -1 if the PUD or PMD table is missing. */
export function pmdLookup(k: Kernel, mm: Mm, addr: number): number {
  const pt = k.pt;
  const vpn = Math.floor(addr / 4096);
  let e = mm.pgd * ENTRIES + pgdIndex(vpn);
  if (!(pt.flags[e]! & PTE_PRESENT)) return -1;
  e = pt.val[e]! * ENTRIES + pudIndex(vpn);
  if (!(pt.flags[e]! & PTE_PRESENT) || pt.flags[e]! & PTE_PSE) return -1;
  return pt.val[e]! * ENTRIES + pmdIndex(vpn);
}

/** True if the PMD entry is empty (pmd_none). */
export function pmdNone(k: Kernel, pmdE: number): boolean {
  return k.pt.flags[pmdE] === 0 && k.pt.val[pmdE] === 0;
}

/** True if the PMD entry maps a huge page (pmd_trans_huge, or a PROT_NONE huge PMD). */
export function pmdHuge(k: Kernel, pmdE: number): boolean {
  return (k.pt.flags[pmdE]! & PTE_PSE) !== 0;
}

/** Installs `table` as the PTE table of an empty PMD entry (pmd_populate). */
export function pmdPopulate(k: Kernel, pmdE: number, table: number): void {
  const pmdTable = Math.floor(pmdE / ENTRIES);
  k.pt.set(pmdTable, pmdE % ENTRIES, TABLE_ENTRY, table);
}

/**
 * The PTE table under a PMD entry, allocating it if the entry is empty
 * (__pte_alloc). Returns the table id, or -1 when out of memory or when the
 * PMD maps a huge page.
 */
export function pteAlloc(k: Kernel, mm: Mm, pmdE: number): number {
  if (pmdNone(k, pmdE)) {
    if (k.arch.pteTableSpan > PMD_SIZE) {
      // i386: the pool table for the other 2 MiB of this 4 MiB region (PMD
      // slots 2i and 2i+1) already has the region's 1024-entry PTE page.
      const sib = pmdE ^ 1;
      const f = k.pt.flags[sib]!;
      if (f & PTE_PRESENT && !(f & PTE_PSE)) {
        const pfn = k.pt.tablePfn[k.pt.val[sib]!]!;
        k.pages.refcount[pfn]!++;
        const t = k.pt.alloc(LEVEL_PTE, pfn);
        pmdPopulate(k, pmdE, t);
        return t;
      }
    }
    const t = newTable(k, mm, LEVEL_PTE);
    if (t < 0) return -1;
    pmdPopulate(k, pmdE, t);
    return t;
  }
  if (pmdHuge(k, pmdE)) return -1;
  return k.pt.val[pmdE]!;
}

/** C's unsigned `a - 1 > b - 1` where 0 stands for the top of the address space. */
function endAbove(end: number, ceiling: number): boolean {
  const top = 2 ** 64;
  return (end === 0 ? top : end) - 1 > (ceiling === 0 ? top : ceiling) - 1;
}

/**
 * Frees the page tables that map only [addr, end), within the gap
 * [floor, ceiling) left by the neighbouring VMAs (free_pgd_range). A table is
 * freed only if everything it could map lies inside the gap, because a
 * neighbour might still use it. `ceiling` 0 means the top of user space.
 * Example: unmapping page 0 of a 3-page mapping frees nothing, since the
 * remaining pages share the PTE table.
 */
export function freePgdRange(k: Kernel, mm: Mm, addr: number, end: number, floor: number, ceiling: number, tlb: MmuGather | null = null): void {
  addr = roundDown(addr, PMD_SIZE);
  if (addr < floor) addr += PMD_SIZE;
  if (ceiling !== 0) {
    ceiling = roundDown(ceiling, PMD_SIZE);
    if (ceiling === 0) return;
  }
  if (endAbove(end, ceiling)) end -= PMD_SIZE;
  if (addr > end - 1) return;
  const pt = k.pt;
  for (let a = addr; a < end; ) {
    const next = Math.min(roundDown(a, PGDIR_SIZE) + PGDIR_SIZE, end);
    const pgdE = mm.pgd * ENTRIES + pgdIndex(a / 4096);
    if (pt.flags[pgdE]! & PTE_PRESENT) freePudRange(k, mm, pgdE, a, next, floor, ceiling, tlb);
    a = next;
  }
}

function freePudRange(k: Kernel, mm: Mm, pgdE: number, addr: number, end: number, floor: number, ceiling: number, tlb: MmuGather | null): void {
  const pt = k.pt;
  const pud = pt.val[pgdE]!;
  const start = addr;
  for (let a = addr; a < end; ) {
    const next = Math.min(roundDown(a, PUD_SIZE) + PUD_SIZE, end);
    const e = pud * ENTRIES + pudIndex(a / 4096);
    if (pt.flags[e]! & PTE_PRESENT && !(pt.flags[e]! & PTE_PSE)) freePmdRange(k, mm, e, a, next, floor, ceiling, tlb);
    a = next;
  }
  // PAE: pool PGD + PUD are together the 4-entry PDPT, which lives as long
  // as the mm (freeing the pool PUD would orphan the preallocated PMDs).
  if (k.arch.pae) return;
  const s = roundDown(start, PGDIR_SIZE);
  if (s < floor) return;
  if (ceiling !== 0 && roundDown(ceiling, PGDIR_SIZE) === 0) return;
  if (endAbove(end, ceiling === 0 ? 0 : roundDown(ceiling, PGDIR_SIZE))) return;
  pt.clearEntry(pgdE);
  freeTable(k, mm, pud);
  tlb?.freePudTable(s);
}

function freePmdRange(k: Kernel, mm: Mm, pudE: number, addr: number, end: number, floor: number, ceiling: number, tlb: MmuGather | null): void {
  const pt = k.pt;
  const pmd = pt.val[pudE]!;
  const start = addr;
  for (let a = addr; a < end; ) {
    const next = Math.min(roundDown(a, PMD_SIZE) + PMD_SIZE, end);
    const e = pmd * ENTRIES + pmdIndex(a / 4096);
    if (pt.flags[e]! & PTE_PRESENT && !(pt.flags[e]! & PTE_PSE)) {
      const pte = pt.val[e]!;
      pt.clearEntry(e);
      freeTable(k, mm, pte);
      tlb?.freePteTable(roundDown(a, PMD_SIZE));
    }
    a = next;
  }
  const s = roundDown(start, PUD_SIZE);
  if (s < floor) return;
  if (ceiling !== 0 && roundDown(ceiling, PUD_SIZE) === 0) return;
  if (endAbove(end, ceiling === 0 ? 0 : roundDown(ceiling, PUD_SIZE))) return;
  pt.clearEntry(pudE);
  freeTable(k, mm, pmd);
  tlb?.freePmdTable(s);
}

/**
 * free_pgtables(): frees page tables for a run of unmapped VMA ranges
 * (sorted, non-overlapping), gluing ranges less than a PMD apart into one
 * free_pgd_range() call as the kernel does. floor/ceiling: the end of the
 * VMA below and the start of the VMA above (0 = none).
 */
export function freePgtables(k: Kernel, mm: Mm, ranges: Array<[number, number]>, floor: number, ceiling: number, tlb: MmuGather | null = null): void {
  let i = 0;
  while (i < ranges.length) {
    const addr = ranges[i]![0];
    let end = ranges[i]![1];
    while (i + 1 < ranges.length && ranges[i + 1]![0] <= end + PMD_SIZE) {
      i++;
      end = ranges[i]![1];
    }
    const next = ranges[i + 1];
    freePgdRange(k, mm, addr, end, floor, next ? next[0] : ceiling, tlb);
    i++;
  }
}

export { LEVEL_PMD, LEVEL_PTE, LEVEL_PUD, TABLE_ENTRY };

/**
 * Where a walk that found no PMD table at `addr` (pmdLookup() < 0) may
 * resume: the end of the missing PUD table's 512 GiB, or of the missing
 * PMD table's 1 GiB, so that walks over huge sparse VMAs stay cheap.
 */
export function pmdMissingEnd(k: Kernel, mm: Mm, addr: number): number {
  const pt = k.pt;
  const vpn = Math.floor(addr / 4096);
  const e = mm.pgd * ENTRIES + pgdIndex(vpn);
  if (!(pt.flags[e]! & PTE_PRESENT)) return roundDown(addr, PGDIR_SIZE) + PGDIR_SIZE;
  return roundDown(addr, PUD_SIZE) + PUD_SIZE;
}

/**
 * The PMD level of a page-range walk (walk_pmd_range() after the PGD and
 * PUD levels): fn(pmdE, addr, next) for each PMD entry of [start, end) that
 * is not none, `addr` and `next` bounding the part of the range it covers
 * (up to the next 2 MiB boundary, or `end`). Ranges without a PMD table are
 * skipped whole (pmdMissingEnd). The PMD entry may be huge; fn may split it.
 */
export function forEachPmd(k: Kernel, mm: Mm, start: number, end: number, fn: (pmdE: number, addr: number, next: number) => void): void {
  for (let a = start; a < end; ) {
    const next = Math.min(roundDown(a, PMD_SIZE) + PMD_SIZE, end);
    const pmdE = pmdLookup(k, mm, a);
    if (pmdE < 0) {
      a = Math.min(pmdMissingEnd(k, mm, a), end);
      continue;
    }
    if (!pmdNone(k, pmdE)) fn(pmdE, a, next);
    a = next;
  }
}
