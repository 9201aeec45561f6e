// hugetlbfs: the static pools of huge pages, one per size (struct hstate):
// 2 MiB (the default) and, on x86-64 with gbpages, 1 GiB; on 32-bit x86
// without PAE only 4 MiB, HPAGE_SHIFT = PMD_SHIFT = 22 with the PMD folded
// into the PGD (arch/x86/include/asm/pgtable-2level_types.h, page_types.h).
// Linux: mm/hugetlb.c, fs/hugetlbfs/inode.c,
// Documentation/admin-guide/mm/hugetlbpage.rst.
//
// The pool is filled from the buddy allocator by vm.nr_hugepages and holds
// its pages whether they are used or not (HugePages_Free); pages may be
// borrowed beyond it up to vm.nr_overcommit_hugepages (HugePages_Surp; never
// for 1 GiB pages).
// mmap(MAP_HUGETLB) reserves what the mapping may need (HugePages_Rsvd),
// so that its faults cannot fail later; faults take pages from the pool
// and map them with one PMD (2 MiB), one PUD (1 GiB) or one PDE with PS
// (4 MiB, i386) each. Hugetlb pages
// are never on an LRU list, never swapped, and counted apart from RSS (smaps
// Shared_/Private_Hugetlb, status HugetlbPages).
//
// Reservations are kept as the kernel keeps them:
// - a shared mapping reserves, in its file's reservation map, every huge
//   page of the range not already there; a page added to the file's cache
//   consumes that page's reservation;
// - a private mapping's creator (HPAGE_RESV_OWNER) holds a reservation for
//   every page of its VMA; the VMA's map records the pages already faulted.
//   A fork child inherits no reservations; MAP_NORESERVE makes none.
//
// The kernel's pool of 512-entry tables (kernel/pgtable.ts) holds an i386
// 4 MiB PDE as the two PS entries of its PMD table that the PDE covers
// (slots 2i and 2i+1, the second pointing 512 frames further, same flags):
// the MMU reads them as one PDE (hw/mmu.ts), and this file always writes
// both (setHugePte, setHugeFlags, clearHugePte). Code that walks hugetlb
// mappings does so by huge page, from the first half's entry, so it sees
// one page; invariants.ts checks that the halves agree.
import { PMD_SIZE, PUD_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_PRESENT, PTE_PSE, PTE_RW } from '../hw/pte.js';
import { EINVAL, ENOMEM } from './errno.js';
import { VM_FAULT_OOM, VM_FAULT_SIGBUS, FAULT_FLAG_UNSHARE, FAULT_FLAG_WRITE } from './fault.js';
import { allocPages } from './folio.js';
import type { Inode } from './fs.js';
import type { Kernel } from './kernel.js';
import type { Mm, Vma } from './mm_types.js';
import { NO_PFN, PG_anon, PG_anon_exclusive, PG_head, PG_hugetlb, PG_tail, PG_uptodate } from './page.js';
import { MAX_PAGE_ORDER, ZONE_NORMAL } from './page_alloc.js';
import { pmdAlloc, pmdLookup, pudEntryAlloc, pudEntryLookup } from './pgtable.js';
import { anonVmaPrepare } from './rmap.js';
import { VM_HUGETLB, VM_MAYSHARE, VM_NORESERVE, VM_SHARED, VM_WRITE } from './vm_flags.js';
import { VM } from './vmstat.js';

/** The default huge page size on x86-64: one PMD, 512 base pages. */
export const HPAGE_ORDER = 9;
export const HPAGE_NR = 1 << HPAGE_ORDER;
export const HPAGE_SIZE = PMD_SIZE;
/** The gigantic size of x86-64 with gbpages: one PUD, 262144 base pages. */
export const HPAGE_PUD_ORDER = 18;
/** The huge page of 2-level i386 paging: one PDE with PS, 4 MiB, 1024 base pages (= MAX_PAGE_ORDER: a buddy block). */
export const HPAGE_PSE_ORDER = 10;

/** MAP_HUGE_SHIFT: mmap flags bits 26-31 hold log2 of the huge page size (0: the default). */
export const MAP_HUGE_SHIFT = 26;
export const MAP_HUGE_MASK = 0x3f;

/** struct hstate: one huge page size and its pool. Counts are in huge pages. */
export class Hstate {
  nrHugePages = 0;
  freeHugePages = 0;
  resvHugePages = 0;
  surplusHugePages = 0;
  nrOvercommitHugePages = 0;
  /** Free pool pages (hugepage_freelists), most recently freed last. */
  readonly free: number[] = [];
  /** Pool folios freed while flagged to give back a reservation (HPageRestoreReserve). */
  readonly restoreReserve = new Set<number>();
  /** pages_per_huge_page() and huge_page_size(). */
  readonly nrPages: number;
  readonly sizeBytes: number;

