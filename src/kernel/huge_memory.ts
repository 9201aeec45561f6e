// Transparent huge pages mapped by PMD. Linux: mm/huge_memory.c
// (do_huge_pmd_anonymous_page, do_huge_pmd_wp_page, __split_huge_pmd_locked,
// zap_huge_pmd, copy_huge_pmd, mm_get_huge_zero_folio, do_set_pmd in
// mm/memory.c), include/linux/huge_mm.h (thp_vma_allowable_order).
//
// An anonymous PMD mapping has a PTE table "deposited" with it, allocated at
// fault time and counted in VmPTE, so that a later split never has to
// allocate. Deposits are kept in Kernel.deposits, keyed by PMD entry.
import { addLargeMapcount, clearLargeMapcount, subLargeMapcount } from './mm_id.js';
import { HPAGE_PMD_NR, PMD_SHIFT, PMD_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES, LEVEL_PTE } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_PRESENT, PTE_PSE, PTE_RW, PTE_SPECIAL } from '../hw/pte.js';
import { FAULT_FLAG_WRITE, VM_FAULT_FALLBACK, VM_FAULT_OOM, type VmFault } from './fault.js';
import { allocFolio, folioGet, folioPut } from './folio.js';
import type { Kernel } from './kernel.js';
import { MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, type Vma } from './mm_types.js';
import { NO_PFN, PG_anon, PG_anon_exclusive, PG_deferred_split, PG_dirty, PG_head, PG_lru, PG_mlocked, PG_readahead, PG_swapbacked, PG_tail, PG_uptodate, PG_zero } from './page.js';
import { freeTable, newTable, pmdHuge, pmdLookup, pmdPopulate } from './pgtable.js';
import { addNewAnonRmap, addRmapPmd, anonVmaPrepare, removeRmapPmd, removeRmapPte, rmapWalk } from './rmap.js';
import { VM_HUGEPAGE, VM_LOCKED, VM_NOHUGEPAGE, VM_SPECIAL, VM_HUGETLB, VM_WRITE } from './vm_flags.js';
import { VM } from './vmstat.js';
import { lruAddVma } from './mlock.js';

/** True if the 2 MiB-aligned range around addr lies inside the VMA, and for files its offset lines up (thp_vma_suitable_order). */
export function thpSuitable(vma: Vma, addr: number): boolean {
  const haddr = roundDown(addr, PMD_SIZE);
  if (vma.kind !== 'anon') {
    const off = vma.start / 4096 - vma.pgoff;
    if (((off % HPAGE_PMD_NR) + HPAGE_PMD_NR) % HPAGE_PMD_NR !== 0) return false;
  }
  return haddr >= vma.start && haddr + PMD_SIZE <= vma.end;
}

/** THP is ruled out for the VMA by MADV_NOHUGEPAGE or the VMA type (vma_thp_disabled and friends). */
export function thpDisabledForVma(vma: Vma): boolean {
  return (vma.flags & (VM_NOHUGEPAGE | VM_SPECIAL | VM_HUGETLB)) !== 0;
}

/**
 * Whether the sysfs "enabled" mode allows a PMD-size THP in this VMA
 * (always: any; madvise: only MADV_HUGEPAGE regions; never: none). This is
 * smaps' THPeligible for anonymous VMAs, which ignores alignment of a
 * particular address but requires the VMA to hold one aligned 2 MiB range.
 */
export function thpModeAllows(k: Kernel, vma: Vma): boolean {
  if (thpDisabledForVma(vma)) return false;
  const mode = k.machine.thp;
  if (mode === 'never') return false;
  if (mode === 'madvise' && (vma.flags & VM_HUGEPAGE) === 0) return false;
  return true;
}

/** thp_vma_allowable_order(PMD) for an anonymous page fault at addr. */
export function thpFaultAllowed(k: Kernel, vma: Vma, addr: number): boolean {
  return vma.kind === 'anon' && thpModeAllows(k, vma) && thpSuitable(vma, addr);
}

