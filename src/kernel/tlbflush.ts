// TLB maintenance requests from the kernel to the MMU model. Linux:
// arch/x86/mm/tlb.c (flush_tlb_mm_range, flush_tlb_page, flush_tlb_mm),
// mm/mmu_gather.c (tlb_finish_mmu after unmapping). The kernel calls these at
// the points Linux flushes (LINUX-MM-FACTS 9.1): after unmapping a range,
// after mprotect changed PTEs, on a COW break, on fork for the parent, when
// reclaim or writeback unmaps or cleans a page, on THP splits and mremap moves.
// Permission upgrades made by the fault path need no flush. The default hooks
// only count; the hardware model (src/hw) installs hooks that invalidate TLBs.
import type { Mm } from './mm_types.js';

export interface TlbFlushHooks {
  /** flush_tlb_mm_range(): [start, end) of one mm; `freedTables` when page tables went too. */
  flushRange(mm: Mm, start: number, end: number, freedTables: boolean): void;
  /** flush_tlb_page(): one page. */
  flushPage(mm: Mm, addr: number): void;
  /** flush_tlb_mm(): everything of one mm. */
  flushMm(mm: Mm): void;
}

/** Hooks that only count the requests (the kernel's behaviour without a TLB model). */
export class CountingTlbFlush implements TlbFlushHooks {
  ranges = 0;
  pages = 0;
  mms = 0;
  flushRange(_mm: Mm, _start: number, _end: number, _freedTables: boolean): void {
    this.ranges++;
  }
  flushPage(_mm: Mm, _addr: number): void {
    this.pages++;
  }
  flushMm(_mm: Mm): void {
    this.mms++;
  }
}