  constructor(readonly order: number) {
    this.nrPages = 2 ** order;
    this.sizeBytes = this.nrPages * 4096;
  }

  /** hstate->name, the directory under /sys/kernel/mm/hugepages: `hugepages-2048kB`. */
  get name(): string {
    return `hugepages-${this.sizeBytes / 1024}kB`;
  }

  /** hstate_is_gigantic(): larger than the buddy allocator's largest block. */
  get gigantic(): boolean {
    return this.order > MAX_PAGE_ORDER;
  }
}

/**
 * The hstates of an architecture, the default first: 2 MiB and 1 GiB on
 * x86-64 (X86_FEATURE_GBPAGES), 2 MiB on PAE, 4 MiB on i386 without PAE
 * (hugetlb_add_hstate(HUGETLB_PAGE_ORDER), HPAGE_SHIFT = 22; x86-32 has no
 * gigantic size).
 */
export function archHstates(arch: string): Hstate[] {
  if (arch === 'x86_64') return [new Hstate(HPAGE_ORDER), new Hstate(HPAGE_PUD_ORDER)];
  if (arch === 'i386') return [new Hstate(HPAGE_PSE_ORDER)];
  return [new Hstate(HPAGE_ORDER)];
}

/** hstate_sizelog(): the hstate for log2 of a size (0: the default), or null (mmap's EINVAL). */
export function hstateSizelog(k: Kernel, log: number): Hstate | null {
  if (log === 0) return k.hstate;
  return k.hstates.find((h) => h.order + 12 === log) ?? null;
}

/** size_to_hstate() by the sysfs directory name (`hugepages-1048576kB`), or null. */
export function hstateByName(k: Kernel, name: string): Hstate | null {
  return k.hstates.find((h) => h.name === name) ?? null;
}

/** Per-VMA hugetlb state: the reservation map of a private mapping's creator. */
export interface HugetlbVmaState {
  /** HPAGE_RESV_OWNER: this VMA made the reservations of its range. */
  owner: boolean;
  /** Huge-page indexes (in the file) already faulted in, whose reservation is used. */
  readonly consumed: Set<number>;
  /** HPAGE_RESV_UNMAPPED: the owner took a page back from this fork child (unmap_ref_private). */
  unmapped: boolean;
}

/** Per-inode reservation map of a hugetlbfs file (shared mappings). */
const inodeResv = new WeakMap<Inode, Set<number>>();
const vmaState = new WeakMap<Vma, HugetlbVmaState>();
/** The hstate of each hugetlbfs file (the `pagesize` of its mount). */
const inodeHstate = new WeakMap<Inode, Hstate>();

export function isVmHugetlb(vma: Vma): boolean {
  return (vma.flags & VM_HUGETLB) !== 0;
}

/** hugetlb_file_setup(): a new unlinked file on the internal hugetlbfs mount of size `h`. */
export function hugetlbFileSetup(k: Kernel, lenBytes: number, h: Hstate): Inode {
  const inode = k.fs.hugetlbAnon(lenBytes);
  inodeHstate.set(inode, h);
  return inode;
}

/** hstate_inode(): the huge page size of a hugetlbfs file. */
export function hstateInode(k: Kernel, inode: Inode): Hstate {
  return inodeHstate.get(inode) ?? k.hstate;
}

/** hstate_vma(): the huge page size of a hugetlb VMA. */
export function hstateVma(k: Kernel, vma: Vma): Hstate {
  return hstateInode(k, vma.file!.inode);
}

/** huge_page_size(hstate_vma()) for any VMA: 4096 for a VMA that is not hugetlb (vma_kernel_pagesize). */
export function vmaKernelPagesize(k: Kernel, vma: Vma): number {
  return isVmHugetlb(vma) ? hstateVma(k, vma).sizeBytes : 4096;
}

/** The huge-page index in the file mapped at `addr` (vma_hugecache_offset). */
function hugeIndex(h: Hstate, vma: Vma, addr: number): number {
  return Math.floor(vma.pageIndex(addr) / h.nrPages);
}

function persistent(h: Hstate): number {
  return h.nrHugePages - h.surplusHugePages;
}

/**
 * huge_pte_alloc(): the flat index of the entry that maps a huge page of `h`
 * at `addr`: the PMD entry (2 MiB; for 4 MiB the first of the pair that is
 * the PDE) or the PUD entry (1 GiB, no PMD table), allocating the tables
 * above it. -1 when out of memory.
 */
function hugePteAlloc(k: Kernel, mm: Mm, addr: number, h: Hstate): number {
  return h.sizeBytes === PUD_SIZE ? pudEntryAlloc(k, mm, addr) : pmdAlloc(k, mm, addr);
}