/** The huge zero folio, allocated on first use (mm_get_huge_zero_folio). NO_PFN if that fails. */
export function hugeZeroFolio(k: Kernel): number {
  if (k.hugeZeroPfn !== NO_PFN) return k.hugeZeroPfn;
  const head = allocFolio(k, 9);
  if (head === NO_PFN) {
    k.vmstat.add(VM.thp_zero_page_alloc_failed, 1);
    return NO_PFN;
  }
  for (let i = 0; i < HPAGE_PMD_NR; i++) k.mem.clear(head + i);
  k.pages.flags[head] |= PG_zero | PG_uptodate;
  k.hugeZeroPfn = head;
  k.vmstat.add(VM.thp_zero_page_alloc, 1);
  return head;
}

function deposit(k: Kernel, pmdE: number, table: number): void {
  k.deposits.set(pmdE, table);
}

/** Takes back the table deposited with a huge PMD (pgtable_trans_huge_withdraw). */
function withdraw(k: Kernel, pmdE: number): number {
  const t = k.deposits.get(pmdE);
  if (t === undefined) throw new Error(`no deposited table at PMD ${pmdE}`);
  k.deposits.delete(pmdE);
  return t;
}

/** PMD flags for a huge mapping with the VMA's protections. */
function pmdProt(vma: Vma): number {
  return vma.pageProt | PTE_PSE;
}

/**
 * do_huge_pmd_anonymous_page(): a fault in an empty, THP-eligible PMD range
 * of an anonymous VMA. Reads map the huge zero page; writes allocate a
 * 2 MiB folio. Returns VM_FAULT_FALLBACK when PTEs must be used instead.
 */
export function doHugePmdAnonymousPage(k: Kernel, vmf: VmFault): number {
  const vma = vmf.vma;
  const mm = vma.mm;
  const haddr = roundDown(vmf.address, PMD_SIZE);
  if (!thpSuitable(vma, haddr)) return VM_FAULT_FALLBACK;
  anonVmaPrepare(k, vma);
  const pt = k.pt;
  const pmdTable = Math.floor(vmf.pmdE / ENTRIES);
  const slot = vmf.pmdE % ENTRIES;
  if (!(vmf.flags & FAULT_FLAG_WRITE) && k.machine.thpZeroPage) {
    const table = newTable(k, mm, LEVEL_PTE);
    if (table < 0) return VM_FAULT_OOM;
    const zero = hugeZeroFolio(k);
    if (zero === NO_PFN) {
      freeTable(k, mm, table);
      k.vmstat.add(VM.thp_fault_fallback, 1);
      return VM_FAULT_FALLBACK;
    }
    deposit(k, vmf.pmdE, table);
    pt.set(pmdTable, slot, (pmdProt(vma) & ~PTE_RW) | PTE_SPECIAL, zero);
    return 0;
  }
  const head = allocFolio(k, 9);
  if (head === NO_PFN) {
    k.vmstat.add(VM.thp_fault_fallback, 1);
    return VM_FAULT_FALLBACK;
  }
  const table = newTable(k, mm, LEVEL_PTE);
  if (table < 0) {
    folioPut(k, head);
    return VM_FAULT_OOM;
  }
  for (let i = 0; i < HPAGE_PMD_NR; i++) k.mem.clear(head + i);
  k.pages.flags[head] |= PG_uptodate;
  let flags = pmdProt(vma);
  if (vma.flags & VM_WRITE) flags |= PTE_RW | PTE_DIRTY;
  addNewAnonRmap(k, head, vma, haddr, true);
  lruAddVma(k, head, vma);
  deposit(k, vmf.pmdE, table);
  pt.set(pmdTable, slot, flags, head);
  mm.rss[MM_ANONPAGES]! += HPAGE_PMD_NR;
  k.vmstat.add(VM.thp_fault_alloc, 1);
  return 0;
}

/**
 * do_huge_pmd_wp_page(): a write to a read-only huge PMD. An exclusively
 * owned anonymous THP is made writable in place; anything else (the huge
 * zero page, a THP shared after fork) is split so the write COWs one 4 KiB
 * page.
 */
