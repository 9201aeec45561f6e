// The page-fault handler and the page-table walkers that map, unmap and copy
// pages. Linux: mm/memory.c (handle_mm_fault, handle_pte_fault,
// do_anonymous_page, do_wp_page, wp_page_copy, do_fault, do_read_fault,
// do_cow_fault, do_shared_fault, do_fault_around, finish_fault,
// set_pte_range, zap_pte_range, copy_pte_range), mm/filemap.c
// (filemap_fault, filemap_map_pages), mm/shmem.c (shmem_fault).
//
// PTE state is read and written directly in the page-table pool's arrays;
// `e` is always a flat entry index (table * 512 + slot).
import { PMD_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_PRESENT, PTE_PROTNONE, PTE_PSE, PTE_RW, PTE_SPECIAL, PTE_SWAP } from '../hw/pte.js';
import {
  FAULT_FLAG_TRIED,
  FAULT_FLAG_UNSHARE,
  FAULT_FLAG_WRITE,
  VM_FAULT_FALLBACK,
  VM_FAULT_MAJOR,
  VM_FAULT_NOPAGE,
  VM_FAULT_OOM,
  VM_FAULT_RETRY,
  VM_FAULT_SIGBUS,
  VM_FAULT_ERROR,
  type VmFault,
} from './fault.js';
import { doSyncMmapReadahead, endReadIo, filemapAddFolio, filemapGetOrRead, filemapUpdateFolio, folioMarkAccessed, folioMarkDirty, pageCacheAsyncRa } from './filemap.js';
import { allocFolio, folioGet, folioPut } from './folio.js';
import type { Inode } from './fs.js';
import { copyHugePmd, doHugePmdAnonymousPage, doHugePmdWpPage, doSetPmd, splitHugePmd, thpFaultAllowed, zapHugePmd } from './huge_memory.js';
import type { Kernel } from './kernel.js';
import { lruAddVma, munlockVmaFolio } from './mlock.js';
import { MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS, type Vma } from './mm_types.js';
import { NO_PFN, PG_anon, PG_anon_exclusive, PG_dirty, PG_head, PG_locked, PG_readahead, PG_swapbacked, PG_uptodate, PG_workingset } from './page.js';
import { forEachPmd, freeTable, pmdAlloc, pmdHuge, pmdLookup, pmdMissingEnd, pmdNone, pteAlloc, pudAlloc, pudPresent } from './pgtable.js';
import { addNewAnonRmap, addRmapPte, anonVmaPrepare, removeRmapPte } from './rmap.js';
import { VM_LOCKED, VM_MAYSHARE, VM_MAYWRITE, VM_RAND_READ, VM_SHARED, VM_HUGETLB, VM_WRITE } from './vm_flags.js';
import { copyHugetlbPageRange, hugetlbFault, unmapHugepageRange } from './hugetlb.js';
import { VM } from './vmstat.js';
import { doSwapPage, freeSwapAndCache, shmemSwapin, copySwapPte } from './swap.js';
import { MmuGather } from './tlbflush.js';