/** huge_pte_offset(): that entry if its table exists, else -1. */
function hugePteOffset(k: Kernel, mm: Mm, addr: number, h: Hstate): number {
  return h.sizeBytes === PUD_SIZE ? pudEntryLookup(k, mm, addr) : pmdLookup(k, mm, addr);
}

/**
 * alloc_fresh_hugetlb_folio(): a huge page made a hugetlb folio. 2 and 4 MiB
 * come from the buddy allocator (htlb_buddy_alloc_*); 1 GiB from
 * alloc_gigantic_folio(), a free aligned range (alloc_contig_pages), not
 * counted there. The zone: htlb_alloc_mask() is GFP_HIGHUSER(_MOVABLE), so
 * the highest zone first, HighMem on 32-bit (zone id 2 there, see
 * page_alloc.ts), falling back to lowmem.
 */
function allocFresh(k: Kernel, h: Hstate): number {
  let pfn: number;
  if (h.gigantic) pfn = k.buddy.allocContig(h.order, ZONE_NORMAL);
  else {
    pfn = allocPages(k, h.order, ZONE_NORMAL);
    k.vmstat.add(pfn === NO_PFN ? VM.htlb_buddy_alloc_fail : VM.htlb_buddy_alloc_success, 1);
  }
  if (pfn === NO_PFN) return NO_PFN;
  const p = k.pages;
  p.flags[pfn] = PG_head | PG_hugetlb;
  p.order[pfn] = h.order;
  p.flags.fill(PG_tail | PG_hugetlb, pfn + 1, pfn + h.nrPages);
  p.head.fill(pfn, pfn + 1, pfn + h.nrPages);
  p.refcount[pfn] = 0;
  return pfn;
}

/** update_and_free_hugetlb_folio(): a pool page goes back to the buddy allocator. */
function freeToBuddy(k: Kernel, h: Hstate, head: number): void {
  const p = k.pages;
  const end = head + h.nrPages;
  p.flags.fill(0, head, end);
  p.mapping.fill(0, head, end);
  p.mapcount.fill(0, head, end);
  p.entireMapcount[head] = 0;
  p.refcount[head] = 0;
  if (h.gigantic) k.buddy.freeContig(head, h.order);
  else k.buddy.free(head, h.order);
}

function enqueue(h: Hstate, head: number): void {
  h.free.push(head);
  h.freeHugePages++;
}

/** remove_pool_hugetlb_folio(): takes a free page out of the pool (surplus first when asked). */
function removePoolPage(h: Hstate, accountSurplus: boolean): number {
  const head = h.free.pop();
  if (head === undefined) return NO_PFN;
  h.freeHugePages--;
  h.nrHugePages--;
  if (accountSurplus && h.surplusHugePages > 0) h.surplusHugePages--;
  return head;
}

/** adjust_pool_surplus(): moves one page between persistent and surplus. */
function adjustSurplus(h: Hstate, delta: number): boolean {
  if (delta < 0) {
    if (!h.surplusHugePages) return false;
  } else if (h.surplusHugePages >= h.nrHugePages) return false;
  h.surplusHugePages += delta;
  return true;
}

/**
 * set_max_huge_pages(): a write of nr_hugepages (the sysctl for the default
 * size, sysfs for each). The write succeeds even when fewer pages could be
 * allocated: nr_hugepages then reads lower.
 */
export function setMaxHugePages(k: Kernel, count: number, h: Hstate = k.hstate): void {
  while (h.surplusHugePages && count > persistent(h)) if (!adjustSurplus(h, -1)) break;
  while (count > persistent(h)) {
    const head = allocFresh(k, h);
    if (head === NO_PFN) break;
    h.nrHugePages++;
    enqueue(h, head);
  }
  // Shrink: free pages go back to the buddy allocator, keeping enough for
  // the reservations; pages in use become surplus, freed when released.
  const minCount = Math.max(count, h.resvHugePages + h.nrHugePages - h.freeHugePages);
  while (minCount < persistent(h)) {
    const head = removePoolPage(h, false);
    if (head === NO_PFN) break;
    freeToBuddy(k, h, head);
  }
  while (count < persistent(h)) if (!adjustSurplus(h, 1)) break;
}

/** nr_overcommit_hugepages_store(): gigantic pages cannot be surplus (-EINVAL). */
export function setOvercommitHugePages(h: Hstate, count: number): number {
  if (h.gigantic) return -EINVAL;
  h.nrOvercommitHugePages = count;
  return 0;
}