export function doHugePmdWpPage(k: Kernel, vmf: VmFault): number {
  const pt = k.pt;
  const e = vmf.pmdE;
  const f = pt.flags[e]!;
  const head = pt.val[e]!;
  const p = k.pages;
  if (f & PTE_SPECIAL) {
    // do_huge_zero_wp_pmd() (since 6.12): replace the huge zero page by a new THP.
    const ret = doHugeZeroWpPmd(k, vmf);
    if (!(ret & VM_FAULT_FALLBACK)) return ret;
    splitHugePmd(k, vmf.vma, e);
    return VM_FAULT_FALLBACK;
  }
  if (!(f & PTE_SPECIAL) && p.flags[head]! & PG_anon) {
    const exclusive = (p.flags[head]! & PG_anon_exclusive) !== 0;
    if (exclusive || p.refcount[head] === 1) {
      p.flags[head] |= PG_anon_exclusive;
      pt.flags[e] = f | PTE_ACCESSED | PTE_DIRTY | (vmf.vma.flags & VM_WRITE ? PTE_RW : 0);
      return 0;
    }
  }
  splitHugePmd(k, vmf.vma, e);
  return VM_FAULT_FALLBACK;
}

/**
 * do_huge_zero_wp_pmd(): a write to the huge zero page allocates a zeroed
 * THP and maps it over the zero PMD, keeping the deposited table.
 */
function doHugeZeroWpPmd(k: Kernel, vmf: VmFault): number {
  const vma = vmf.vma;
  const head = allocFolio(k, 9);
  if (head === NO_PFN) {
    k.vmstat.add(VM.thp_fault_fallback, 1);
    return VM_FAULT_FALLBACK;
  }
  for (let i = 0; i < HPAGE_PMD_NR; i++) k.mem.clear(head + i);
  k.pages.flags[head] |= PG_uptodate;
  const haddr = roundDown(vmf.address, PMD_SIZE);
  let flags = pmdProt(vma) | PTE_DIRTY;
  if (vma.flags & VM_WRITE) flags |= PTE_RW;
  anonVmaPrepare(k, vma);
  addNewAnonRmap(k, head, vma, haddr, true);
  lruAddVma(k, head, vma);
  k.pt.set(Math.floor(vmf.pmdE / ENTRIES), vmf.pmdE % ENTRIES, flags, head);
  vma.mm.rss[MM_ANONPAGES]! += HPAGE_PMD_NR;
  k.vmstat.add(VM.thp_fault_alloc, 1);
  return 0;
}

/**
 * __split_huge_pmd_locked(): replaces a huge PMD by a PTE table mapping the
 * same 512 pages. Anonymous THPs keep their pages (the deposited table
 * becomes the PTE table, each page gains a PTE mapping); the huge zero page
 * becomes 512 zero-page PTEs; file THPs are simply unmapped and refault.
 */
export function splitHugePmd(k: Kernel, vma: Vma, pmdE: number): void {
  const pt = k.pt;
  const f = pt.flags[pmdE]!;
  if (!(f & PTE_PSE)) return;
  const head = pt.val[pmdE]!;
  const pmdTable = Math.floor(pmdE / ENTRIES);
  const slot = pmdE % ENTRIES;
  const mm = vma.mm;
  const p = k.pages;
  k.vmstat.add(VM.thp_split_pmd, 1);
  // Find the address the PMD maps (the entry does not say) for the range flush.
  for (let a = roundDown(vma.start, PMD_SIZE); a < vma.end; a += PMD_SIZE) {
    if (pmdLookup(k, mm, a) === pmdE) {
      // pmdp_invalidate(): flush_pmd_tlb_range(), one invalidation of the 2 MiB entry.
      k.tlb.flushRange(mm, a, a + PMD_SIZE, false, PMD_SHIFT);
      break;
    }
  }
  if (vma.kind !== 'anon' && !(f & PTE_SPECIAL)) {
    pt.set(pmdTable, slot, 0, 0);
    removeRmapPmd(k, head, mm);
    folioPut(k, head);
    mm.rss[p.flags[head]! & PG_swapbacked ? MM_SHMEMPAGES : MM_FILEPAGES]! -= HPAGE_PMD_NR;
    return;
  }
  const table = withdraw(k, pmdE);
  const pteFlags = f & ~PTE_PSE;
  if (f & PTE_SPECIAL) {
    for (let i = 0; i < HPAGE_PMD_NR; i++) pt.set(table, i, pteFlags, k.zeroPfn);
  } else {
    // Each page gets its own PTE mapping; the PMD mapping goes. A PMD-mapped
    // THP keeps AnonExclusive on its head page only; every PTE inherits it.
    folioGet(k, head, HPAGE_PMD_NR - 1);
    // __split_huge_pmd_locked(): a dirty PMD dirties the folio as well as
    // each PTE, so MADV_FREE later leaves the pages alone while shared.
    if (f & PTE_DIRTY) p.flags[head] |= PG_dirty;
    const exclusive = p.flags[head]! & PG_anon_exclusive;
    for (let i = 0; i < HPAGE_PMD_NR; i++) {
      p.mapcount[head + i]!++;
      if (i > 0) p.flags[head + i] = (p.flags[head + i]! & ~PG_anon_exclusive) | exclusive;
      pt.set(table, i, pteFlags, head + i);
    }
    // folio_add_anon_rmap_ptes() of the 512 pages, then the PMD mapping goes
    // (folio_remove_rmap_pmd); every page is still mapped, so only THP counters move.
    addLargeMapcount(k, head, HPAGE_PMD_NR, mm);
    subLargeMapcount(k, head, 1, mm);
    p.entireMapcount[head]!--;
    if (p.entireMapcount[head] === 0) k.vmstat.add(VM.nr_anon_transparent_hugepages, -HPAGE_PMD_NR);
  }
  pt.set(pmdTable, slot, 0, 0);
  pmdPopulate(k, pmdE, table);
}