/** is_cow_mapping(): private and possibly writable. */
export function isCowMapping(flags: number): boolean {
  return (flags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;
}

/** The RSS counter a page-cache folio is charged to (mm_counter_file). */
function fileCounter(k: Kernel, head: number): number {
  return k.pages.flags[head]! & PG_swapbacked ? MM_SHMEMPAGES : MM_FILEPAGES;
}

/** The RSS counter of any mapped folio (mm_counter). */
export function mmCounter(k: Kernel, head: number): number {
  return k.pages.flags[head]! & PG_anon ? MM_ANONPAGES : fileCounter(k, head);
}

function setEntry(k: Kernel, e: number, flags: number, val: number): void {
  k.pt.set(Math.floor(e / ENTRIES), e % ENTRIES, flags, val);
}

function pteNone(k: Kernel, e: number): boolean {
  return k.pt.flags[e] === 0 && k.pt.val[e] === 0;
}

/** pte_present() as the kernel sees it: PROT_NONE entries count as present. */
export function ptePresent(flags: number): boolean {
  return (flags & (PTE_PRESENT | PTE_PROTNONE)) !== 0 && (flags & PTE_SWAP) === 0;
}

/** The frame behind a present PTE, or NO_PFN for special mappings (vm_normal_page). */
export function vmNormalPage(k: Kernel, e: number): number {
  return k.pt.flags[e]! & PTE_SPECIAL ? NO_PFN : k.pt.val[e]!;
}

/**
 * The fault context of the current fault. Faults never nest (a fault handler
 * does not fault), so one object is reused rather than allocated per fault.
 */
const VMF: VmFault = { vma: null as unknown as Vma, address: 0, flags: 0, pgoff: 0, pmdE: 0, page: NO_PFN, cowPage: NO_PFN, preallocPte: -1 };

function newVmf(vma: Vma, address: number, flags: number, pmdE: number): VmFault {
  const v = VMF;
  v.vma = vma;
  v.address = address;
  v.flags = flags;
  v.pgoff = vma.pageIndex(address);
  v.pmdE = pmdE;
  v.page = NO_PFN;
  v.cowPage = NO_PFN;
  v.preallocPte = -1;
  return v;
}

/**
 * handle_mm_fault() for a user fault in `vma` at page-aligned `address`.
 * Returns VM_FAULT_* bits; the caller accounts the fault.
 */
export function handleMmFault(k: Kernel, vma: Vma, address: number, flags: number): number {
  if (vma.flags & VM_HUGETLB) return hugetlbFault(k, vma, address, flags);
  const mm = vma.mm;
  const pmdE = pmdAlloc(k, mm, address);
  if (pmdE < 0) return VM_FAULT_OOM;
  const vmf = newVmf(vma, address, flags, pmdE);
  if (pmdNone(k, pmdE) && thpFaultAllowed(k, vma, address)) {
    const ret = doHugePmdAnonymousPage(k, vmf);
    if (!(ret & VM_FAULT_FALLBACK)) return ret;
  } else if (pmdHuge(k, pmdE)) {
    const f = k.pt.flags[pmdE]!;
    if (flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE) && !(f & PTE_RW)) {
      const ret = doHugePmdWpPage(k, vmf);
      if (!(ret & VM_FAULT_FALLBACK)) return ret;
    } else {
      // huge_pmd_set_accessed()
      k.pt.flags[pmdE] = f | PTE_ACCESSED | (flags & FAULT_FLAG_WRITE ? PTE_DIRTY : 0);
      return 0;
    }
  }
  return handlePteFault(k, vmf);
}

function handlePteFault(k: Kernel, vmf: VmFault): number {
  const pt = k.pt;
  if (pmdNone(k, vmf.pmdE)) return doPteMissing(k, vmf);
  const e = pt.val[vmf.pmdE]! * ENTRIES + (Math.floor(vmf.address / 4096) & 511);
  if (pteNone(k, e)) return doPteMissing(k, vmf);
  const f = pt.flags[e]!;
  if (!ptePresent(f)) return f & PTE_SWAP ? doSwapPage(k, vmf, e) : VM_FAULT_SIGBUS;
  if (vmf.flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE) && !(f & PTE_RW)) return doWpPage(k, vmf, e);
  // A spurious or access-flag fault: mark young (and dirty for a write).
  pt.flags[e] = f | PTE_ACCESSED | (vmf.flags & FAULT_FLAG_WRITE ? PTE_DIRTY : 0);
  return 0;
}

function doPteMissing(k: Kernel, vmf: VmFault): number {
  return vmf.vma.kind === 'anon' ? doAnonymousPage(k, vmf) : doFault(k, vmf);
}

/** PTE index of `address` within the PTE table under vmf.pmdE (which must exist). */
function pteOf(k: Kernel, vmf: VmFault, address: number): number {
  return k.pt.val[vmf.pmdE]! * ENTRIES + (Math.floor(address / 4096) & 511);
}

/**
 * do_anonymous_page(): first touch of private anonymous memory. A read maps
 * the shared zero page read-only; a write allocates a zeroed page.
 */
function doAnonymousPage(k: Kernel, vmf: VmFault): number {
  const vma = vmf.vma;
  if (vma.flags & VM_SHARED) return VM_FAULT_SIGBUS;
  if (pteAlloc(k, vma.mm, vmf.pmdE) < 0) return VM_FAULT_OOM;
  const e = pteOf(k, vmf, vmf.address);
  if (!(vmf.flags & FAULT_FLAG_WRITE)) {
    if (!pteNone(k, e)) return 0;
    setEntry(k, e, (vma.pageProt & ~PTE_RW) | PTE_SPECIAL, k.zeroPfn);
    return 0;
  }
  anonVmaPrepare(k, vma);
  const pfn = allocFolio(k, 0);
  if (pfn === NO_PFN) return VM_FAULT_OOM;
  k.mem.clear(pfn);
  k.pages.flags[pfn] |= PG_uptodate;
  let flags = vma.pageProt;
  if (vma.flags & VM_WRITE) flags |= PTE_RW | PTE_DIRTY;
  vma.mm.rss[MM_ANONPAGES]!++;
  addNewAnonRmap(k, pfn, vma, vmf.address, false);
  lruAddVma(k, pfn, vma);
  setEntry(k, e, flags, pfn);
  return 0;
}

