// The page cache and readahead. Linux: mm/filemap.c (filemap_add_folio,
// filemap_fault, filemap_map_pages, filemap_read, do_sync_mmap_readahead,
// do_async_mmap_readahead), mm/readahead.c (page_cache_ra_order,
// page_cache_ra_unbounded, page_cache_sync_ra, page_cache_async_ra),
// mm/truncate.c (truncate_inode_pages_range, mapping_try_invalidate).
//
// A file's cached frames are recorded per page index (Inode.cache). A folio
// covers 2^order consecutive, aligned indices. Reading from "disk" is
// instantaneous; its cost is accounted (pgpgin, major faults), not waited for.
import { allocFolio, folioGet, folioPut } from './folio.js';
import type { Inode, OpenFile, RaState } from './fs.js';
import type { Kernel } from './kernel.js';
import { kmapLocal } from './highmem.js';
import type { Vma } from './mm_types.js';
import { VM_EXEC, VM_HUGEPAGE, VM_RAND_READ, VM_SEQ_READ } from './vm_flags.js';
import { pageCacheNextMiss, pageCachePrevMiss } from './xarray.js';
import {
  NO_PFN,
  PG_dirty,
  PG_readahead,
  PG_referenced,
  PG_active,
  PG_swapbacked,
  PG_uptodate,
  PG_workingset,
  PG_writeback,
  PG_locked,
} from './page.js';
import { VM } from './vmstat.js';
import { lruAddDrain } from './lru_cache.js';
import { lruGenIncRefs } from './lru_gen.js';
import { lruGenFilemapRefault } from './lru_gen_workingset.js';

/** Reads past this many mmap misses stop (MMAP_LOTSAMISS). */
export const MMAP_LOTSAMISS = 100;

/**
 * Inserts a folio into the page cache at `index` (filemap_add_folio): the
 * cache takes one reference per frame; the folio goes on the LRU. Fails
 * (returns false) if any index it covers is already cached.
 */
export function filemapAddFolio(k: Kernel, inode: Inode, head: number, index: number, opts: { write?: boolean } = {}): boolean {
  const p = k.pages;
  const n = p.nrPages(head);
  for (let i = 0; i < n; i++) if (inode.lookup(index + i) !== NO_PFN) return false;
  for (let i = 0; i < n; i++) {
    inode.store(index + i, head + i);
    p.mapping[head + i] = inode.id;
    p.index[head + i] = index + i;
  }
  folioGet(k, head, n);
  inode.nrPages += n;
  k.inodes.set(inode.id, inode);
  k.vmstat.add(VM.nr_file_pages, n);
  if (inode.isShmem) {
    p.flags[head] |= PG_swapbacked;
    k.vmstat.add(VM.nr_shmem, n);
    if (n === 512) k.vmstat.add(VM.nr_shmem_hugepages, n);
  } else if (n === 512) k.vmstat.add(VM.nr_file_hugepages, n);
  if (k.lruGen.enabled && !opts.write) lruGenFilemapRefault(k, inode, head, index);
  k.lru.addNew(head);
  return true;
}

/**
 * Takes a folio out of the page cache (__filemap_remove_folio) and drops the
 * cache's references. Precondition: not mapped.
 */
export function filemapRemoveFolio(k: Kernel, inode: Inode, head: number): void {
  const p = k.pages;
  const n = p.nrPages(head);
  const index = p.index[head]!;
  for (let i = 0; i < n; i++) inode.store(index + i, NO_PFN);
  inode.nrPages -= n;
  k.vmstat.add(VM.nr_file_pages, -n);
  if (p.flags[head]! & PG_swapbacked) {
    k.vmstat.add(VM.nr_shmem, -n);
    if (n === 512) k.vmstat.add(VM.nr_shmem_hugepages, -n);
  } else if (n === 512) k.vmstat.add(VM.nr_file_hugepages, -n);
  if (p.flags[head]! & PG_dirty) accountCleaned(k, inode, head);
  p.flags[head] &= ~(PG_dirty | PG_readahead);
  folioPut(k, head, n);
}

/** Copies the disk contents of the folio's pages into its frames. */
function fillFromDisk(k: Kernel, inode: Inode, head: number): void {
  const p = k.pages;
  const n = p.nrPages(head);
  const index = p.index[head]!;
  for (let i = 0; i < n; i++) {
    const idx = index + i;
    const inFile = idx * 4096 < inode.size;
    k.mem.first[head + i] = inFile ? inode.data.firstByte(idx) : 0;
    k.mem.fill[head + i] = inFile ? inode.data.fillByte(idx) : 0;
  }
}

