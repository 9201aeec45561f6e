// TLB maintenance requests from the kernel to the MMU model. Linux:
// arch/x86/mm/tlb.c (flush_tlb_mm_range, flush_tlb_page, flush_tlb_mm),
// include/asm-generic/tlb.h and mm/mmu_gather.c (the mmu_gather that batches
// the flush of an unmap). The kernel calls these at the points Linux flushes
// (LINUX-MM-FACTS 9.1): after unmapping a range, after mprotect changed PTEs,
// on a COW break, on fork for the parent, when reclaim or writeback unmaps or
// cleans a page, on THP splits and collapses and mremap moves. Permission
// upgrades made by the fault path need no flush. The default hooks only count;
// the hardware model (src/machine/tlb.ts) installs hooks that invalidate TLBs.
import { PAGE_SHIFT, PAGE_SIZE, PGDIR_SHIFT, PMD_SHIFT, PMD_SIZE, PUD_SHIFT } from '../hw/addr.js';
import type { Mm } from './mm_types.js';

/** `end` of a request for the whole address space (Linux TLB_FLUSH_ALL). */
export const TLB_FLUSH_ALL = Infinity;

export interface TlbFlushHooks {
  /**
   * flush_tlb_mm_range(): [start, end) of one mm, one invalidation per
   * 2^strideShift bytes (default 12; 21 for PMD-level flushes), `end` =
   * TLB_FLUSH_ALL for all of it; `freedTables` when page tables went too.
   */
  flushRange(mm: Mm, start: number, end: number, freedTables: boolean, strideShift?: number): void;
  /** flush_tlb_page(): one 4 KiB page (flush_tlb_mm_range(addr, addr + 4096, PAGE_SHIFT, false)). */
  flushPage(mm: Mm, addr: number): void;
  /** flush_tlb_mm(): everything of one mm (flush_tlb_mm_range(0, TLB_FLUSH_ALL, 0, true)). */
  flushMm(mm: Mm): void;
}

/** Hooks that only count the requests (the kernel's behaviour without a TLB model). */
export class CountingTlbFlush implements TlbFlushHooks {
  ranges = 0;
  pages = 0;
  mms = 0;
  flushRange(_mm: Mm, _start: number, _end: number, _freedTables: boolean, _strideShift?: number): void {
    this.ranges++;
  }
  flushPage(_mm: Mm, _addr: number): void {
    this.pages++;
  }
  flushMm(_mm: Mm): void {
    this.mms++;
  }
}

/**
 * struct mmu_gather: collects what an unmap or a protection change cleared,
 * then asks for one flush covering it. The range grows by each cleared entry
 * (tlb_remove_tlb_entry, tlb_flush_pte_range) and by each freed table
 * (pte_free_tlb and friends, which also set freed_tables); nothing cleared
 * means no flush at all. x86 flushes at the end of every VMA (tlb_end_vma;
 * it has no CONFIG_MMU_GATHER_MERGE_VMAS) and at tlb_finish_mmu(), except
 * for a whole-mm teardown (exit), which flushes everything once at the end.
 * Simplification: pages are freed at once, not batched until the flush
 * (nothing in the model can use a freed page between the two).
 */
export class MmuGather {
  private start = Infinity;
  private end = 0;
  private freedTables = false;
  private clearedPtes = false;
  private clearedPmds = false;
  private clearedPuds = false;
  private clearedP4ds = false;

  constructor(
    private readonly k: { tlb: TlbFlushHooks },
    readonly mm: Mm,
    /** tlb_gather_mmu_fullmm(): the whole address space goes (exit_mmap). */
    readonly fullmm = false,
  ) {}

  private adjust(addr: number, size: number): void {
    if (addr < this.start) this.start = addr;
    if (addr + size > this.end) this.end = addr + size;
  }

  /** tlb_remove_tlb_entry() / tlb_flush_pte_range(): PTEs of [addr, addr + size) were cleared or changed. */
  flushPteRange(addr: number, size = PAGE_SIZE): void {
    this.adjust(addr, size);
    this.clearedPtes = true;
  }

  /** tlb_remove_pmd_tlb_entry(): the huge PMD at `addr` was cleared. */
  flushPmdRange(addr: number, size = PMD_SIZE): void {
    this.adjust(addr, size);
    this.clearedPmds = true;
  }

  /** pte_free_tlb(): the PTE table mapping from `addr` was freed (its PMD entry cleared). */
  freePteTable(addr: number): void {
    this.adjust(addr, PAGE_SIZE);
    this.clearedPmds = true;
    this.freedTables = true;
  }

  /** pmd_free_tlb(): a PMD table was freed (its PUD entry cleared). */
  freePmdTable(addr: number): void {
    this.adjust(addr, PAGE_SIZE);
    this.clearedPuds = true;
    this.freedTables = true;
  }

  /** pud_free_tlb(): a PUD table was freed (its PGD entry cleared). */
  freePudTable(addr: number): void {
    this.adjust(addr, PAGE_SIZE);
    this.clearedP4ds = true;
    this.freedTables = true;
  }

  /** tlb_end_vma(): x86 flushes what one VMA's unmap cleared (not during a full-mm teardown). */
  endVma(): void {
    if (!this.fullmm) this.flushTlbOnly();
  }

  /** tlb_finish_mmu(): the final flush. */
  finish(): void {
    this.flushTlbOnly();
  }

  /**
   * tlb_flush_mmu_tlbonly() + x86 tlb_flush(): nothing to do if nothing was
   * cleared; otherwise one flush_tlb_mm_range() with the stride of the
   * lowest level cleared (tlb_get_unmap_shift), then an empty range again.
   */
  private flushTlbOnly(): void {
    if (!(this.freedTables || this.clearedPtes || this.clearedPmds || this.clearedPuds || this.clearedP4ds)) return;
    const stride = this.clearedPtes ? PAGE_SHIFT : this.clearedPmds ? PMD_SHIFT : this.clearedPuds ? PUD_SHIFT : this.clearedP4ds ? PGDIR_SHIFT : PAGE_SHIFT;
    if (this.fullmm) this.k.tlb.flushRange(this.mm, 0, TLB_FLUSH_ALL, this.freedTables, stride);
    else this.k.tlb.flushRange(this.mm, this.start, this.end, this.freedTables, stride);
    this.start = Infinity;
    this.end = 0;
    this.freedTables = false;
    this.clearedPtes = false;
    this.clearedPmds = false;
    this.clearedPuds = false;
    this.clearedP4ds = false;
  }
}