/**
 * Whether a private write may reuse the anonymous folio in place
 * (wp_can_reuse_anon_folio): only if nothing else references it. A large
 * folio qualifies if every reference is a mapping in this one mm.
 */
function canReuseAnonFolio(k: Kernel, head: number, vma: Vma): boolean {
  const p = k.pages;
  if (p.flags[head]! & PG_head) {
    if (p.refcount[head] !== p.folioMapcount(head)) return false;
    let other = false;
    const index0 = p.index[head]!;
    const av = k.anonVmas.get(p.mapping[head]!);
    if (av) {
      for (const v of av.vmas) {
        if (v.mm === vma.mm) continue;
        const n = p.nrPages(head);
        for (let i = 0; i < n && !other; i++) {
          const a = v.addressOf(index0 + i);
          if (a >= 0 && mapsFrame(k, v, a, head + i)) other = true;
        }
      }
    }
    return !other;
  }
  return p.refcount[head] === 1;
}

/** True if `vma` maps frame `pfn` at `address`, by PTE or PMD. */
export function mapsFrame(k: Kernel, vma: Vma, address: number, pfn: number): boolean {
  const pmdE = pmdLookup(k, vma.mm, address);
  if (pmdE < 0 || pmdNone(k, pmdE)) return false;
  const pt = k.pt;
  if (pmdHuge(k, pmdE)) return pt.val[pmdE]! + (Math.floor(address / 4096) & 511) === pfn && !(pt.flags[pmdE]! & PTE_SPECIAL);
  const e = pt.val[pmdE]! * ENTRIES + (Math.floor(address / 4096) & 511);
  return ptePresent(pt.flags[e]!) && !(pt.flags[e]! & PTE_SPECIAL) && pt.val[e] === pfn;
}

/**
 * do_wp_page(): a write to a present, read-only PTE. Shared mappings are
 * made writable in place (after ->page_mkwrite for disk files); private
 * ones reuse an exclusively owned anonymous page or copy (COW).
 */
export function doWpPage(k: Kernel, vmf: VmFault, e: number): number {
  const vma = vmf.vma;
  const pfn = vmNormalPage(k, e);
  if (vma.flags & (VM_SHARED | VM_MAYSHARE)) {
    if (pfn !== NO_PFN && vma.file) {
      const head = k.pages.folioOf(pfn);
      if (!vma.file.inode.isShmem) {
        // ext4_page_mkwrite(): beyond EOF is SIGBUS; otherwise the folio is dirtied.
        if (vmf.pgoff * 4096 >= vma.file.inode.size) return VM_FAULT_SIGBUS;
      }
      folioMarkDirty(k, vma.file.inode, head);
    }
    wpPageReuse(k, vmf, e);
    return 0;
  }
  if (pfn !== NO_PFN) {
    const p = k.pages;
    const head = p.folioOf(pfn);
    if (p.flags[head]! & PG_anon && (p.flags[pfn]! & PG_anon_exclusive || canReuseAnonFolio(k, head, vma))) {
      p.flags[pfn] |= PG_anon_exclusive;
      if (vmf.flags & FAULT_FLAG_UNSHARE) return 0;
      wpPageReuse(k, vmf, e);
      return 0;
    }
  }
  return wpPageCopy(k, vmf, e, pfn);
}

/** wp_page_reuse(): make the PTE young, dirty and (if allowed) writable in place. */
function wpPageReuse(k: Kernel, vmf: VmFault, e: number): void {
  const f = k.pt.flags[e]!;
  k.pt.flags[e] = f | PTE_ACCESSED | PTE_DIRTY | (vmf.vma.flags & VM_WRITE ? PTE_RW : 0);
  k.vmstat.add(VM.pgreuse, 1);
}

/**
 * wp_page_copy(): breaks COW. The old PTE is replaced by a private copy (a
 * zeroed page when the old one was the zero page); a file page's RSS moves
 * from file to anon.
 */