/** Fills a folio from the disk copy of the file and marks it uptodate (->read_folio). */
function readFromDisk(k: Kernel, inode: Inode, head: number): void {
  fillFromDisk(k, inode, head);
  const n = k.pages.nrPages(head);
  k.pages.flags[head] |= PG_uptodate;
  k.vmstat.add(VM.pgpgin, n * 4);
  k.ioReadPages += n;
}

/**
 * ->readahead (ext4_mpage_readpages) for one new folio. A folio that is all
 * hole is zeroed and uptodate at once; one with a block on disk is read. In
 * a user fault (Kernel.deferReadIo) that read stays in flight: the folio is
 * locked and not uptodate until the fault waits for it or ends.
 */
function readaheadRead(k: Kernel, inode: Inode, head: number): void {
  if (!k.deferReadIo) return readFromDisk(k, inode, head);
  const n = k.pages.nrPages(head);
  const index = k.pages.index[head]!;
  let io = false;
  for (let i = 0; i < n && !io; i++) io = (index + i) * 4096 < inode.size && inode.data.allocated(index + i);
  if (!io) return readFromDisk(k, inode, head);
  fillFromDisk(k, inode, head);
  k.pages.flags[head] |= PG_locked;
  k.vmstat.add(VM.pgpgin, n * 4);
  k.ioReadPages += n;
  k.readsInFlight.push(head);
}

/**
 * Completes every read in flight (end_io: uptodate, unlocked). A task that
 * waits for one folio finds the others of the same readahead done too.
 * Returns true if the folio `head` was one of them.
 */
export function endReadIo(k: Kernel, head = NO_PFN): boolean {
  let found = false;
  for (const h of k.readsInFlight) {
    k.pages.flags[h] = (k.pages.flags[h]! & ~PG_locked) | PG_uptodate;
    if (h === head) found = true;
  }
  k.readsInFlight.length = 0;
  return found;
}

/**
 * A folio at `index` that is cached but not uptodate (one that only had
 * its block read, as ext4_block_truncate_page() leaves it) becomes uptodate
 * without I/O (block_read_full_folio() finds its buffer uptodate).
 * Returns true if it was not uptodate.
 */
export function filemapUpdateFolio(k: Kernel, head: number): boolean {
  const p = k.pages;
  if (p.flags[head]! & PG_uptodate) return false;
  p.flags[head] |= PG_uptodate;
  return true;
}

/**
 * __filemap_get_folio(FGP_CREAT) for a write into one block: the folio at
 * `index`, created (order 0, not uptodate, holding what the disk has) if
 * missing. Returns the frame, or NO_PFN when out of memory.
 */
export function filemapGetFolioCreat(k: Kernel, inode: Inode, index: number): number {
  return getOrAddFolio(k, inode, index, fillFromDisk);
}

/**
 * The folio at `index`, or a new order-0 one added to the cache there and
 * filled by `fill`; the allocation's reference is dropped, the page cache's kept.
 * NO_PFN when out of memory.
 */
function getOrAddFolio(k: Kernel, inode: Inode, index: number, fill: (k: Kernel, inode: Inode, head: number) => void): number {
  const pfn = inode.lookup(index);
  if (pfn !== NO_PFN) return pfn;
  const head = allocFolio(k, 0);
  if (head === NO_PFN) return NO_PFN;
  filemapAddFolio(k, inode, head, index);
  fill(k, inode, head);
  folioPut(k, head);
  return head;
}

/** Creates, caches and reads one folio; false if something is already cached there. */
function readaheadFolio(k: Kernel, inode: Inode, index: number, order: number, markIndex: number): boolean | 'nomem' {
  const head = allocFolio(k, order);
  if (head === NO_PFN) return 'nomem';
  if (!filemapAddFolio(k, inode, head, index)) {
    folioPut(k, head);
    return false;
  }
  // Round the mark down to the folio: the folio holding it carries PG_readahead.
  const mark = Math.floor(markIndex / (1 << order)) * (1 << order);
  if (index === mark) k.pages.flags[head] |= PG_readahead;
  readaheadRead(k, inode, head);
  folioPut(k, head); // drop the allocation reference; the cache keeps its own
  return true;
}