/** alloc_surplus_hugetlb_folio(): a page beyond the pool, if nr_overcommit_hugepages allows (never gigantic). */
function allocSurplus(k: Kernel, h: Hstate): number {
  if (h.gigantic || h.surplusHugePages >= h.nrOvercommitHugePages) return NO_PFN;
  const head = allocFresh(k, h);
  if (head === NO_PFN) return NO_PFN;
  h.nrHugePages++;
  h.surplusHugePages++;
  return head;
}

/** hugetlb_acct_memory(): reserves (delta > 0) or releases (delta < 0) huge pages. */
function acctMemory(k: Kernel, h: Hstate, delta: number): number {
  if (delta > 0) {
    // gather_surplus_pages(): borrow what the free pool lacks, if allowed.
    let needed = h.resvHugePages + delta - h.freeHugePages;
    if (needed > 0) {
      const got: number[] = [];
      for (; needed > 0; needed--) {
        const head = allocSurplus(k, h);
        if (head === NO_PFN) break;
        got.push(head);
      }
      if (needed > 0) {
        for (const head of got) {
          h.nrHugePages--;
          h.surplusHugePages--;
          freeToBuddy(k, h, head);
        }
        return -ENOMEM;
      }
      for (const head of got) enqueue(h, head);
    }
    h.resvHugePages += delta;
    return 0;
  }
  if (delta < 0) returnUnusedSurplus(k, h, -delta);
  return 0;
}

/** return_unused_surplus_pages(): drops reservations and frees surplus pages they held. */
function returnUnusedSurplus(k: Kernel, h: Hstate, unused: number): void {
  h.resvHugePages -= unused;
  let n = Math.min(unused, h.surplusHugePages);
  while (n-- > 0) {
    const head = removePoolPage(h, true);
    if (head === NO_PFN) break;
    freeToBuddy(k, h, head);
  }
}

/**
 * hugetlb_reserve_pages() for a new hugetlb VMA: the shared file's or the
 * private creator's reservations. Returns 0 or -ENOMEM.
 */
export function hugetlbReservePages(k: Kernel, vma: Vma): number {
  const inode = vma.file!.inode;
  const h = hstateInode(k, inode);
  const from = hugeIndex(h, vma, vma.start);
  const to = from + (vma.end - vma.start) / h.sizeBytes;
  if (vma.flags & VM_NORESERVE) {
    vmaState.set(vma, { owner: false, consumed: new Set(), unmapped: false });
    return 0;
  }
  if (vma.flags & VM_MAYSHARE) {
    const map = inodeResv.get(inode) ?? new Set<number>();
    const add: number[] = [];
    for (let i = from; i < to; i++) if (!map.has(i)) add.push(i);
    if (acctMemory(k, h, add.length) < 0) return -ENOMEM;
    for (const i of add) map.add(i);
    inodeResv.set(inode, map);
    vmaState.set(vma, { owner: false, consumed: new Set(), unmapped: false });
    return 0;
  }
  if (acctMemory(k, h, to - from) < 0) return -ENOMEM;
  vmaState.set(vma, { owner: true, consumed: new Set(), unmapped: false });
  return 0;
}

function stateOf(vma: Vma): HugetlbVmaState {
  let s = vmaState.get(vma);
  if (!s) {
    s = { owner: false, consumed: new Set(), unmapped: false };
    vmaState.set(vma, s);
  }
  return s;
}

/** hugetlb_vm_op_open() at a split: both halves share the creator's map. */
export function hugetlbVmaSplit(orig: Vma, nv: Vma): void {
  vmaState.set(nv, stateOf(orig));
}

/** reset_vma_resv_huge_pages() at fork: the child's copy holds no reservations. */
export function hugetlbVmaFork(child: Vma): void {
  vmaState.set(child, { owner: false, consumed: new Set(), unmapped: false });
}

/** hugetlb_vm_op_close(): the creator gives back the reservations it never used. */
export function hugetlbVmaClose(k: Kernel, vma: Vma): void {
  const s = stateOf(vma);
  if (!s.owner || vma.flags & VM_MAYSHARE) return;
  const h = hstateVma(k, vma);
  const from = hugeIndex(h, vma, vma.start);
  const to = from + (vma.end - vma.start) / h.sizeBytes;
  let used = 0;
  for (let i = from; i < to; i++) if (s.consumed.has(i)) used++;
  const reserve = to - from - used;
  if (reserve) acctMemory(k, h, -reserve);
}

/** Whether a fault at `idx` has a reservation to use (vma_needs_reservation() == 0). */
function hasReservation(vma: Vma, idx: number): boolean {
  const s = stateOf(vma);
  if (vma.flags & VM_MAYSHARE) {
    if (vma.flags & VM_NORESERVE) return false;
    return inodeResv.get(vma.file!.inode)?.has(idx) ?? false;
  }
  return s.owner && !s.consumed.has(idx);
}

