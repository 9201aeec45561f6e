// The address-space objects: mm_struct, vm_area_struct and anon_vma.
// Linux: include/linux/mm_types.h, include/linux/rmap.h.
// These are slow-path objects (created by system calls, not per access), so
// they are plain classes; page tables and frames are typed arrays elsewhere.
import { TASK_SIZE } from '../hw/addr.js';
import type { OpenFile } from './fs.js';

/** What backs a VMA: no vm_ops (anonymous), a regular file, or shmem. */
export type VmaKind = 'anon' | 'file' | 'shmem';

let nextAnonVmaId = 1;

/**
 * anon_vma: the reverse-map root for anonymous pages. A page faulted in a VMA
 * records that VMA's anon_vma; `vmas` holds every VMA linked to it through
 * an anon_vma_chain (the VMA itself, and after fork the child's copies), so
 * an rmap walk visits every VMA that may map the page.
 */
export class AnonVma {
  readonly id = nextAnonVmaId++;
  readonly vmas = new Set<Vma>();
  /** Number of VMAs and child anon_vmas using this one (anon_vma->num_active_vmas and num_children). */
  numChildren = 0;
  constructor(readonly parent: AnonVma | null) {}
  get root(): AnonVma {
    return this.parent ? this.parent.root : this;
  }
}

export class Vma {
  /** anon_vma_chain: every anon_vma this VMA is linked to (its own one last). */
  chain: AnonVma[] = [];
  anonVma: AnonVma | null = null;
  /** PTE flags for new mappings (vm_page_prot), recomputed from flags. */
  pageProt = 0;
  /** Swap readahead state (vma->swap_readahead_info): last fault address, window, hits. */
  swapRaAddr = 0;
  swapRaWin = 0;
  swapRaHits = 0;

  constructor(
    public mm: Mm,
    public start: number,
    public end: number,
    public flags: number,
    /** Page offset into the file, or start / 4096 for private anonymous memory. */
    public pgoff: number,
    public kind: VmaKind,
    public file: OpenFile | null,
  ) {}

  get nrPages(): number {
    return (this.end - this.start) / 4096;
  }

  /** linear_page_index(): the file (or anon) index mapped at `addr`. */
  pageIndex(addr: number): number {
    return this.pgoff + (addr - this.start) / 4096;
  }

  /** The address that maps index `index`, or -1 if outside the VMA. */
  addressOf(index: number): number {
    const a = this.start + (index - this.pgoff) * 4096;
    return a >= this.start && a < this.end ? a : -1;
  }
}

/** Per-mm RSS counters, as get_mm_counter() names them. */
export const MM_FILEPAGES = 0;
export const MM_ANONPAGES = 1;
export const MM_SWAPENTS = 2;
export const MM_SHMEMPAGES = 3;

export class Mm {
  /** VMAs sorted by start address, non-overlapping. */
  vmas: Vma[] = [];
  /** Top-level page table (PGD) in the page-table pool. */
  pgd = -1;
  readonly rss = new Float64Array(4);
  totalVm = 0;
  lockedVm = 0;
  pinnedVm = 0;
  dataVm = 0;
  execVm = 0;
  stackVm = 0;
  pgtablesBytes = 0;
  hiwaterRss = 0;
  hiwaterVm = 0;
  /** Flags every new VMA gets (mlockall(MCL_FUTURE) sets VM_LOCKED). */
  defFlags = 0;
  startCode = 0;
  endCode = 0;
  startData = 0;
  endData = 0;
  startBrk = 0;
  brk = 0;
  startStack = 0;
  /** Processes sharing this mm (mm_users). */
  users = 1;
  /** Next address for top-down placement of non-fixed mmaps (mmap_base). */
  mmapBase = 0;
  /** mm->task_size: the end of user space (3 GiB on a 32-bit machine); set by pgdAlloc. */
  taskSize = TASK_SIZE;

  get mapCount(): number {
    return this.vmas.length;
  }

  /** Resident pages: anon + file + shmem counters (get_mm_rss). */
  get rssPages(): number {
    return this.rss[MM_FILEPAGES]! + this.rss[MM_ANONPAGES]! + this.rss[MM_SHMEMPAGES]!;
  }

  /** hiwater_rss is raised only when RSS is about to drop (update_hiwater_rss). */
  updateHiwaterRss(): void {
    const r = this.rssPages;
    if (this.hiwaterRss < r) this.hiwaterRss = r;
  }

  updateHiwaterVm(): void {
    if (this.hiwaterVm < this.totalVm) this.hiwaterVm = this.totalVm;
  }

  /** Index of the first VMA with end > addr (find_vma), or vmas.length. */
  findIndex(addr: number): number {
    let lo = 0;
    let hi = this.vmas.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.vmas[mid]!.end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first VMA ending above addr (find_vma), or null. */
  findVma(addr: number): Vma | null {
    return this.vmas[this.findIndex(addr)] ?? null;
  }

  /** The VMA containing addr (vma_lookup), or null. */
  lookup(addr: number): Vma | null {
    const v = this.findVma(addr);
    return v && v.start <= addr ? v : null;
  }
}