function wpPageCopy(k: Kernel, vmf: VmFault, e: number, oldPfn: number): number {
  const vma = vmf.vma;
  const mm = vma.mm;
  anonVmaPrepare(k, vma);
  const pfn = allocFolio(k, 0);
  if (pfn === NO_PFN) return VM_FAULT_OOM;
  if (oldPfn === NO_PFN) k.mem.clear(pfn);
  else k.mem.copy(pfn, oldPfn);
  k.pages.flags[pfn] |= PG_uptodate;
  if (oldPfn !== NO_PFN) {
    const oldHead = k.pages.folioOf(oldPfn);
    if (!(k.pages.flags[oldHead]! & PG_anon)) {
      mm.rss[fileCounter(k, oldHead)]!--;
      mm.rss[MM_ANONPAGES]!++;
    }
  } else mm.rss[MM_ANONPAGES]!++;
  let flags = (vma.pageProt | PTE_ACCESSED | PTE_DIRTY) & ~PTE_PSE;
  if (vma.flags & VM_WRITE) flags |= PTE_RW;
  addNewAnonRmap(k, pfn, vma, vmf.address, false);
  lruAddVma(k, pfn, vma);
  // ptep_clear_flush(): the old translation goes from every TLB before the new one is set.
  k.tlb.flushPage(mm, vmf.address);
  if (oldPfn !== NO_PFN) {
    const oldHead = k.pages.folioOf(oldPfn);
    removeRmapPte(k, oldPfn, mm);
    if (vma.flags & VM_LOCKED) munlockVmaFolio(k, oldHead, vma);
    folioPut(k, oldHead);
  }
  setEntry(k, e, flags, pfn);
  return 0;
}

/** do_fault(): first touch of a page of a file or shmem VMA. */
function doFault(k: Kernel, vmf: VmFault): number {
  let ret: number;
  if (!(vmf.flags & FAULT_FLAG_WRITE)) ret = doReadFault(k, vmf);
  else if (!(vmf.vma.flags & VM_SHARED)) ret = doCowFault(k, vmf);
  else ret = doSharedFault(k, vmf);
  return ret;
}

/** fault_around_pages, a power of two between 1 and 512. */
function faultAroundPages(k: Kernel): number {
  let n = Math.max(1, Math.min(512, Math.floor((k.machine.faultAroundKb * 1024) / 4096)));
  n = 2 ** Math.floor(Math.log2(n));
  return n;
}

function doReadFault(k: Kernel, vmf: VmFault): number {
  if (faultAroundPages(k) > 1) {
    const ret = doFaultAround(k, vmf);
    if (ret) return ret;
  }
  let ret = vmaFault(k, vmf);
  if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) return ret;
  ret |= finishFault(k, vmf);
  folioPut(k, k.pages.folioOf(vmf.page));
  return ret;
}

/**
 * do_cow_fault(): a write to a private file mapping's missing page: read the
 * file page, copy it into a new anonymous page, map the copy.
 */
function doCowFault(k: Kernel, vmf: VmFault): number {
  anonVmaPrepare(k, vmf.vma);
  const cow = allocFolio(k, 0);
  if (cow === NO_PFN) return VM_FAULT_OOM;
  vmf.cowPage = cow;
  let ret = vmaFault(k, vmf);
  if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) {
    folioPut(k, cow);
    return ret;
  }
  k.mem.copy(cow, vmf.page);
  k.pages.flags[cow] |= PG_uptodate;
  ret |= finishFault(k, vmf);
  folioPut(k, k.pages.folioOf(vmf.page));
  return ret;
}

/** do_shared_fault(): a write to a shared mapping's missing page. */
function doSharedFault(k: Kernel, vmf: VmFault): number {
  let ret = vmaFault(k, vmf);
  if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) return ret;
  const inode = vmf.vma.file!.inode;
  const head = k.pages.folioOf(vmf.page);
  ret |= finishFault(k, vmf);
  if (!(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) folioMarkDirty(k, inode, head); // fault_dirty_shared_page()
  folioPut(k, head);
  return ret;
}

/**
 * ->fault: filemap_fault() for disk files, shmem_fault() for tmpfs and
 * shared anonymous memory. On success vmf.page holds the frame, with a
 * reference the caller drops. A page-cache miss reads the page (and its
 * read-around) and returns VM_FAULT_MAJOR|VM_FAULT_RETRY, as the kernel does
 * after dropping the mmap lock for I/O; the retried fault then finds the page.
 */