/** Last page index inside i_size, or -1 for an empty file. */
function lastIndex(inode: Inode): number {
  return Math.ceil(inode.size / 4096) - 1;
}

/**
 * page_cache_ra_unbounded(): reads `nrToRead` pages from `index` as order-0
 * folios, skipping pages already cached; the page `lookahead` from the end
 * gets PG_readahead.
 */
export function pageCacheRaUnbounded(k: Kernel, inode: Inode, index: number, nrToRead: number, lookahead: number): void {
  const end = lastIndex(inode);
  for (let i = 0; i < nrToRead; i++) {
    const idx = index + i;
    if (idx > end) break;
    if (inode.lookup(idx) !== NO_PFN) continue;
    const mark = i === nrToRead - lookahead ? idx : -1;
    if (readaheadFolio(k, inode, idx, 0, mark) === 'nomem') break;
  }
}

/** do_page_cache_ra(): page_cache_ra_unbounded clipped to the file. */
function doPageCacheRa(k: Kernel, inode: Inode, index: number, nrToRead: number, lookahead: number): void {
  const end = lastIndex(inode);
  if (end < 0 || index > end) return;
  if (nrToRead > end - index + 1) nrToRead = end - index + 1;
  pageCacheRaUnbounded(k, inode, index, nrToRead, lookahead);
}

/** __ffs(): the index of the lowest set bit (x > 0). */
function ffs(x: number): number {
  let n = 0;
  while (x % 2 === 0 && n < 31) {
    x = x / 2;
    n++;
  }
  return n;
}

/**
 * page_cache_ra_order(): reads the window ra.start..start+size in folios of
 * ra.order (capped by the mapping and by the window, and written back to
 * ra.order) where alignment and EOF allow, marking the folio at
 * start + size - async_size with PG_readahead. Windows under 4 pages, and
 * the rest of a window that meets pages already cached, are read as
 * order-0 pages by do_page_cache_ra().
 */
export function pageCacheRaOrder(k: Kernel, inode: Inode, ra: RaState): void {
  const start = ra.start;
  let index = start;
  let limit = lastIndex(inode);
  const mark = start + ra.size - ra.asyncSize;
  if (inode.maxFolioOrder > 0 && ra.size >= 4 && limit >= 0) {
    limit = Math.min(limit, index + ra.size - 1);
    let newOrder = Math.min(inode.maxFolioOrder, ra.order);
    newOrder = Math.min(newOrder, Math.floor(Math.log2(ra.size)));
    ra.order = newOrder;
    let failed = false;
    while (index <= limit) {
      let order = newOrder;
      if (index % (1 << order) !== 0) order = ffs(index);
      while (order > 0 && index + (1 << order) - 1 > limit) order--;
      const r = readaheadFolio(k, inode, index, order, mark);
      if (r !== true) {
        failed = true;
        break;
      }
      index += 1 << order;
    }
    if (!failed) return;
  } else if (inode.maxFolioOrder === 0) ra.order = 0;
  if (ra.size > index - start) doPageCacheRa(k, inode, index, ra.size - (index - start), ra.asyncSize);
}

/** get_next_ra_size(): ramp up 4x while small, then 2x, up to max. */
function getNextRaSize(ra: RaState, max: number): number {
  const cur = ra.size;
  if (cur < max / 16) return 4 * cur;
  if (cur <= max / 2) return 2 * cur;
  return max;
}

/** get_init_ra_size(): first readahead window for a read of `size` pages. */
function getInitRaSize(size: number, max: number): number {
  let n = 1;
  while (n < size) n *= 2;
  if (n <= max / 32) n *= 4;
  else if (n <= max / 4) n *= 2;
  else n = max;
  return n;
}

/**
 * page_cache_sync_ra(): readahead on a cache miss at `index` by a read of
 * `reqCount` pages (read(), or an mmap fault in a MADV_SEQUENTIAL VMA). A
 * read at the start of the file or right after the previous one starts a
 * fresh window; otherwise the cached history behind the miss
 * (page_cache_prev_miss) decides between a plain read and a window as long
 * as that history.
 */
