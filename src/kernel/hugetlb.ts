// hugetlbfs: the static pool of 2 MiB huge pages. Linux: mm/hugetlb.c,
// fs/hugetlbfs/inode.c, Documentation/admin-guide/mm/hugetlbpage.rst.
//
// The pool is filled from the buddy allocator by vm.nr_hugepages and holds
// its pages whether they are used or not (HugePages_Free); pages may be
// borrowed beyond it up to vm.nr_overcommit_hugepages (HugePages_Surp).
// mmap(MAP_HUGETLB) reserves what the mapping may need (HugePages_Rsvd),
// so that its faults cannot fail later; faults take pages from the pool
// and map them with one PMD each. Hugetlb pages are never on an LRU list,
// never swapped, and counted apart from RSS (smaps Shared_/Private_Hugetlb,
// status HugetlbPages).
//
// Reservations are kept as the kernel keeps them:
// - a shared mapping reserves, in its file's reservation map, every huge
//   page of the range not already there; a page added to the file's cache
//   consumes that page's reservation;
// - a private mapping's creator (HPAGE_RESV_OWNER) holds a reservation for
//   every page of its VMA; the VMA's map records the pages already faulted.
//   A fork child inherits no reservations; MAP_NORESERVE makes none.
import { PMD_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_PRESENT, PTE_PSE, PTE_RW } from '../hw/pte.js';
import { ENOMEM } from './errno.js';
import { VM_FAULT_OOM, VM_FAULT_SIGBUS, FAULT_FLAG_UNSHARE, FAULT_FLAG_WRITE } from './fault.js';
import { allocPages } from './folio.js';
import type { Inode } from './fs.js';
import type { Kernel } from './kernel.js';
import type { Mm, Vma } from './mm_types.js';
import { NO_PFN, PG_anon, PG_anon_exclusive, PG_head, PG_hugetlb, PG_tail, PG_uptodate } from './page.js';
import { ZONE_NORMAL } from './page_alloc.js';
import { pmdAlloc, pmdLookup } from './pgtable.js';
import { anonVmaPrepare } from './rmap.js';
import { VM_HUGETLB, VM_MAYSHARE, VM_NORESERVE, VM_SHARED, VM_WRITE } from './vm_flags.js';
import { VM } from './vmstat.js';

/** The default huge page size on x86-64: one PMD, 512 base pages. */
export const HPAGE_ORDER = 9;
export const HPAGE_NR = 1 << HPAGE_ORDER;
export const HPAGE_SIZE = PMD_SIZE;

/** struct hstate for the 2 MiB size. Counts are in huge pages. */
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
}

/** Per-VMA hugetlb state: the reservation map of a private mapping's creator. */
export interface HugetlbVmaState {
  /** HPAGE_RESV_OWNER: this VMA made the reservations of its range. */
  owner: boolean;
  /** Huge-page indexes (in the file) already faulted in, whose reservation is used. */
  readonly consumed: Set<number>;
}

/** Per-inode reservation map of a hugetlbfs file (shared mappings). */
const inodeResv = new WeakMap<Inode, Set<number>>();
const vmaState = new WeakMap<Vma, HugetlbVmaState>();

export function isVmHugetlb(vma: Vma): boolean {
  return (vma.flags & VM_HUGETLB) !== 0;
}

/** The huge-page index in the file mapped at `addr` (vma_hugecache_offset). */
function hugeIndex(vma: Vma, addr: number): number {
  return Math.floor(vma.pageIndex(addr) / HPAGE_NR);
}

function persistent(h: Hstate): number {
  return h.nrHugePages - h.surplusHugePages;
}

/** alloc_fresh_hugetlb_folio(): 2 MiB from the buddy allocator, made a hugetlb folio. */
function allocFresh(k: Kernel): number {
  const pfn = allocPages(k, HPAGE_ORDER, ZONE_NORMAL);
  if (pfn === NO_PFN) {
    k.vmstat.add(VM.htlb_buddy_alloc_fail, 1);
    return NO_PFN;
  }
  k.vmstat.add(VM.htlb_buddy_alloc_success, 1);
  const p = k.pages;
  p.flags[pfn] = PG_head | PG_hugetlb;
  p.order[pfn] = HPAGE_ORDER;
  for (let i = 1; i < HPAGE_NR; i++) {
    p.flags[pfn + i] = PG_tail | PG_hugetlb;
    p.head[pfn + i] = pfn;
  }
  p.refcount[pfn] = 0;
  return pfn;
}