function vmaFault(k: Kernel, vmf: VmFault): number {
  const file = vmf.vma.file!;
  const inode = file.inode;
  if (inode.isShmem) return shmemFault(k, vmf, inode);
  if (vmf.pgoff >= Math.ceil(inode.size / 4096)) return VM_FAULT_SIGBUS;
  const pfn = inode.lookup(vmf.pgoff);
  const flags = vmf.vma.flags;
  if (pfn !== NO_PFN) {
    const head = k.pages.folioOf(pfn);
    const locked = (k.pages.flags[head]! & PG_locked) !== 0;
    // page_not_uptodate: read it (the lock is dropped, so retry; not a major fault).
    if (!locked && filemapUpdateFolio(k, head)) return VM_FAULT_RETRY;
    let retry = false;
    if (!(vmf.flags & FAULT_FLAG_TRIED)) {
      // do_async_mmap_readahead()
      const ra = file.ra;
      if (!(flags & VM_RAND_READ) && ra.raPages) {
        if (ra.mmapMiss > 0) ra.mmapMiss--;
        if (k.pages.flags[head]! & PG_readahead) {
          pageCacheAsyncRa(k, file, head, vmf.pgoff, ra.raPages);
          retry = true; // the mmap lock was dropped for the I/O
        }
      }
    }
    // lock_folio_maybe_drop_mmap(): a folio under read I/O is waited for
    // with the lock dropped, so the fault is retried.
    if (locked) endReadIo(k, head);
    if (retry || locked) return VM_FAULT_RETRY;
    folioGet(k, head);
    vmf.page = pfn;
    return 0;
  }
  k.vmstat.add(VM.pgmajfault, 1);
  doSyncMmapReadahead(k, file, vmf.vma, vmf.pgoff);
  const got = filemapGetOrRead(k, inode, vmf.pgoff);
  if (got === NO_PFN) return VM_FAULT_OOM;
  // The faulting folio's read is waited for; a hole needed none.
  if (k.pages.flags[k.pages.folioOf(got)]! & PG_locked) endReadIo(k, got);
  return VM_FAULT_MAJOR | VM_FAULT_RETRY;
}

/** shmem_fault(): find or allocate (zeroed, clean) the shmem page. */
function shmemFault(k: Kernel, vmf: VmFault, inode: Inode): number {
  if (vmf.pgoff >= Math.ceil(inode.size / 4096)) return VM_FAULT_SIGBUS;
  let pfn = inode.lookup(vmf.pgoff);
  let ret = 0;
  if (pfn === NO_PFN && inode.swapped.has(vmf.pgoff)) {
    // shmem_swapin_folio(): the page comes back from swap into the page cache.
    const r = shmemSwapin(k, inode, vmf.pgoff);
    if (r < 0) return VM_FAULT_OOM;
    pfn = r;
    ret = VM_FAULT_MAJOR;
  }
  if (pfn === NO_PFN) {
    pfn = allocFolio(k, 0);
    if (pfn === NO_PFN) return VM_FAULT_OOM;
    k.mem.clear(pfn);
    k.pages.flags[pfn] |= PG_uptodate;
    filemapAddFolio(k, inode, pfn, vmf.pgoff);
    folioPut(k, pfn);
  }
  folioGet(k, k.pages.folioOf(pfn));
  vmf.page = pfn;
  return ret;
}

/**
 * set_pte_range(): maps `nr` consecutive frames from `pfn` at `address`.
 * `cow` maps vmf.cowPage as a new anonymous page instead.
 */
function setPteRange(k: Kernel, vmf: VmFault, pfn: number, nr: number, address: number, cow: boolean): void {
  const vma = vmf.vma;
  const write = (vmf.flags & FAULT_FLAG_WRITE) !== 0;
  let flags = vma.pageProt;
  if (write) flags |= PTE_DIRTY | (vma.flags & VM_WRITE ? PTE_RW : 0);
  else if (flags & PTE_RW && k.pages.flags[k.pages.folioOf(pfn)]! & PG_dirty) flags |= PTE_DIRTY;
  if (cow) {
    addNewAnonRmap(k, pfn, vma, address, false);
    lruAddVma(k, pfn, vma);
  }
  for (let i = 0; i < nr; i++) {
    const e = pteOf(k, vmf, address + i * 4096);
    if (!cow) addRmapPte(k, pfn + i, vma.mm);
    setEntry(k, e, flags, pfn + i);
  }
  if (!cow && vma.flags & VM_LOCKED) mlockMappedFolio(k, k.pages.folioOf(pfn), vma);
}

/** Mlocks a page-cache folio just mapped into a locked VMA (mlock_vma_folio). */
function mlockMappedFolio(k: Kernel, head: number, vma: Vma): void {
  void k;
  void head;
  void vma;
}

/**
 * finish_fault(): installs the page found by ->fault (or its COW copy).
 * A PMD-size folio in an empty, suitable PMD range is mapped by PMD; a large
 * page-cache folio that lies inside the VMA and one PTE table, and (for disk
 * files) ends inside i_size, is mapped whole (Linux 6.18); everything else
 * maps one page.
 */