/**
 * alloc_hugetlb_folio(): a page for a fault, using the mapping's
 * reservation when it has one, otherwise a free unreserved page or a
 * surplus page. NO_PFN when there is none (the fault gets SIGBUS).
 */
function allocHugetlbFolio(k: Kernel, h: Hstate, vma: Vma, addr: number, avoidReserve: boolean): number {
  const idx = hugeIndex(h, vma, addr);
  const reserved = !avoidReserve && hasReservation(vma, idx);
  let head = NO_PFN;
  if (reserved || h.freeHugePages - h.resvHugePages > 0) {
    const got = h.free.pop();
    if (got !== undefined) {
      h.freeHugePages--;
      head = got;
    }
  }
  if (head === NO_PFN) head = allocSurplus(k, h);
  if (head === NO_PFN) return NO_PFN;
  // The fault that takes the page always maps it, so the reservation is
  // used for good (HPageRestoreReserve is cleared once mapped).
  if (reserved) h.resvHugePages--;
  // vma_commit_reservation(): the page is now used.
  if (!(vma.flags & VM_MAYSHARE)) stateOf(vma).consumed.add(idx);
  k.pages.refcount[head] = 1;
  // A new hugetlb page is zeroed (folio_zero_user).
  for (let i = 0; i < h.nrPages; i++) k.mem.clear(head + i);
  k.vmstat.add(VM.nr_hugetlb, h.nrPages);
  return head;
}

/** The hstate a hugetlb folio belongs to (folio_hstate), from its order. */
function folioHstate(k: Kernel, head: number): Hstate {
  const order = k.pages.order[head]!;
  return k.hstates.find((h) => h.order === order)!;
}

/** free_huge_folio(): the last reference is gone; the page returns to the pool (or to the buddy allocator if surplus). */
export function freeHugeFolio(k: Kernel, head: number): void {
  const h = folioHstate(k, head);
  const p = k.pages;
  p.refcount[head] = 0;
  p.entireMapcount[head] = 0;
  p.flags[head] = PG_head | PG_hugetlb;
  p.flags.fill(PG_tail | PG_hugetlb, head + 1, head + h.nrPages);
  p.mapping.fill(0, head, head + h.nrPages);
  k.vmstat.add(VM.nr_hugetlb, -h.nrPages);
  if (h.restoreReserve.delete(head)) h.resvHugePages++;
  if (h.surplusHugePages > 0) {
    h.nrHugePages--;
    h.surplusHugePages--;
    freeToBuddy(k, h, head);
  } else enqueue(h, head);
}

function putHugeFolio(k: Kernel, head: number, n = 1): void {
  const p = k.pages;
  p.refcount[head]! -= n;
  if (p.refcount[head]! <= 0) freeHugeFolio(k, head);
}

/** The PMD or PUD entry flags a hugetlb page is mapped with (make_huge_pte). */
function hugePteFlags(vma: Vma, writable: boolean): number {
  let f = vma.pageProt | PTE_PSE | PTE_ACCESSED;
  if (writable && vma.flags & VM_WRITE) f |= PTE_RW | PTE_DIRTY;
  else f &= ~PTE_RW;
  return f;
}

/** Pool entries one huge page of `h` takes: 2 for a 4 MiB PDE (its two PMD halves), else 1. */
function poolEntries(h: Hstate): number {
  return h.sizeBytes === 2 * PMD_SIZE ? 2 : 1;
}

/** set_huge_pte_at() on a PMD, PUD or i386 PDE entry (a flat index; for a PDE, both halves). */
function setHugePte(k: Kernel, h: Hstate, e: number, flags: number, head: number): void {
  for (let i = 0; i < poolEntries(h); i++) k.pt.set(Math.floor(e / ENTRIES), (e % ENTRIES) + i, flags, head + i * ENTRIES);
}

/** Rewrites the flags of a present huge entry (both halves of an i386 PDE). */
function setHugeFlags(k: Kernel, h: Hstate, e: number, flags: number): void {
  for (let i = 0; i < poolEntries(h); i++) k.pt.flags[e + i] = flags;
}

/** huge_ptep_get_and_clear(): empties a huge entry (both halves of an i386 PDE). */
function clearHugePte(k: Kernel, h: Hstate, e: number): void {
  for (let i = 0; i < poolEntries(h); i++) k.pt.clearEntry(e + i);
}

/**
 * The stride of the TLB flush after changing huge entries: huge_page_shift().
 * x86's flush_tlb_range() passes it for a hugetlb VMA, and the unmap's
 * mmu_gather flushes at the page size it cleared (tlb_get_unmap_shift()), so
 * a range of N huge pages counts as N pages against the 33-page ceiling
 * (one INVLPG each drops the huge TLB entry), not as N * 512.
 */