export function pageCacheSyncRa(k: Kernel, file: OpenFile, index: number, reqCount: number): void {
  const ra = file.ra;
  const inode = file.inode;
  if (ra.raPages === 0) {
    doPageCacheRa(k, inode, index, 1, 0);
    return;
  }
  const maxPages = ra.raPages;
  const prevIndex = ra.prevPos < 0 ? -1 : Math.floor(ra.prevPos / 4096);
  if (index === 0 || reqCount > maxPages || index - prevIndex <= 1) {
    ra.start = index;
    ra.size = getInitRaSize(reqCount, maxPages);
    ra.asyncSize = ra.size > reqCount ? ra.size - reqCount : Math.floor(ra.size / 2);
  } else {
    // The cached history a sequential stream leaves behind.
    const miss = pageCachePrevMiss(k, inode, index - 1, maxPages);
    let contig = index - miss - 1;
    if (contig <= reqCount) {
      doPageCacheRa(k, inode, index, reqCount, 0);
      return;
    }
    if (miss === -1) contig *= 2;
    ra.start = index;
    ra.size = Math.min(contig + reqCount, maxPages);
    ra.asyncSize = 1;
  }
  ra.order = 0;
  pageCacheRaOrder(k, inode, ra);
}

/**
 * page_cache_async_ra(): a read (at the folio's first index) or a fault (at
 * its page `index`) reached the folio carrying PG_readahead; push the window
 * forward before the reader catches up. Without a matching window (another
 * open file, or a fault inside the folio) the new one starts at the next gap
 * after `index`. The folio order grows by two each time, and the window's
 * end is cut down to a multiple of it (at most the largest power of two
 * dividing ra_pages).
 */
export function pageCacheAsyncRa(k: Kernel, file: OpenFile, head: number, index: number, reqCount: number): void {
  const ra = file.ra;
  const p = k.pages;
  if (ra.raPages === 0) return;
  if (p.flags[head]! & PG_writeback) return;
  p.flags[head] &= ~PG_readahead;
  const inode = file.inode;
  const maxPages = ra.raPages;
  const nr = p.nrPages(head);
  const expected = Math.floor((ra.start + ra.size - ra.asyncSize) / nr) * nr;
  if (index === expected) {
    ra.start += ra.size;
    ra.size = Math.max(ra.size, getNextRaSize(ra, maxPages));
  } else {
    const start = pageCacheNextMiss(k, inode, index + 1, maxPages);
    if (!start || start - index > maxPages) return;
    ra.start = start;
    ra.size = start - index + reqCount;
    ra.size = getNextRaSize(ra, maxPages);
  }
  ra.order += 2;
  const align = 2 ** Math.min(ra.order, ffs(maxPages));
  const end = ra.start + ra.size;
  const alignedEnd = Math.floor(end / align) * align;
  if (alignedEnd > ra.start) ra.size -= end - alignedEnd;
  ra.asyncSize = ra.size;
  pageCacheRaOrder(k, inode, ra);
}

/**
 * do_sync_mmap_readahead(): a fault at `pgoff` missed the page cache.
 * MADV_HUGEPAGE VMAs read two PMD-size folios (one for MADV_RANDOM) around
 * the aligned index, whatever the readahead settings, leaving ra.start as
 * it was; MADV_RANDOM reads nothing more (unless the VMA is executable);
 * MADV_SEQUENTIAL reads ahead like read(); after MMAP_LOTSAMISS misses
 * nothing is read around; an executable VMA reads forward from the fault,
 * within the VMA; anything else reads ra_pages around the fault.
 */
export function doSyncMmapReadahead(k: Kernel, file: OpenFile, vma: Vma, pgoff: number): void {
  const ra = file.ra;
  const inode = file.inode;
  const flags = vma.flags;
  if (flags & VM_HUGEPAGE) {
    const saved = ra.start;
    ra.start = Math.floor(pgoff / 512) * 512;
    ra.size = flags & VM_RAND_READ ? 512 : 1024;
    ra.asyncSize = 512;
    ra.order = 9;
    pageCacheRaOrder(k, inode, ra);
    ra.start = saved;
    return;
  }
  if ((flags & (VM_RAND_READ | VM_EXEC)) === VM_RAND_READ) return;
  if (ra.raPages === 0) return;
  if (flags & VM_SEQ_READ) {
    pageCacheSyncRa(k, file, pgoff, ra.raPages);
    return;
  }
  if (ra.mmapMiss < MMAP_LOTSAMISS * 10) ra.mmapMiss++;
  if (ra.mmapMiss > MMAP_LOTSAMISS) return;
  if (flags & VM_EXEC) {
    // exec_folio_order() is 0 on x86.
    const vmaEnd = vma.pgoff + vma.nrPages;
    ra.order = 0;
    ra.start = Math.max(pgoff, vma.pgoff);
    ra.size = Math.min(ra.start + ra.raPages, vmaEnd) - ra.start;
    ra.asyncSize = 0;
  } else {
    ra.start = Math.max(0, pgoff - Math.floor(ra.raPages / 2));
    ra.size = ra.raPages;
    ra.asyncSize = Math.floor(ra.raPages / 4);
    ra.order = 0;
  }
  pageCacheRaOrder(k, inode, ra);
}

