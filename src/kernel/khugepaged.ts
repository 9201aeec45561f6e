// MADV_COLLAPSE: building PMD-size THPs synchronously. Linux:
// mm/khugepaged.c (madvise_collapse, hpage_collapse_scan_pmd,
// collapse_huge_page, hpage_collapse_scan_file, collapse_file,
// retract_page_tables, collapse_pte_mapped_thp, madvise_collapse_errno).
//
// Each aligned 2 MiB range of the VMA is handled in order. Anonymous: a
// range already PMD-mapped counts as done; one whose PMD is empty stops the
// call; otherwise every present page (exclusive or shared after fork, small
// or part of a PTE-mapped THP) is copied into a new THP, holes and zero
// pages read as zeros, and the PTE table becomes the THP's deposit; the
// VMA needs an anon_vma. Shmem: the cached pages of the range (at least
// one) are copied into a new THP that replaces them in the page cache; every
// mapping loses its PTEs and, unless it has private COW pages, its PTE
// table; the caller's VMA maps the THP by PMD. The call fails with EINVAL
// unless every range ended as a THP.
// Simplification: khugepaged itself (background collapse) is not modelled;
// disk-file collapse (CONFIG_READ_ONLY_THP_FOR_FS) is refused with EINVAL.
import { HPAGE_PMD_NR, PMD_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_DIRTY, PTE_PSE, PTE_RW, PTE_SPECIAL } from '../hw/pte.js';
import { EINVAL, ENOMEM } from './errno.js';
import { filemapAddFolio, filemapRemoveFolio, folioMarkDirty } from './filemap.js';
import { allocFolio, folioPut } from './folio.js';
import { doSetPmd, thpDisabledForVma, thpSuitable } from './huge_memory.js';
import type { Kernel } from './kernel.js';
import { mmCounter, ptePresent } from './memory.js';
import { lruAddDrain } from './lru_cache.js';
import { lruAddVma } from './mlock.js';
import type { Vma } from './mm_types.js';
import { NO_PFN, PG_uptodate } from './page.js';
import { freeTable, pmdHuge, pmdLookup, pmdNone } from './pgtable.js';
import { addNewAnonRmap, removeRmapPte } from './rmap.js';
import { unmapMappingRange } from './truncate.js';
import { VM_WRITE } from './vm_flags.js';
import { VM } from './vmstat.js';

/** What one range ended as: a THP, a result madvise_collapse may skip, or one that ends the call. */
const DONE = 0;
const SKIP = 1;
const STOP = 2;
/** SCAN_ALLOC_HUGE_PAGE_FAIL: ends the call with ENOMEM. */
const NOMEM = 3;

/**
 * thp_vma_allowable_order(TVA_FORCED_COLLAPSE): the sysfs mode does not
 * matter, MADV_NOHUGEPAGE and special VMAs do, disk files are refused, an
 * anonymous VMA needs its anon_vma (it has none before its first fault),
 * and the VMA must hold an aligned 2 MiB range (checked at its end).
 */
function collapseAllowed(vma: Vma): boolean {
  if (thpDisabledForVma(vma) || vma.kind === 'file') return false;
  if (vma.kind === 'anon' && !vma.anonVma) return false;
  const last = vma.end - PMD_SIZE;
  return last >= vma.start && thpSuitable(vma, last);
}

/** collapse_huge_page() for the anonymous range at `haddr`, PTE table `table` under `pmdE`. */
function collapseAnonRange(k: Kernel, vma: Vma, haddr: number, pmdE: number): number {
  if (!vma.anonVma) return STOP; // hugepage_vma_revalidate(): SCAN_PAGE_ANON
  const head = allocFolio(k, 9);
  if (head === NO_PFN) return NOMEM;
  const pt = k.pt;
  const p = k.pages;
  const mm = vma.mm;
  const table = pt.val[pmdE]!;
  // pmdp_collapse_flush(): the PMD leaves the page tables and its range is
  // flushed (flush_tlb_range, 4 KiB stride) before the PTEs are copied.
  k.tlb.flushRange(mm, haddr, haddr + PMD_SIZE, false);
  for (let i = 0; i < HPAGE_PMD_NR; i++) {
    const e = table * ENTRIES + i;
    const f = pt.flags[e]!;
    if (ptePresent(f) && !(f & PTE_SPECIAL)) {
      const old = pt.val[e]!;
      k.mem.copy(head + i, old);
      const oh = p.folioOf(old);
      removeRmapPte(k, old, mm);
      mm.rss[mmCounter(k, oh)]!--;
      folioPut(k, oh);
    } else k.mem.clear(head + i);
    pt.clearEntry(e);
  }
  p.flags[head] |= PG_uptodate;
  addNewAnonRmap(k, head, vma, haddr, true);
  lruAddVma(k, head, vma);
  mm.rss[mmCounter(k, head)]! += HPAGE_PMD_NR;
  // The emptied PTE table becomes the deposit of the new huge PMD, which is
  // dirty, and writable if the VMA is (maybe_pmd_mkwrite(pmd_mkdirty())).
  k.deposits.set(pmdE, table);
  pt.flags[pmdE] = vma.pageProt | PTE_PSE | PTE_DIRTY | (vma.flags & VM_WRITE ? PTE_RW : 0);
  pt.val[pmdE] = head;
  k.vmstat.add(VM.thp_collapse_alloc, 1);
  return DONE;
}