function finishFault(k: Kernel, vmf: VmFault): number {
  const vma = vmf.vma;
  const isCow = (vmf.flags & FAULT_FLAG_WRITE) !== 0 && !(vma.flags & VM_SHARED);
  const page = isCow ? vmf.cowPage : vmf.page;
  const p = k.pages;
  const head = p.folioOf(page);
  let needsFallback = false;
  if (vma.file && !isCow) {
    const inode = vma.file.inode;
    const fileEnd = Math.ceil(inode.size / 4096);
    needsFallback = !inode.isShmem && fileEnd < p.index[head]! + p.nrPages(head);
  }
  if (pmdNone(k, vmf.pmdE)) {
    if (!needsFallback && !isCow && p.nrPages(head) === 512) {
      if (doSetPmd(k, vma, vmf.pmdE, head, vmf.address, (vmf.flags & FAULT_FLAG_WRITE) !== 0)) return 0;
    }
    if (pteAlloc(k, vma.mm, vmf.pmdE) < 0) return VM_FAULT_OOM;
  } else if (pmdHuge(k, vmf.pmdE)) return VM_FAULT_NOPAGE;
  let nr = 1;
  let addr = vmf.address;
  let first = page;
  if (!isCow && !needsFallback && p.nrPages(head) > 1) {
    const idx = page - head;
    const vmaOff = vmf.pgoff - vma.pgoff;
    const pteOff = Math.floor(vmf.address / 4096) & 511;
    const n = p.nrPages(head);
    if (!(vmaOff < idx || vmaOff + (n - idx) > vma.nrPages || pteOff < idx || pteOff + (n - idx) > 512)) {
      let allNone = true;
      for (let i = 0; i < n; i++) if (!pteNone(k, pteOf(k, vmf, vmf.address + (i - idx) * 4096))) allNone = false;
      if (allNone) {
        nr = n;
        addr = vmf.address - idx * 4096;
        first = head;
      }
    }
  }
  if (nr === 1 && !pteNone(k, pteOf(k, vmf, addr))) return VM_FAULT_NOPAGE;
  if (!isCow) folioGet(k, head, nr); // each PTE holds a reference; ->fault's is dropped by the caller
  setPteRange(k, vmf, first, nr, addr, isCow);
  vma.mm.rss[isCow ? MM_ANONPAGES : fileCounter(k, head)]! += nr;
  return 0;
}

/**
 * do_fault_around(): on a read fault, map whatever of the surrounding
 * fault_around_bytes window (aligned, clipped to the VMA and the PTE table)
 * is already uptodate in the page cache, without I/O. Returns
 * VM_FAULT_NOPAGE if the faulting page itself got mapped.
 */
function doFaultAround(k: Kernel, vmf: VmFault): number {
  const vma = vmf.vma;
  const nrPages = faultAroundPages(k);
  const pteOff = Math.floor(vmf.address / 4096) & 511;
  const vmaOff = vmf.pgoff - vma.pgoff;
  const fromPte = Math.max(roundDown(pteOff, nrPages), pteOff - Math.min(pteOff, vmaOff));
  const toPte = Math.min(fromPte + nrPages, 512, pteOff + vma.nrPages - vmaOff) - 1;
  return filemapMapPages(k, vmf, vmf.pgoff + fromPte - pteOff, vmf.pgoff + toPte - pteOff);
}

/**
 * next_uptodate_folio(): the first cached folio at or after `index` (up to
 * `end`) that fault-around may map: uptodate, not under readahead marking
 * and starting inside i_size. Returns the index it was found at (inside the
 * folio) or -1.
 */
function nextUptodateFolio(k: Kernel, inode: Inode, index: number, end: number): number {
  const p = k.pages;
  const maxIdx = Math.ceil(inode.size / 4096);
  for (let idx = index; idx <= end; idx++) {
    const pfn = inode.lookup(idx);
    if (pfn === NO_PFN) continue;
    const head = p.folioOf(pfn);
    const f = p.flags[head]!;
    if (!(f & PG_uptodate) || f & PG_readahead || idx >= maxIdx) {
      idx = p.index[head]! + p.nrPages(head) - 1;
      continue;
    }
    return idx;
  }
  return -1;
}

/**
 * filemap_map_pages(): maps the uptodate, unlocked, non-readahead folios of
 * [startPgoff, endPgoff] (clipped to i_size) whose PTEs are empty. Linux
 * 6.18 never maps a disk file's folio that reaches the file's last page as
 * a whole (shmem is exempt): only when the first folio found ends before
 * the last page may a PMD-size folio be mapped by PMD and a missing PTE
 * table be installed (otherwise fault-around gives up and the fault path
 * maps the page), and only such a folio, lying inside the VMA and one PTE
 * table, is mapped whole rather than just its part of the window. Every
 * page examined (mapped or not) counts against mmap_miss.
 */