function flushStride(h: Hstate): number {
  return 12 + h.order;
}

/** mm->hugetlb_usage, in base pages (status HugetlbPages). */
const usage = new WeakMap<Mm, number>();

function countAdd(mm: Mm, n: number): void {
  usage.set(mm, (usage.get(mm) ?? 0) + n);
}

export function hugetlbUsagePages(mm: Mm): number {
  return usage.get(mm) ?? 0;
}

/** Adds a new page-cache folio to a hugetlbfs file (hugetlb_add_to_page_cache). */
function addToPageCache(k: Kernel, h: Hstate, inode: Inode, head: number, idx: number): void {
  const p = k.pages;
  const n = h.nrPages;
  for (let i = 0; i < n; i++) {
    inode.store(idx * n + i, head + i);
    p.mapping[head + i] = inode.id;
    p.index[head + i] = idx * n + i;
  }
  p.flags[head] |= PG_uptodate;
  p.refcount[head]! += n;
  inode.nrPages += n;
  // The page's reservation in the file's map is now used.
}

/**
 * hugetlb_fault(): the whole fault path of a hugetlb VMA. Missing pages come
 * from the pool (hugetlb_no_page), private writes to shared pages copy
 * (hugetlb_wp). Returns a VM_FAULT_* code.
 */
export function hugetlbFault(k: Kernel, vma: Vma, address: number, flags: number): number {
  const mm = vma.mm;
  const h = hstateVma(k, vma);
  const haddr = roundDown(address, h.sizeBytes);
  const e = hugePteAlloc(k, mm, haddr, h);
  if (e < 0) return VM_FAULT_OOM;
  const pt = k.pt;
  const p = k.pages;
  const write = (flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) !== 0;
  const f = pt.flags[e]!;
  if (!(f & PTE_PRESENT)) {
    // hugetlb_no_page(): a child whose pages the owner took back is killed.
    if (stateOf(vma).unmapped) return VM_FAULT_SIGBUS;
    const idx = hugeIndex(h, vma, haddr);
    const inode = vma.file!.inode;
    const shared = (vma.flags & VM_MAYSHARE) !== 0;
    let head = shared ? inode.lookup(idx * h.nrPages) : NO_PFN;
    let anon = false;
    if (head === NO_PFN) {
      head = allocHugetlbFolio(k, h, vma, haddr, false);
      if (head === NO_PFN) return VM_FAULT_SIGBUS;
      if (shared) {
        addToPageCache(k, h, inode, head, idx);
        // The cache's references replace the allocation's.
        p.refcount[head]!--;
      } else {
        const av = anonVmaPrepare(k, vma);
        p.flags[head] |= PG_anon | PG_anon_exclusive | PG_uptodate;
        p.mapping[head] = av.id;
        p.index[head] = idx * h.nrPages;
        anon = true;
      }
    }
    if (!anon) p.refcount[head]!++;
    p.entireMapcount[head]!++;
    countAdd(mm, h.nrPages);
    // A private mapping maps read-only first; a write fault then reuses the
    // exclusive page at once (hugetlb_wp without a second fault).
    setHugePte(k, h, e, hugePteFlags(vma, (vma.flags & VM_SHARED) !== 0 || (write && anon)), head);
    if (write && !anon && !(vma.flags & VM_SHARED)) return hugetlbWp(k, h, vma, e, haddr);
    return 0;
  }
  if (write && !(f & PTE_RW)) return hugetlbWp(k, h, vma, e, haddr);
  setHugeFlags(k, h, e, f | PTE_ACCESSED | (write ? PTE_DIRTY : 0));
  return 0;
}

