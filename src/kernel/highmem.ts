// High memory on a 32-bit machine: pages above 896 MiB have no permanent
// kernel address, so the kernel maps one for a moment whenever it must read
// or write its contents itself. Linux: include/linux/highmem.h
// (kmap_local_page, clear_user_highpage, copy_user_highpage),
// include/linux/highmem-internal.h, mm/highmem.c (__kmap_local_pfn_prot).
//
// kmap_local_page() of a lowmem page is just page_address() (no mapping);
// of a HighMem page it installs a PTE in this CPU's kmap slots of the fixmap
// area, and kunmap_local() removes it again with a local TLB flush. mmsim
// counts those pairs (a simulator-only statistic, Kernel.kmapLocal), where
// the kernel makes them:
//   - zeroing a new page (anonymous write fault, the COW of the zero page,
//     a new shmem page, a HighMem PTE table with highpte, truncation's
//     partial zeroing): clear_highpage() maps the page;
//   - copy on write and the copy of a private file page: copy_user_highpage()
//     maps the source and the destination, one kmap per HighMem page;
//   - write(2) into and pread(2) out of a page-cache page: the copy to or
//     from user memory maps the page-cache page;
//   - swap-out: swap_writeout() reads the page to find out whether it is
//     all zeroes (mm/page_io.c is_folio_zero_filled, kmap_local_folio).
// Not counted because the kernel does not map the page: reading a file page
// or a swapped page from disk (the device writes it by DMA), user accesses
// through the process's own page tables.
// Simplification: with highpte the kernel also kmaps a HighMem PTE table on
// every walk of it (pte_offset_map); those are not counted.
import { PhysMem } from '../hw/phys_mem.js';

/**
 * Physical memory of a 32-bit machine: clearing and copying frames at or
 * above `highStartPfn` count kmap_local_page()/kunmap_local() pairs.
 */
export class HighmemPhysMem extends PhysMem {
  /** kmap_local_page() calls that had to map a HighMem page. */
  kmaps = 0;

  constructor(
    nrFrames: number,
    readonly highStartPfn: number,
  ) {
    super(nrFrames);
  }

  /** Counts the mapping the kernel needs to touch frame `pfn` (none for lowmem). */
  kmap(pfn: number): void {
    if (pfn >= this.highStartPfn) this.kmaps++;
  }

  /** clear_highpage(): kmap, memset, kunmap. */
  override clear(pfn: number): void {
    this.kmap(pfn);
    super.clear(pfn);
  }

  /** copy_user_highpage(): both pages are mapped for the copy. */
  override copy(dst: number, src: number): void {
    this.kmap(src);
    this.kmap(dst);
    super.copy(dst, src);
  }
}

/** Counts a kmap of frame `pfn` if the machine has high memory (see the list above). */
export function kmapLocal(mem: PhysMem, pfn: number): void {
  if (mem instanceof HighmemPhysMem) mem.kmap(pfn);
}

/** kmap_local_page() pairs so far on this machine (0 on x86-64, which has no high memory). */
export function kmapCount(mem: PhysMem): number {
  return mem instanceof HighmemPhysMem ? mem.kmaps : 0;
}