/** update_and_free_hugetlb_folio(): a pool page goes back to the buddy allocator. */
function freeToBuddy(k: Kernel, head: number): void {
  const p = k.pages;
  for (let i = 0; i < HPAGE_NR; i++) {
    p.flags[head + i] = 0;
    p.mapping[head + i] = 0;
    p.mapcount[head + i] = 0;
  }
  p.entireMapcount[head] = 0;
  p.refcount[head] = 0;
  k.buddy.free(head, HPAGE_ORDER);
}

function enqueue(k: Kernel, head: number): void {
  const h = k.hstate;
  h.free.push(head);
  h.freeHugePages++;
}

/** remove_pool_hugetlb_folio(): takes a free page out of the pool (surplus first when asked). */
function removePoolPage(k: Kernel, accountSurplus: boolean): number {
  const h = k.hstate;
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

/** set_max_huge_pages(): the write to /proc/sys/vm/nr_hugepages. */
export function setMaxHugePages(k: Kernel, count: number): void {
  const h = k.hstate;
  while (h.surplusHugePages && count > persistent(h)) if (!adjustSurplus(h, -1)) break;
  while (count > persistent(h)) {
    const head = allocFresh(k);
    if (head === NO_PFN) break;
    h.nrHugePages++;
    enqueue(k, head);
  }
  // Shrink: free pages go back to the buddy allocator, keeping enough for
  // the reservations; pages in use become surplus, freed when released.
  const minCount = Math.max(count, h.resvHugePages + h.nrHugePages - h.freeHugePages);
  while (minCount < persistent(h)) {
    const head = removePoolPage(k, false);
    if (head === NO_PFN) break;
    freeToBuddy(k, head);
  }
  while (count < persistent(h)) if (!adjustSurplus(h, 1)) break;
}

/** alloc_surplus_hugetlb_folio(): a page beyond the pool, if nr_overcommit_hugepages allows. */
function allocSurplus(k: Kernel): number {
  const h = k.hstate;
  if (h.surplusHugePages >= h.nrOvercommitHugePages) return NO_PFN;
  const head = allocFresh(k);
  if (head === NO_PFN) return NO_PFN;
  h.nrHugePages++;
  h.surplusHugePages++;
  return head;
}

/** hugetlb_acct_memory(): reserves (delta > 0) or releases (delta < 0) huge pages. */
function acctMemory(k: Kernel, delta: number): number {
  const h = k.hstate;
  if (delta > 0) {
    // gather_surplus_pages(): borrow what the free pool lacks, if allowed.
    let needed = h.resvHugePages + delta - h.freeHugePages;
    if (needed > 0) {
      const got: number[] = [];
      for (; needed > 0; needed--) {
        const head = allocSurplus(k);
        if (head === NO_PFN) break;
        got.push(head);
      }
      if (needed > 0) {
        for (const head of got) {
          h.nrHugePages--;
          h.surplusHugePages--;
          freeToBuddy(k, head);
        }
        return -ENOMEM;
      }
      for (const head of got) enqueue(k, head);
    }
    h.resvHugePages += delta;
    return 0;
  }
  if (delta < 0) returnUnusedSurplus(k, -delta);
  return 0;
}

/** return_unused_surplus_pages(): drops reservations and frees surplus pages they held. */
function returnUnusedSurplus(k: Kernel, unused: number): void {
  const h = k.hstate;
  h.resvHugePages -= unused;
  let n = Math.min(unused, h.surplusHugePages);
  while (n-- > 0) {
    const head = removePoolPage(k, true);
    if (head === NO_PFN) break;
    freeToBuddy(k, head);
  }
}

/**
 * hugetlb_reserve_pages() for a new hugetlb VMA: the shared file's or the
 * private creator's reservations. Returns 0 or -ENOMEM.
 */
export function hugetlbReservePages(k: Kernel, vma: Vma): number {
  const inode = vma.file!.inode;
  const from = hugeIndex(vma, vma.start);
  const to = from + (vma.end - vma.start) / HPAGE_SIZE;
  if (vma.flags & VM_NORESERVE) {
    vmaState.set(vma, { owner: false, consumed: new Set() });
    return 0;
  }
  if (vma.flags & VM_MAYSHARE) {
    const map = inodeResv.get(inode) ?? new Set<number>();
    const add: number[] = [];
    for (let i = from; i < to; i++) if (!map.has(i)) add.push(i);
    if (acctMemory(k, add.length) < 0) return -ENOMEM;
    for (const i of add) map.add(i);
    inodeResv.set(inode, map);
    vmaState.set(vma, { owner: false, consumed: new Set() });
    return 0;
  }
  if (acctMemory(k, to - from) < 0) return -ENOMEM;
  vmaState.set(vma, { owner: true, consumed: new Set() });
  return 0;
}

function stateOf(vma: Vma): HugetlbVmaState {
  let s = vmaState.get(vma);
  if (!s) {
    s = { owner: false, consumed: new Set() };
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
  vmaState.set(child, { owner: false, consumed: new Set() });
}

/** hugetlb_vm_op_close(): the creator gives back the reservations it never used. */
export function hugetlbVmaClose(k: Kernel, vma: Vma): void {
  const s = stateOf(vma);
  if (!s.owner || vma.flags & VM_MAYSHARE) return;
  const from = hugeIndex(vma, vma.start);
  const to = from + (vma.end - vma.start) / HPAGE_SIZE;
  let used = 0;
  for (let i = from; i < to; i++) if (s.consumed.has(i)) used++;
  const reserve = to - from - used;
  if (reserve) acctMemory(k, -reserve);
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
function allocHugetlbFolio(k: Kernel, vma: Vma, addr: number, avoidReserve: boolean): number {
  const h = k.hstate;
  const idx = hugeIndex(vma, addr);
  const reserved = !avoidReserve && hasReservation(vma, idx);
  let head = NO_PFN;
  if (reserved || h.freeHugePages - h.resvHugePages > 0) {
    const got = h.free.pop();
    if (got !== undefined) {
      h.freeHugePages--;
      head = got;
    }
  }
  if (head === NO_PFN) head = allocSurplus(k);
  if (head === NO_PFN) return NO_PFN;
  // The fault that takes the page always maps it, so the reservation is
  // used for good (HPageRestoreReserve is cleared once mapped).
  if (reserved) h.resvHugePages--;
  // vma_commit_reservation(): the page is now used.
  if (!(vma.flags & VM_MAYSHARE)) stateOf(vma).consumed.add(idx);
  k.pages.refcount[head] = 1;
  k.mem.clear(head);
  for (let i = 1; i < HPAGE_NR; i++) k.mem.clear(head + i);
  k.vmstat.add(VM.nr_hugetlb, HPAGE_NR);
  return head;
}

/** free_huge_folio(): the last reference is gone; the page returns to the pool (or to the buddy allocator if surplus). */
export function freeHugeFolio(k: Kernel, head: number): void {
  const h = k.hstate;
  const p = k.pages;
  p.refcount[head] = 0;
  p.entireMapcount[head] = 0;
  for (let i = 0; i < HPAGE_NR; i++) {
    p.flags[head + i] = (i ? PG_tail : PG_head) | PG_hugetlb;
    p.mapping[head + i] = 0;
  }
  k.vmstat.add(VM.nr_hugetlb, -HPAGE_NR);
  if (h.restoreReserve.delete(head)) h.resvHugePages++;
  if (h.surplusHugePages > 0) {
    h.nrHugePages--;
    h.surplusHugePages--;
    freeToBuddy(k, head);
  } else enqueue(k, head);
}

function putHugeFolio(k: Kernel, head: number, n = 1): void {
  const p = k.pages;
  p.refcount[head]! -= n;
  if (p.refcount[head]! <= 0) freeHugeFolio(k, head);
}

/** The PMD entry flags a hugetlb page is mapped with (make_huge_pte). */
function hugePteFlags(vma: Vma, writable: boolean): number {
  let f = vma.pageProt | PTE_PSE | PTE_ACCESSED;
  if (writable && vma.flags & VM_WRITE) f |= PTE_RW | PTE_DIRTY;
  else f &= ~PTE_RW;
  return f;
}

function setPmd(k: Kernel, pmdE: number, flags: number, head: number): void {
  k.pt.set(Math.floor(pmdE / ENTRIES), pmdE % ENTRIES, flags, head);
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
function addToPageCache(k: Kernel, inode: Inode, head: number, idx: number): void {
  const p = k.pages;
  for (let i = 0; i < HPAGE_NR; i++) {
    inode.store(idx * HPAGE_NR + i, head + i);
    p.mapping[head + i] = inode.id;
    p.index[head + i] = idx * HPAGE_NR + i;
  }
  p.flags[head] |= PG_uptodate;
  p.refcount[head]! += HPAGE_NR;
  inode.nrPages += HPAGE_NR;
  // The page's reservation in the file's map is now used.
}

/**
 * hugetlb_fault(): the whole fault path of a hugetlb VMA. Missing pages come
 * from the pool (hugetlb_no_page), private writes to shared pages copy
 * (hugetlb_wp). Returns a VM_FAULT_* code.
 */
export function hugetlbFault(k: Kernel, vma: Vma, address: number, flags: number): number {
  const mm = vma.mm;
  const haddr = roundDown(address, HPAGE_SIZE);
  const pmdE = pmdAlloc(k, mm, haddr);
  if (pmdE < 0) return VM_FAULT_OOM;
  const pt = k.pt;
  const p = k.pages;
  const write = (flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) !== 0;
  const f = pt.flags[pmdE]!;
  if (!(f & PTE_PRESENT)) {
    // hugetlb_no_page()
    const idx = hugeIndex(vma, haddr);
    const inode = vma.file!.inode;
    const shared = (vma.flags & VM_MAYSHARE) !== 0;
    let head = shared ? inode.lookup(idx * HPAGE_NR) : NO_PFN;
    let anon = false;
    if (head === NO_PFN) {
      head = allocHugetlbFolio(k, vma, haddr, false);
      if (head === NO_PFN) return VM_FAULT_SIGBUS;
      if (shared) {
        addToPageCache(k, inode, head, idx);
        // The cache's references replace the allocation's.
        p.refcount[head]!--;
      } else {
        const av = anonVmaPrepare(k, vma);
        p.flags[head] |= PG_anon | PG_anon_exclusive | PG_uptodate;
        p.mapping[head] = av.id;
        p.index[head] = idx * HPAGE_NR;
        anon = true;
      }
    }
    if (!anon) p.refcount[head]!++;
    p.entireMapcount[head]!++;
    countAdd(mm, HPAGE_NR);
    // A private mapping maps read-only first; a write fault then reuses the
    // exclusive page at once (hugetlb_wp without a second fault).
    setPmd(k, pmdE, hugePteFlags(vma, (vma.flags & VM_SHARED) !== 0 || (write && anon)), head);
    if (write && !anon && !(vma.flags & VM_SHARED)) return hugetlbWp(k, vma, pmdE, haddr);
    return 0;
  }
  if (write && !(f & PTE_RW)) return hugetlbWp(k, vma, pmdE, haddr);
  pt.flags[pmdE] = f | PTE_ACCESSED | (write ? PTE_DIRTY : 0);
  return 0;
}

/** hugetlb_wp(): a write to a read-only huge PMD. */
function hugetlbWp(k: Kernel, vma: Vma, pmdE: number, haddr: number): number {
  const pt = k.pt;
  const p = k.pages;
  const f = pt.flags[pmdE]!;
  const old = pt.val[pmdE]!;
  if (vma.flags & VM_MAYSHARE) {
    pt.flags[pmdE] = f | PTE_RW | PTE_DIRTY | PTE_ACCESSED;
    return 0;
  }
  // An anonymous page only this mapping has: reuse it.
  if (p.flags[old]! & PG_anon && p.flags[old]! & PG_anon_exclusive && p.entireMapcount[old] === 1) {
    pt.flags[pmdE] = f | PTE_RW | PTE_DIRTY | PTE_ACCESSED;
    return 0;
  }
  const s = stateOf(vma);
  const head = allocHugetlbFolio(k, vma, haddr, s.owner && p.flags[old]! & PG_anon ? true : false);
  if (head === NO_PFN) return VM_FAULT_SIGBUS;
  for (let i = 0; i < HPAGE_NR; i++) {
    k.mem.first[head + i] = k.mem.first[old + i]!;
    k.mem.fill[head + i] = k.mem.fill[old + i]!;
  }
  const av = anonVmaPrepare(k, vma);
  p.flags[head] |= PG_anon | PG_anon_exclusive | PG_uptodate;
  p.mapping[head] = av.id;
  p.index[head] = hugeIndex(vma, haddr) * HPAGE_NR;
  p.entireMapcount[head] = 1;
  p.entireMapcount[old]!--;
  setPmd(k, pmdE, hugePteFlags(vma, true), head);
  k.tlb.flushRange(vma.mm, haddr, haddr + HPAGE_SIZE, false);
  putHugeFolio(k, old);
  return 0;
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
  for (let a = start; a < end; a += HPAGE_SIZE) {
    const pmdE = pmdLookup(k, mm, a);
    if (pmdE < 0 || !(pt.flags[pmdE]! & PTE_PRESENT)) continue;
    const head = pt.val[pmdE]!;
    pt.clearEntry(pmdE);
    p.entireMapcount[head]!--;
    countAdd(mm, -HPAGE_NR);
    if (s.owner && !(vma.flags & VM_MAYSHARE) && p.flags[head]! & PG_anon && k.hstate.surplusHugePages === 0) {
      k.hstate.restoreReserve.add(head);
      s.consumed.delete(hugeIndex(vma, a));
    }
    putHugeFolio(k, head);
  }
  k.tlb.flushRange(mm, start, end, false);
}

/** copy_hugetlb_page_range(): fork copies a private mapping's huge PMDs, write-protected in both. */
export function copyHugetlbPageRange(k: Kernel, dst: Vma, src: Vma): boolean {
  const pt = k.pt;
  const p = k.pages;
  hugetlbVmaFork(dst);
  const cow = (src.flags & (VM_SHARED | VM_MAYSHARE)) === 0;
  for (let a = src.start; a < src.end; a += HPAGE_SIZE) {
    const srcE = pmdLookup(k, src.mm, a);
    if (srcE < 0 || !(pt.flags[srcE]! & PTE_PRESENT)) continue;
    const dstE = pmdAlloc(k, dst.mm, a);
    if (dstE < 0) return false;
    let f = pt.flags[srcE]!;
    const head = pt.val[srcE]!;
    p.refcount[head]!++;
    p.entireMapcount[head]!++;
    if (p.flags[head]! & PG_anon) p.flags[head] &= ~PG_anon_exclusive;
    if (cow) {
      f &= ~PTE_RW;
      pt.flags[srcE] = f;
    }
    setPmd(k, dstE, f, head);
    countAdd(dst.mm, HPAGE_NR);
  }
  return true;
}

/** hugetlb_change_protection(): mprotect rewrites the huge PMDs of [start, end). */
export function hugetlbChangeProtection(k: Kernel, vma: Vma, start: number, end: number): void {
  const pt = k.pt;
  const p = k.pages;
  for (let a = start; a < end; a += HPAGE_SIZE) {
    const pmdE = pmdLookup(k, vma.mm, a);
    if (pmdE < 0 || !(pt.flags[pmdE]! & PTE_PRESENT)) continue;
    const f = pt.flags[pmdE]!;
    const head = pt.val[pmdE]!;
    // Write stays only where the page may be written without a fault:
    // shared mappings, and anonymous pages this mapping alone has.
    const keepWrite = f & PTE_RW && vma.flags & VM_WRITE && (vma.flags & VM_SHARED || p.flags[head]! & PG_anon_exclusive);
    pt.flags[pmdE] = (vma.pageProt | PTE_PSE | (f & (PTE_ACCESSED | PTE_DIRTY)) | (keepWrite ? PTE_RW : 0)) & ~(keepWrite ? 0 : PTE_RW);
  }
  k.tlb.flushRange(vma.mm, start, end, false);
}

/** Frees a hugetlbfs file's pages and reservations when its last user goes (remove_inode_hugepages). */
export function hugetlbEvictInode(k: Kernel, inode: Inode): void {
  const p = k.pages;
  for (let i = 0; i < inode.cache.length; i += HPAGE_NR) {
    const head = inode.cache[i]!;
    if (head < 0) continue;
    for (let j = 0; j < HPAGE_NR; j++) inode.cache[i + j] = -1;
    inode.nrPages -= HPAGE_NR;
    p.flags[head] &= ~PG_uptodate;
    putHugeFolio(k, head, HPAGE_NR);
    inodeResv.get(inode)?.delete(i / HPAGE_NR);
  }
  // hugetlb_unreserve_pages(): reservations never used by a page.
  const left = inodeResv.get(inode)?.size ?? 0;
  if (left) acctMemory(k, -left);
  inodeResv.delete(inode);
}

/** hugetlb_split(): a hugetlb VMA splits only at huge page boundaries. */
export function hugetlbSplitOk(vma: Vma, addr: number): boolean {
  return !isVmHugetlb(vma) || addr % HPAGE_SIZE === 0;
}

/** Argument checks of mmap(MAP_HUGETLB): the length rounds up to huge pages; a fixed address must be aligned. */
export function hugetlbMmapLen(len: number): number {
  return Math.ceil(len / HPAGE_SIZE) * HPAGE_SIZE;
}

/** smaps_hugetlb_range(): bytes of the VMA's huge pages, shared (mapped twice or more) or private. */
export function smapsHugetlb(k: Kernel, vma: Vma): { shared: number; private: number } {
  const pt = k.pt;
  const p = k.pages;
  let shared = 0;
  let priv = 0;
  for (let a = vma.start; a < vma.end; a += HPAGE_SIZE) {
    const pmdE = pmdLookup(k, vma.mm, a);
    if (pmdE < 0 || !(pt.flags[pmdE]! & PTE_PRESENT)) continue;
    if (p.entireMapcount[pt.val[pmdE]!]! >= 2) shared += HPAGE_SIZE;
    else priv += HPAGE_SIZE;
  }
  return { shared, private: priv };
}

/**
 * hugetlbfs_punch_hole(): the huge pages wholly inside file pages [first,
 * end) are unmapped from every mapping of the file and dropped from it, and
 * reservations for them that no page used are given back.
 */
export function hugetlbPunchHole(k: Kernel, inode: Inode, first: number, end: number): void {
  const from = Math.ceil(first / HPAGE_NR);
  const to = Math.floor(end / HPAGE_NR);
  if (from >= to) return;
  // hugetlb_vmdelete_list(): unmap the hole from every VMA of the file.
  for (const vma of inode.mmaps) {
    const s = Math.max(vma.start, vma.start + (from * HPAGE_NR - vma.pgoff) * 4096);
    const e = Math.min(vma.end, vma.start + (to * HPAGE_NR - vma.pgoff) * 4096);
    if (s < e) unmapHugepageRange(k, vma, s, e);
  }
  const p = k.pages;
  const resv = inodeResv.get(inode);
  let freedResv = 0;
  for (let idx = from; idx < to; idx++) {
    const head = inode.lookup(idx * HPAGE_NR);
    if (head !== NO_PFN) {
      for (let j = 0; j < HPAGE_NR; j++) inode.cache[idx * HPAGE_NR + j] = -1;
      inode.nrPages -= HPAGE_NR;
      p.flags[head] &= ~PG_uptodate;
      if (resv?.delete(idx)) {
        /* the page used this reservation already */
      }
      putHugeFolio(k, head, HPAGE_NR);
    } else if (resv?.delete(idx)) freedResv++;
  }
  if (freedResv) acctMemory(k, -freedResv);
}