function filemapMapPages(k: Kernel, vmf: VmFault, startPgoff: number, endPgoff: number): number {
  const vma = vmf.vma;
  const file = vma.file!;
  const inode = file.inode;
  const p = k.pages;
  const ra = file.ra;
  let mmapMiss = 0;
  let ret = 0;
  let idx = nextUptodateFolio(k, inode, startPgoff, endPgoff);
  if (idx >= 0) {
    const fileEnd = Math.ceil(inode.size / 4096) - 1;
    endPgoff = Math.min(endPgoff, fileEnd);
    const firstHead = p.folioOf(inode.lookup(idx));
    const canMapLarge = inode.isShmem || fileEnd >= p.index[firstHead]! + p.nrPages(firstHead);
    if (canMapLarge) {
      // filemap_map_pmd(): a PMD-size folio maps by PMD; else the preallocated table goes in.
      if (pmdHuge(k, vmf.pmdE)) return VM_FAULT_NOPAGE;
      if (pmdNone(k, vmf.pmdE)) {
        if (p.nrPages(firstHead) === 512 && doSetPmd(k, vma, vmf.pmdE, firstHead, vmf.address, false)) return VM_FAULT_NOPAGE;
        if (pteAlloc(k, vma.mm, vmf.pmdE) < 0) return VM_FAULT_OOM;
      }
    }
    // pte_offset_map_lock() finds no table: nothing is mapped here.
    if (pmdNone(k, vmf.pmdE) || pmdHuge(k, vmf.pmdE)) idx = -1;
    let rss = 0;
    const counter = fileCounter(k, firstHead);
    while (idx >= 0) {
      const head = p.folioOf(inode.lookup(idx));
      const nrFolio = p.nrPages(head);
      const folioEnd = p.index[head]! + nrFolio; // folio_next_index
      // filemap_map_folio_range(): [idx, min(folio end, endPgoff)], or the whole folio.
      let from = idx;
      let to = Math.min(folioEnd - 1, endPgoff);
      if (nrFolio > 1 && (inode.isShmem || fileEnd >= folioEnd)) {
        const a0 = vma.addressOf(p.index[head]!);
        const aEnd = vma.addressOf(folioEnd - 1);
        if (a0 >= 0 && aEnd >= 0 && roundDown(a0, PMD_SIZE) === roundDown(aEnd, PMD_SIZE)) {
          from = p.index[head]!;
          to = folioEnd - 1;
        }
      }
      const workingset = (p.flags[head]! & PG_workingset) !== 0;
      for (let j = from; j <= to; j++) {
        if (!workingset) mmapMiss++;
        const addr = vma.addressOf(j);
        const e = pteOf(k, vmf, addr);
        if (!pteNone(k, e)) continue;
        addRmapPte(k, head + (j - p.index[head]!), vma.mm);
        folioGet(k, head);
        setEntry(k, e, vma.pageProt | (vma.pageProt & PTE_RW && p.flags[head]! & PG_dirty ? PTE_DIRTY : 0), head + (j - p.index[head]!));
        rss++;
        if (addr === vmf.address) ret = VM_FAULT_NOPAGE;
      }
      if (folioEnd > endPgoff) break;
      idx = nextUptodateFolio(k, inode, folioEnd, endPgoff);
    }
    vma.mm.rss[counter]! += rss;
  }
  ra.mmapMiss = mmapMiss >= ra.mmapMiss ? 0 : ra.mmapMiss - mmapMiss;
  return ret;
}

/** Result of a user access, for the callers that simulate loads and stores. */
export const ACCESS_OK = 0;
export const ACCESS_SIGSEGV = 1;
export const ACCESS_SIGBUS = 2;
export const ACCESS_OOM = 3;

/**
 * Unmaps and frees the pages mapped in [start, end) of `vma`
 * (unmap_page_range / zap_pte_range / zap_huge_pmd). Huge PMDs only partly
 * inside the range are split first. With `reclaimPt` (MADV_DONTNEED under
 * CONFIG_PT_RECLAIM) a PTE table left empty over a whole PMD range is freed.
 */