/**
 * Finds or reads the folio for `index` after a miss that readahead did not
 * cover (__filemap_get_folio with FGP_CREAT, then filemap_read_folio).
 * Returns the frame for `index`, or NO_PFN when out of memory.
 */
export function filemapGetOrRead(k: Kernel, inode: Inode, index: number): number {
  return getOrAddFolio(k, inode, index, readFromDisk);
}

/** folio_mark_accessed(): referenced on first use, activated on the second. */
export function folioMarkAccessed(k: Kernel, head: number): void {
  if (k.lruGen.enabled) return lruGenIncRefs(k, head);
  const p = k.pages;
  const f = p.flags[head]!;
  if (!(f & PG_referenced)) {
    p.flags[head] |= PG_referenced;
  } else if (!(f & PG_active)) {
    k.lru.move(head, () => {
      p.flags[head] = (p.flags[head]! | PG_active) & ~PG_referenced;
    });
    k.vmstat.add(VM.pgactivate, p.nrPages(head));
  }
  if (f & PG_workingset) {
    /* workingset activation bookkeeping belongs to reclaim (workingset.ts) */
  }
}

/** Marks a folio dirty (folio_mark_dirty), accounting NR_FILE_DIRTY for disk files. */
export function folioMarkDirty(k: Kernel, inode: Inode, head: number): void {
  const p = k.pages;
  if (p.flags[head]! & PG_dirty) return;
  p.flags[head] |= PG_dirty;
  if (inode.isShmem) return; // shmem's dirty_folio does no accounting
  if (inode.dirtiedWhen < 0) inode.dirtiedWhen = k.clockMs;
  const n = p.nrPages(head);
  k.vmstat.add(VM.nr_dirty, n);
  k.vmstat.add(VM.nr_zone_write_pending, n);
  k.vmstat.add(VM.nr_dirtied, n);
  // balance_dirty_pages_ratelimited() runs once the fault or write is done.
  k.dirtyBalancePending = true;
}

function accountCleaned(k: Kernel, inode: Inode, head: number): void {
  if (inode.isShmem) return;
  const n = k.pages.nrPages(head);
  k.vmstat.add(VM.nr_dirty, -n);
  k.vmstat.add(VM.nr_zone_write_pending, -n);
}

/**
 * Writes dirty folios of [first, last] back to the disk copy and cleans them
 * (filemap_write_and_wait_range). `mkclean(head)` write-protects the shared
 * PTEs that map each folio first (folio_clear_dirty_for_io → folio_mkclean),
 * so that the next write through a mapping faults and redirties it.
 * Returns the number of pages written.
 */
export function writebackRange(k: Kernel, inode: Inode, first: number, last: number, mkclean: (head: number) => void): number {
  if (inode.isShmem) return 0;
  const p = k.pages;
  let written = 0;
  const end = Math.min(last, inode.cache.length - 1);
  for (let idx = first; idx <= end; idx++) {
    const pfn = inode.lookup(idx);
    if (pfn === NO_PFN) continue;
    const head = p.folioOf(pfn);
    // Visit each folio once, the one holding `first` too: writeback works on whole folios.
    if (p.index[head] !== idx && idx !== first) continue;
    idx = p.index[head]! + p.nrPages(head) - 1;
    if (!(p.flags[head]! & PG_dirty)) continue;
    mkclean(head);
    p.flags[head] &= ~PG_dirty;
    accountCleaned(k, inode, head);
    const n = p.nrPages(head);
    for (let i = 0; i < n; i++) {
      const fi = p.index[head]! + i;
      if (fi * 4096 >= inode.size) break;
      inode.data.write(fi, k.mem.first[head + i]!, k.mem.fill[head + i]!);
    }
    written += n;
    k.vmstat.add(VM.nr_written, n);
    if (idx === end || first === 0) inode.dirtiedWhen = anyDirty(k, inode) ? inode.dirtiedWhen : -1;
    k.vmstat.add(VM.pgpgout, n * 4);
    k.ioWritePages += n;
  }
  // Writeback walks the dirty folios in batches; releasing a non-empty batch drains this CPU's LRU batches.
  if (written) lruAddDrain(k);
  return written;
}