/** hugetlb_wp(): a write to a read-only huge PMD or PUD. */
function hugetlbWp(k: Kernel, h: Hstate, vma: Vma, e: number, haddr: number): number {
  const pt = k.pt;
  const p = k.pages;
  const f = pt.flags[e]!;
  const old = pt.val[e]!;
  if (vma.flags & VM_MAYSHARE) {
    setHugeFlags(k, h, e, f | PTE_RW | PTE_DIRTY | PTE_ACCESSED);
    return 0;
  }
  // An anonymous page only this mapping has: reuse it (and own it again).
  if (p.flags[old]! & PG_anon && p.entireMapcount[old] === 1) {
    p.flags[old] |= PG_anon_exclusive;
    setHugeFlags(k, h, e, f | PTE_RW | PTE_DIRTY | PTE_ACCESSED);
    return 0;
  }
  // The creator copies without using its reservations (cow_from_owner).
  const cowFromOwner = stateOf(vma).owner && (p.flags[old]! & PG_anon) !== 0;
  const head = allocHugetlbFolio(k, h, vma, haddr, cowFromOwner);
  if (head === NO_PFN) {
    if (!cowFromOwner) return VM_FAULT_SIGBUS;
    // The pool is empty: the creator takes the page back from its fork
    // children, then reuses it (retry_avoidcow).
    unmapRefPrivate(k, h, vma, old, haddr);
    return hugetlbWp(k, h, vma, e, haddr);
  }
  // copy_user_large_folio()
  k.mem.first.copyWithin(head, old, old + h.nrPages);
  k.mem.fill.copyWithin(head, old, old + h.nrPages);
  const av = anonVmaPrepare(k, vma);
  p.flags[head] |= PG_anon | PG_anon_exclusive | PG_uptodate;
  p.mapping[head] = av.id;
  p.index[head] = hugeIndex(h, vma, haddr) * h.nrPages;
  p.entireMapcount[head] = 1;
  p.entireMapcount[old]!--;
  setHugePte(k, h, e, hugePteFlags(vma, true), head);
  k.tlb.flushRange(vma.mm, haddr, haddr + h.sizeBytes, false, flushStride(h));
  putHugeFolio(k, old);
  return 0;
}

/**
 * unmap_ref_private(): unmaps page `head` at `haddr` from every other private
 * mapping of the file that holds no reservations (the creator's fork
 * children) and marks them HPAGE_RESV_UNMAPPED: their next fault there gets
 * SIGBUS rather than a zeroed page where the data was.
 */
function unmapRefPrivate(k: Kernel, h: Hstate, vma: Vma, head: number, haddr: number): void {
  const pt = k.pt;
  const pgoff = vma.pageIndex(haddr);
  for (const iter of [...vma.file!.inode.mmaps]) {
    if (iter === vma || iter.flags & VM_MAYSHARE || stateOf(iter).owner) continue;
    const a = iter.start + (pgoff - iter.pgoff) * 4096;
    if (a < iter.start || a >= iter.end) continue;
    const e = hugePteOffset(k, iter.mm, a, h);
    if (e < 0 || !(pt.flags[e]! & PTE_PRESENT) || pt.val[e] !== head) continue;
    stateOf(iter).unmapped = true;
    unmapHugepageRange(k, iter, a, a + h.sizeBytes);
  }
}

/**
 * __unmap_hugepage_range(): unmaps the huge pages of [start, end). The
 * creator of a private mapping gets the reservation of an anonymous page
 * back when the page is freed, so a later fault there cannot fail.
 */
export function unmapHugepageRange(k: Kernel, vma: Vma, start: number, end: number): void {
  const mm = vma.mm;
  const pt = k.pt;
  const p = k.pages;
  const s = stateOf(vma);
  const h = hstateVma(k, vma);
  for (let a = start; a < end; a += h.sizeBytes) {
    const e = hugePteOffset(k, mm, a, h);
    if (e < 0 || !(pt.flags[e]! & PTE_PRESENT)) continue;
    const head = pt.val[e]!;
    clearHugePte(k, h, e);
    p.entireMapcount[head]!--;
    countAdd(mm, -h.nrPages);
    if (s.owner && !(vma.flags & VM_MAYSHARE) && p.flags[head]! & PG_anon && h.surplusHugePages === 0) {
      h.restoreReserve.add(head);
      s.consumed.delete(hugeIndex(h, vma, a));
    }
    putHugeFolio(k, head);
  }
  k.tlb.flushRange(mm, start, end, false, flushStride(h));
}

/** copy_hugetlb_page_range(): fork copies a private mapping's huge PMDs or PUDs, write-protected in both. */
export function copyHugetlbPageRange(k: Kernel, dst: Vma, src: Vma): boolean {
  const pt = k.pt;
  const p = k.pages;
  const h = hstateVma(k, src);
  hugetlbVmaFork(dst);
  const cow = (src.flags & (VM_SHARED | VM_MAYSHARE)) === 0;
  for (let a = src.start; a < src.end; a += h.sizeBytes) {
    const srcE = hugePteOffset(k, src.mm, a, h);
    if (srcE < 0 || !(pt.flags[srcE]! & PTE_PRESENT)) continue;
    const dstE = hugePteAlloc(k, dst.mm, a, h);
    if (dstE < 0) return false;
    let f = pt.flags[srcE]!;
    const head = pt.val[srcE]!;
    p.refcount[head]!++;
    p.entireMapcount[head]!++;
    if (p.flags[head]! & PG_anon) p.flags[head] &= ~PG_anon_exclusive;
    if (cow) {
      f &= ~PTE_RW;
      setHugeFlags(k, h, srcE, f);
    }
    setHugePte(k, h, dstE, f, head);
    countAdd(dst.mm, h.nrPages);
  }
  return true;
}