/** hpage_collapse_scan_pmd() and what follows, for the anonymous range at `haddr`. */
function collapseAnon(k: Kernel, vma: Vma, haddr: number): number {
  const pmdE = pmdLookup(k, vma.mm, haddr);
  if (pmdE < 0) return SKIP; // SCAN_PMD_NULL
  if (pmdHuge(k, pmdE)) return DONE; // SCAN_PMD_MAPPED
  if (pmdNone(k, pmdE)) return STOP; // SCAN_PMD_NONE
  return collapseAnonRange(k, vma, haddr, pmdE);
}

/**
 * retract_page_tables(): after a shmem collapse, every VMA mapping the
 * range whole and without private COW pages loses its (now empty) PTE table,
 * so that its next fault maps the THP by PMD.
 */
function retractPageTables(k: Kernel, vmas: Vma[], index: number): void {
  for (const v of vmas) {
    if (v.anonVma) continue;
    const a = v.addressOf(index);
    if (a < 0 || a % PMD_SIZE !== 0 || a + PMD_SIZE > v.end) continue;
    const pmdE = pmdLookup(k, v.mm, a);
    if (pmdE < 0 || pmdNone(k, pmdE) || pmdHuge(k, pmdE)) continue;
    const table = k.pt.val[pmdE]!;
    if (k.pt.tableUsed[table] !== 0) continue;
    k.pt.clearEntry(pmdE);
    freeTable(k, v.mm, table);
  }
}

/** collapse_file() + collapse_pte_mapped_thp() for the shmem range at `haddr`. */
function collapseShmem(k: Kernel, vma: Vma, haddr: number): number {
  const inode = vma.file!.inode;
  const p = k.pages;
  const base = vma.pageIndex(haddr);
  if (base + HPAGE_PMD_NR > inode.sizePages) return STOP;
  const first = inode.lookup(base);
  const done = first !== NO_PFN && p.nrPages(p.folioOf(first)) === HPAGE_PMD_NR;
  if (!done) {
    let present = 0;
    for (let i = 0; i < HPAGE_PMD_NR; i++) if (inode.lookup(base + i) !== NO_PFN) present++;
    if (present === 0) return STOP;
    const head = allocFolio(k, 9);
    if (head === NO_PFN) return NOMEM;
    for (let i = 0; i < HPAGE_PMD_NR; i++) {
      const old = inode.lookup(base + i);
      if (old === NO_PFN) k.mem.clear(head + i);
      else k.mem.copy(head + i, old);
    }
    // The old pages leave every mapping and the cache; the THP takes their place.
    unmapMappingRange(k, inode, base, base + HPAGE_PMD_NR - 1, false);
    for (let i = 0; i < HPAGE_PMD_NR; i++) {
      const old = inode.lookup(base + i);
      if (old !== NO_PFN && p.index[p.folioOf(old)] === base + i) filemapRemoveFolio(k, inode, p.folioOf(old));
    }
    p.flags[head] |= PG_uptodate;
    filemapAddFolio(k, inode, head, base);
    folioMarkDirty(k, inode, head);
    folioPut(k, head);
    k.vmstat.add(VM.thp_collapse_alloc, 1);
    retractPageTables(k, [...inode.mmaps], base);
  }
  // collapse_pte_mapped_thp(install_pmd): the caller maps it by PMD.
  const pmdE = pmdLookup(k, vma.mm, haddr);
  if (pmdE < 0) return STOP;
  if (pmdHuge(k, pmdE)) return DONE;
  if (!pmdNone(k, pmdE)) {
    const table = k.pt.val[pmdE]!;
    if (k.pt.tableUsed[table] !== 0) return STOP;
    k.pt.clearEntry(pmdE);
    freeTable(k, vma.mm, table);
  }
  return doSetPmd(k, vma, pmdE, p.folioOf(inode.lookup(base)), haddr, false) ? DONE : STOP;
}

/**
 * madvise_collapse() for [start, end) of one VMA. Returns 0 when every
 * aligned 2 MiB range inside ended as a THP (trivially so when there is
 * none), else EINVAL (ENOMEM when a THP could not be allocated).
 */
export function madviseCollapse(k: Kernel, vma: Vma, start: number, end: number): number {
  if (!collapseAllowed(vma)) return -EINVAL;
  lruAddDrain(k);
  const hstart = Math.ceil(start / PMD_SIZE) * PMD_SIZE;
  const hend = roundDown(end, PMD_SIZE);
  let thps = 0;
  let last = SKIP;
  for (let a = hstart; a < hend; a += PMD_SIZE) {
    last = vma.kind === 'anon' ? collapseAnon(k, vma, a) : collapseShmem(k, vma, a);
    if (last === DONE) thps++;
    else if (last !== SKIP) break;
  }
  if (thps === (hend - hstart) / PMD_SIZE) return 0;
  return last === NOMEM ? -ENOMEM : -EINVAL;
}