/**
 * generic_perform_write(): writes `nrPages` pages of byte `value` at page
 * `index`, creating page-cache folios as ext4's write_begin does: the folio
 * order follows the bytes left in this write() call (fgf_set_order), reduced
 * to the index alignment. Returns false when out of memory.
 */
export function filemapWrite(k: Kernel, inode: Inode, index: number, nrPages: number, value: number): boolean {
  const p = k.pages;
  let idx = index;
  let left = nrPages;
  while (left > 0) {
    let pfn = inode.lookup(idx);
    if (pfn === NO_PFN) {
      let order = Math.min(Math.floor(Math.log2(left)), inode.maxFolioOrder);
      if (idx % (1 << order) !== 0) order = ffs(idx);
      let head = NO_PFN;
      for (; order >= 0; order--) {
        // Never overlap a cached index.
        let free = true;
        for (let i = 0; i < 1 << order && free; i++) if (inode.lookup(idx + i) !== NO_PFN) free = false;
        if (!free) continue;
        head = allocFolio(k, order);
        if (head !== NO_PFN) break;
      }
      if (head === NO_PFN) return false;
      filemapAddFolio(k, inode, head, idx, { write: true });
      p.flags[head] |= PG_uptodate;
      folioPut(k, head);
      pfn = head;
    }
    const head = p.folioOf(pfn);
    const n = p.nrPages(head) - (pfn - head);
    const count = Math.min(n, left);
    for (let i = 0; i < count; i++) {
      kmapLocal(k.mem, pfn + i); // copy_page_from_iter_atomic() maps a HighMem page
      k.mem.first[pfn + i] = value;
      k.mem.fill[pfn + i] = value;
    }
    folioMarkDirty(k, inode, head);
    idx += count;
    left -= count;
  }
  return true;
}

/** True if some cached page of the file is dirty. */
function anyDirty(k: Kernel, inode: Inode): boolean {
  for (let i = 0; i < inode.cache.length; i++) {
    const pfn = inode.cache[i]!;
    if (pfn >= 0 && k.pages.flags[k.pages.folioOf(pfn)]! & PG_dirty) return true;
  }
  return false;
}

/** Whether any part of the folio is under lock or writeback (skipped by invalidation). */
function folioBusy(k: Kernel, head: number): boolean {
  return (k.pages.flags[head]! & (PG_locked | PG_writeback)) !== 0;
}

/**
 * mapping_try_invalidate() / invalidate_mapping_pages(): drops clean,
 * unmapped folios of [first, last] from the cache (POSIX_FADV_DONTNEED).
 * Returns the number of pages dropped.
 */
export function invalidateMappingPages(k: Kernel, inode: Inode, first: number, last: number): number {
  const p = k.pages;
  let dropped = 0;
  const end = Math.min(last, inode.cache.length - 1);
  for (let idx = first; idx <= end; idx++) {
    const pfn = inode.lookup(idx);
    if (pfn === NO_PFN) continue;
    const head = p.folioOf(pfn);
    if (p.index[head] !== idx) continue;
    const n = p.nrPages(head);
    // A large folio only partly inside the range is left alone.
    if (idx + n - 1 > last) continue;
    if (p.flags[head]! & PG_dirty || folioBusy(k, head) || p.folioMapped(head)) continue;
    if (inode.isShmem) continue;
    filemapRemoveFolio(k, inode, head);
    dropped += n;
  }
  return dropped;
}

/** The frames of `inode` cached at or after `firstIndex`, one entry per folio head. */
export function cachedFolios(k: Kernel, inode: Inode, firstIndex: number): number[] {
  const out: number[] = [];
  const p = k.pages;
  for (let idx = firstIndex; idx < inode.cache.length; idx++) {
    const pfn = inode.lookup(idx);
    if (pfn === NO_PFN) continue;
    const head = p.folioOf(pfn);
    if (out.length === 0 || out[out.length - 1] !== head) out.push(head);
  }
  return out;
}