/** hugetlb_change_protection(): mprotect rewrites the huge PMDs or PUDs of [start, end). */
export function hugetlbChangeProtection(k: Kernel, vma: Vma, start: number, end: number): void {
  const pt = k.pt;
  const p = k.pages;
  const h = hstateVma(k, vma);
  for (let a = start; a < end; a += h.sizeBytes) {
    const e = hugePteOffset(k, vma.mm, a, h);
    if (e < 0 || !(pt.flags[e]! & PTE_PRESENT)) continue;
    const f = pt.flags[e]!;
    const head = pt.val[e]!;
    // Write stays only where the page may be written without a fault:
    // shared mappings, and anonymous pages this mapping alone has.
    const keepWrite = f & PTE_RW && vma.flags & VM_WRITE && (vma.flags & VM_SHARED || p.flags[head]! & PG_anon_exclusive);
    setHugeFlags(k, h, e, (vma.pageProt | PTE_PSE | (f & (PTE_ACCESSED | PTE_DIRTY)) | (keepWrite ? PTE_RW : 0)) & ~(keepWrite ? 0 : PTE_RW));
  }
  k.tlb.flushRange(vma.mm, start, end, false, flushStride(h));
}

/** Frees a hugetlbfs file's pages and reservations when its last user goes (remove_inode_hugepages). */
export function hugetlbEvictInode(k: Kernel, inode: Inode): void {
  const p = k.pages;
  const h = hstateInode(k, inode);
  const n = h.nrPages;
  for (let i = 0; i < inode.cache.length; i += n) {
    const head = inode.cache[i]!;
    if (head < 0) continue;
    inode.cache.fill(-1, i, i + n);
    inode.nrPages -= n;
    p.flags[head] &= ~PG_uptodate;
    putHugeFolio(k, head, n);
    inodeResv.get(inode)?.delete(i / n);
  }
  // hugetlb_unreserve_pages(): reservations never used by a page.
  const left = inodeResv.get(inode)?.size ?? 0;
  if (left) acctMemory(k, h, -left);
  inodeResv.delete(inode);
}

/** hugetlb_split(): a hugetlb VMA splits only at huge page boundaries. */
export function hugetlbSplitOk(k: Kernel, vma: Vma, addr: number): boolean {
  return !isVmHugetlb(vma) || addr % hstateVma(k, vma).sizeBytes === 0;
}

/** smaps_hugetlb_range(): bytes of the VMA's huge pages, shared (mapped twice or more) or private. */
export function smapsHugetlb(k: Kernel, vma: Vma): { shared: number; private: number } {
  const pt = k.pt;
  const p = k.pages;
  const h = hstateVma(k, vma);
  let shared = 0;
  let priv = 0;
  for (let a = vma.start; a < vma.end; a += h.sizeBytes) {
    const e = hugePteOffset(k, vma.mm, a, h);
    if (e < 0 || !(pt.flags[e]! & PTE_PRESENT)) continue;
    if (p.entireMapcount[pt.val[e]!]! >= 2) shared += h.sizeBytes;
    else priv += h.sizeBytes;
  }
  return { shared, private: priv };
}

/**
 * hugetlbfs_punch_hole(): the huge pages wholly inside file pages [first,
 * end) are unmapped from every mapping of the file and dropped from it, and
 * reservations for them that no page used are given back.
 */
export function hugetlbPunchHole(k: Kernel, inode: Inode, first: number, end: number): void {
  const h = hstateInode(k, inode);
  const n = h.nrPages;
  const from = Math.ceil(first / n);
  const to = Math.floor(end / n);
  if (from >= to) return;
  // hugetlb_vmdelete_list(): unmap the hole from every VMA of the file.
  for (const vma of inode.mmaps) {
    const s = Math.max(vma.start, vma.start + (from * n - vma.pgoff) * 4096);
    const e = Math.min(vma.end, vma.start + (to * n - vma.pgoff) * 4096);
    if (s < e) unmapHugepageRange(k, vma, s, e);
  }
  const p = k.pages;
  const resv = inodeResv.get(inode);
  let freedResv = 0;
  for (let idx = from; idx < to; idx++) {
    const head = inode.lookup(idx * n);
    if (head !== NO_PFN) {
      inode.cache.fill(-1, idx * n, (idx + 1) * n);
      inode.nrPages -= n;
      p.flags[head] &= ~PG_uptodate;
      // The page used this index's reservation already.
      resv?.delete(idx);
      putHugeFolio(k, head, n);
    } else if (resv?.delete(idx)) freedResv++;
  }
  if (freedResv) acctMemory(k, h, -freedResv);
}