/**
 * zap_huge_pmd(): unmaps a whole huge PMD: frees the deposited table,
 * drops the mapping and the reference. Returns the folio head (or NO_PFN
 * for the huge zero page) for the caller's bookkeeping.
 */
export function zapHugePmd(k: Kernel, vma: Vma, pmdE: number): void {
  const pt = k.pt;
  const f = pt.flags[pmdE]!;
  const head = pt.val[pmdE]!;
  const mm = vma.mm;
  const pmdTable = Math.floor(pmdE / ENTRIES);
  pt.set(pmdTable, pmdE % ENTRIES, 0, 0);
  if (k.deposits.has(pmdE)) freeTable(k, mm, withdraw(k, pmdE));
  if (f & PTE_SPECIAL) return;
  const p = k.pages;
  if (p.flags[head]! & PG_anon) mm.rss[MM_ANONPAGES]! -= HPAGE_PMD_NR;
  else mm.rss[p.flags[head]! & PG_swapbacked ? MM_SHMEMPAGES : MM_FILEPAGES]! -= HPAGE_PMD_NR;
  removeRmapPmd(k, head, mm);
  folioPut(k, head);
}

/**
 * copy_huge_pmd(): fork of an anonymous huge PMD. The child maps the same
 * folio (or the huge zero page) with its own deposited table; both lose
 * write permission so the first write COWs.
 * Returns false if the child's table could not be allocated.
 */
export function copyHugePmd(k: Kernel, dst: Vma, dstPmdE: number, src: Vma, srcPmdE: number): boolean {
  if (src.kind !== 'anon') return true;
  const pt = k.pt;
  const table = newTable(k, dst.mm, LEVEL_PTE);
  if (table < 0) return false;
  const f = pt.flags[srcPmdE]!;
  const head = pt.val[srcPmdE]!;
  if (!(f & PTE_SPECIAL)) {
    const p = k.pages;
    folioGet(k, head);
    addRmapPmd(k, head, dst.mm);
    p.flags[head] &= ~PG_anon_exclusive;
    dst.mm.rss[MM_ANONPAGES]! += HPAGE_PMD_NR;
  }
  deposit(k, dstPmdE, table);
  pt.flags[srcPmdE] = f & ~PTE_RW;
  pt.set(Math.floor(dstPmdE / ENTRIES), dstPmdE % ENTRIES, f & ~(PTE_RW | PTE_ACCESSED), head);
  return true;
}

/**
 * do_set_pmd(): maps a PMD-size page-cache folio with one PMD entry, when
 * the VMA range and file offset line up. Returns false to fall back to PTEs.
 */