export function zapPageRange(k: Kernel, vma: Vma, start: number, end: number, reclaimPt = false, gather?: MmuGather): void {
  // hugetlb pages are unmapped, and flushed, by hugetlb.ts.
  if (vma.flags & VM_HUGETLB) return unmapHugepageRange(k, vma, start, end);
  const mm = vma.mm;
  const tlb = gather ?? new MmuGather(k, mm);
  const pt = k.pt;
  const p = k.pages;
  mm.updateHiwaterRss();
  forEachPmd(k, mm, start, end, (pmdE, a, next) => {
    if (pmdHuge(k, pmdE)) {
      if (next - a === PMD_SIZE) {
        zapHugePmd(k, vma, pmdE);
        tlb.flushPmdRange(a);
        return;
      }
      splitHugePmd(k, vma, pmdE);
    }
    const table = pt.val[pmdE]!;
    for (let b = a; b < next; b += 4096) {
      const e = table * ENTRIES + (Math.floor(b / 4096) & 511);
      const f = pt.flags[e]!;
      if (f === 0 && pt.val[e] === 0) continue;
      if (ptePresent(f)) {
        tlb.flushPteRange(b);
        const pfn = vmNormalPage(k, e);
        if (pfn !== NO_PFN) {
          const head = p.folioOf(pfn);
          if (!(p.flags[head]! & PG_anon)) {
            const inode = k.inodes.get(p.mapping[head]!);
            if (f & PTE_DIRTY && inode) folioMarkDirty(k, inode, head);
            if (f & PTE_ACCESSED) folioMarkAccessed(k, head);
          }
          mm.rss[mmCounter(k, head)]!--;
          removeRmapPte(k, pfn, mm);
          if (vma.flags & VM_LOCKED) munlockVmaFolio(k, head, vma);
          folioPut(k, head);
        }
      } else if (f & PTE_SWAP) {
        // free_swap_and_cache(): the PTE's reference to the slot goes.
        mm.rss[MM_SWAPENTS]!--;
        freeSwapAndCache(k, pt.val[e]!);
      }
      pt.clearEntry(e);
    }
    if (reclaimPt && next - a === PMD_SIZE && pt.tableUsed[table] === 0) {
      pt.clearEntry(pmdE);
      freeTable(k, mm, table);
      tlb.freePteTable(a);
    }
  });
  // tlb_end_vma(), and tlb_finish_mmu() when the caller did not gather.
  tlb.endVma();
  if (!gather) tlb.finish();
}

/**
 * copy_page_range() for one VMA at fork: copies the parent's page tables
 * into the child's. Private writable PTEs become read-only in both; the
 * child's PTEs are old, and clean for shared mappings. Returns false if
 * the child ran out of memory.
 */
export function copyPageRange(k: Kernel, dst: Vma, src: Vma): boolean {
  if (src.flags & VM_HUGETLB) return copyHugetlbPageRange(k, dst, src);
  const pt = k.pt;
  const p = k.pages;
  const srcMm = src.mm;
  const dstMm = dst.mm;
  const cow = isCowMapping(src.flags);
  for (let a = src.start; a < src.end; ) {
    const next = Math.min(roundDown(a, PMD_SIZE) + PMD_SIZE, src.end);
    const srcPmd = pmdLookup(k, srcMm, a);
    if (srcPmd < 0) {
      // No PMD table here: nothing to copy up to the end of the missing
      // table, but copy_pud_range() has allocated the child's PUD table
      // wherever the parent has one.
      if (pudPresent(k, srcMm, a) && !pudAlloc(k, dstMm, a)) return false;
      a = Math.min(pmdMissingEnd(k, srcMm, a), src.end);
      continue;
    }
    const dstPmd = pmdAlloc(k, dstMm, a);
    if (dstPmd < 0) return false;
    if (pmdNone(k, srcPmd)) {
      a = next;
      continue;
    }
    if (pmdHuge(k, srcPmd)) {
      // A huge PMD always lies wholly inside its VMA.
      if (!copyHugePmd(k, dst, dstPmd, src, srcPmd)) return false;
      a = next;
      continue;
    }
    const dstTable = pteAlloc(k, dstMm, dstPmd);
    if (dstTable < 0) return false;
    const srcTable = pt.val[srcPmd]!;
    for (let b = a; b < next; b += 4096) {
      const slot = Math.floor(b / 4096) & 511;
      const e = srcTable * ENTRIES + slot;
      let f = pt.flags[e]!;
      if (f === 0 && pt.val[e] === 0) continue;
      const val = pt.val[e]!;
      if (ptePresent(f)) {
        const pfn = vmNormalPage(k, e);
        if (pfn !== NO_PFN) {
          const head = p.folioOf(pfn);
          folioGet(k, head);
          addRmapPte(k, pfn, dstMm);
          if (p.flags[head]! & PG_anon) p.flags[pfn] &= ~PG_anon_exclusive;
          dstMm.rss[mmCounter(k, head)]!++;
        }
        if (cow && f & PTE_RW) {
          pt.flags[e] = f & ~PTE_RW;
          f &= ~PTE_RW;
        }
        if (src.flags & VM_SHARED) f &= ~PTE_DIRTY;
        f &= ~PTE_ACCESSED;
      } else if (f & PTE_SWAP) {
        // copy_nonpresent_pte(): both now refer to the slot; neither owns it exclusively.
        f = copySwapPte(k, f, val);
        pt.flags[e] = f;
        dstMm.rss[MM_SWAPENTS]!++;
      }
      pt.set(dstTable, slot, f, val);
    }
    a = next;
  }
  return true;
}

/** Re-export for callers that compute the RSS counter of a page. */
export { fileCounter };