export function doSetPmd(k: Kernel, vma: Vma, pmdE: number, head: number, address: number, write: boolean): boolean {
  // mmsim's 32-bit kernels have no THP, as without CONFIG_TRANSPARENT_HUGEPAGE,
  // where do_set_pmd() is a stub (VM_FAULT_FALLBACK): no 2 MiB file PMD,
  // which 2-level i386 paging could not even express (its PDE maps 4 MiB).
  if (k.arch.arch !== 'x86_64') return false;
  if (thpDisabledForVma(vma)) return false;
  if (!thpSuitable(vma, address)) return false;
  if (k.pages.nrPages(head) !== HPAGE_PMD_NR) return false;
  let flags = pmdProt(vma);
  if (write) flags |= PTE_DIRTY | (vma.flags & VM_WRITE ? PTE_RW : 0);
  folioGet(k, head);
  addRmapPmd(k, head, vma.mm);
  vma.mm.rss[k.pages.flags[head]! & PG_swapbacked ? MM_SHMEMPAGES : MM_FILEPAGES]! += HPAGE_PMD_NR;
  k.pt.set(Math.floor(pmdE / ENTRIES), pmdE % ENTRIES, flags, head);
  k.vmstat.add(VM.thp_file_mapped, 1);
  return true;
}


/**
 * split_folio() for an anonymous THP: every PMD mapping is split first, then
 * the folio becomes 2^order order-0 folios, each keeping its own PTE
 * mappings, references and the folio's state (__split_huge_page).
 * Returns false if the folio is not an anonymous large folio.
 */
export function splitAnonFolio(k: Kernel, head: number): boolean {
  const p = k.pages;
  if (!(p.flags[head]! & PG_head) || !(p.flags[head]! & PG_anon)) return false;
  // Split every PMD that maps it (rmap walk over the anon_vma).
  const av = k.anonVmas.get(p.mapping[head]!);
  if (av) {
    for (const vma of [...av.vmas]) {
      const a = vma.addressOf(p.index[head]!);
      if (a < 0) continue;
      const pmdE = pmdLookup(k, vma.mm, a);
      if (pmdE >= 0 && pmdHuge(k, pmdE) && k.pt.val[pmdE] === head) splitHugePmd(k, vma, pmdE);
    }
  }
  const n = p.nrPages(head);
  const flags = p.flags[head]! & ~(PG_head | PG_deferred_split);
  const onLru = (p.flags[head]! & PG_lru) !== 0;
  if (onLru) k.lru.del(head);
  k.deferredSplit.delete(head);
  clearLargeMapcount(k, head);
  const refs = p.refcount[head]!;
  let mapped = 0;
  for (let i = 0; i < n; i++) mapped += p.mapcount[head + i]!;
  // References beyond the mappings (e.g. a batch) stay with the head page.
  const extra = refs - mapped;
  for (let i = 0; i < n; i++) {
    const pfn = head + i;
    p.flags[pfn] = (flags & ~(PG_lru | PG_anon_exclusive)) | (p.flags[pfn]! & PG_anon_exclusive);
    p.head[pfn] = pfn;
    p.order[pfn] = 0;
    p.entireMapcount[pfn] = 0;
    p.refcount[pfn] = p.mapcount[pfn]! + (i === 0 ? extra : 0);
  }
  k.vmstat.add(VM.thp_split_page, 1);
  // Pages nobody maps any more are freed; the rest go on the LRU in order.
  for (let i = 0; i < n; i++) {
    const pfn = head + i;
    if (p.refcount[pfn] === 0) {
      p.refcount[pfn] = 1;
      folioPut(k, pfn);
      continue;
    }
    if (onLru) k.lru.addTail(pfn);
  }
  // remap_page(RMP_USE_SHARED_ZEROPAGE): subpages holding only zeros are
  // mapped to the shared zero page instead, unless mlocked, and freed.
  if (!(flags & PG_mlocked)) {
    for (let i = 0; i < n; i++) {
      const pfn = head + i;
      if (p.refcount[pfn] === 0 || k.mem.first[pfn] !== 0 || k.mem.fill[pfn] !== 0) continue;
      remapToZeroPage(k, pfn);
    }
  }
  return true;
}

/** try_to_map_unused_to_zeropage() for every PTE mapping a zero-filled anonymous page. */
function remapToZeroPage(k: Kernel, pfn: number): void {
  const pt = k.pt;
  const mappings: Array<[Vma, number]> = [];
  rmapWalk(k, pfn, (vma, addr) => mappings.push([vma, addr]));
  for (const [vma, addr] of mappings) {
    if (vma.flags & VM_LOCKED) continue;
    const pmdE = pmdLookup(k, vma.mm, addr);
    if (pmdE < 0 || pmdHuge(k, pmdE) || pt.flags[pmdE] === 0) continue;
    const e = pt.val[pmdE]! * ENTRIES + (Math.floor(addr / 4096) & 511);
    if (!(pt.flags[e]! & PTE_PRESENT) || pt.flags[e]! & PTE_SPECIAL || pt.val[e] !== pfn) continue;
    pt.set(Math.floor(e / ENTRIES), e % ENTRIES, (vma.pageProt & ~PTE_RW) | PTE_SPECIAL, k.zeroPfn);
    vma.mm.rss[MM_ANONPAGES]!--;
    removeRmapPte(k, pfn, vma.mm);
    folioPut(k, pfn);
  }
}

/**
 * The orders of a non-uniform ("buddy") split of a folio at page `at`
 * (0-based inside the folio), as __split_unmapped_folio() with
 * SPLIT_TYPE_NON_UNIFORM cuts it: each step halves the part holding `at`
 * and keeps the other half whole, so `at` ends in an order-0 folio.
 * Example: order 3 split at 5 gives [0..3] o2, [4] o0, [5] o0, [6..7] o1.
 * Returns [offset, order] pairs in index order.
 */
export function nonUniformSplitPieces(order: number, at: number): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  let base = 0;
  for (let o = order; o > 0; o--) {
    const half = 2 ** (o - 1);
    if (at < base + half) pieces.push([base + half, o - 1]);
    else {
      pieces.push([base, o - 1]);
      base += half;
    }
  }
  pieces.push([base, 0]);
  return pieces.sort((a, b) => a[0] - b[0]);
}

/**
 * try_folio_split_to_order() for an unmapped page-cache folio: cuts it
 * around index `atIndex` into smaller folios (nonUniformSplitPieces), or
 * with `uniform` into order-0 folios (split_folio()), each
 * keeping the cache's references to its pages and the folio's state (dirty,
 * uptodate, LRU list). Precondition: no PTE or PMD maps the folio (file
 * folios are unmapped before a split and refault afterwards). Returns false
 * for an order-0 folio.
 */
export function splitFileFolio(k: Kernel, head: number, atIndex: number, uniform = false): boolean {
  const p = k.pages;
  if (!(p.flags[head]! & PG_head) || p.flags[head]! & PG_anon) return false;
  const order = p.order[head]!;
  const n = 1 << order;
  const flags = p.flags[head]!;
  const onLru = (flags & PG_lru) !== 0;
  if (onLru) k.lru.del(head);
  if (n === HPAGE_PMD_NR) k.vmstat.add(flags & PG_swapbacked ? VM.nr_shmem_hugepages : VM.nr_file_hugepages, -n);
  const extra = p.refcount[head]! - n;
  // PG_readahead stays with the first page; the other state is copied to every new folio.
  const copied = flags & ~(PG_head | PG_tail | PG_lru | PG_readahead);
  const pieces: Array<[number, number]> = uniform ? Array.from({ length: n }, (_, i) => [i, 0]) : nonUniformSplitPieces(order, atIndex - p.index[head]!);
  for (const [off, o] of pieces) {
    const h = head + off;
    const m = 1 << o;
    p.flags[h] = copied | (o > 0 ? PG_head : 0) | (off === 0 ? flags & PG_readahead : 0);
    p.order[h] = o;
    p.head[h] = h;
    p.entireMapcount[h] = 0;
    clearLargeMapcount(k, h);
    p.refcount[h] = m + (off === 0 ? extra : 0);
    for (let i = 1; i < m; i++) {
      p.flags[h + i] = PG_tail;
      p.head[h + i] = h;
    }
    if (onLru) k.lru.add(h);
  }
  if (n === HPAGE_PMD_NR) k.vmstat.add(VM.thp_split_page, 1);
  return true;
}
