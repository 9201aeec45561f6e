// Truncating files and punching holes: unmap the range from every mapping,
// drop it from the page cache, forget it on disk. Linux: mm/truncate.c
// (truncate_pagecache, truncate_pagecache_range, truncate_inode_pages_range,
// truncate_inode_partial_folio), mm/memory.c (unmap_mapping_range,
// zap_details.even_cows), fs/ext4/inode.c (ext4_setattr,
// ext4_block_truncate_page).
//
// A large folio only partly inside the range is split (non-uniformly, so
// that the part outside keeps folios as large as possible) and its pieces
// inside the range are dropped; splitting a file folio unmaps all of it.
// Simplification: splits never fail (no pins, buffers always releasable).
import { ENTRIES } from '../hw/page_table.js';
import { PTE_DIRTY, PTE_SPECIAL } from '../hw/pte.js';
import { cachedFolios, filemapGetFolioCreat, filemapRemoveFolio, folioMarkDirty } from './filemap.js';
import { folioPut } from './folio.js';
import type { Inode } from './fs.js';
import { splitFileFolio, splitHugePmd } from './huge_memory.js';
import type { Kernel } from './kernel.js';
import { mmCounter, ptePresent, vmNormalPage } from './memory.js';
import type { Vma } from './mm_types.js';
import { NO_PFN, PG_anon, PG_dirty } from './page.js';
import { forEachPmd, pmdHuge, pmdNone } from './pgtable.js';
import { lruAddDrain } from './lru_cache.js';
import { removeRmapPte } from './rmap.js';
import { MmuGather } from './tlbflush.js';

/**
 * Unmaps file pages [first, last] from one VMA; with `evenCows` also the
 * private anonymous copies made from them (zap_page_range_single with
 * zap_details).
 */
function zapFileRange(k: Kernel, vma: Vma, first: number, last: number, evenCows: boolean): void {
  const pt = k.pt;
  const p = k.pages;
  const mm = vma.mm;
  const s = Math.max(vma.start, vma.start + (first - vma.pgoff) * 4096);
  const e = Math.min(vma.end, vma.start + (last + 1 - vma.pgoff) * 4096);
  if (s >= e) return;
  mm.updateHiwaterRss();
  const tlb = new MmuGather(k, mm);
  forEachPmd(k, mm, s, e, (pmdE, a, next) => {
    if (pmdHuge(k, pmdE)) splitHugePmd(k, vma, pmdE);
    if (pmdNone(k, pmdE)) return;
    const table = pt.val[pmdE]!;
    for (let b = a; b < next; b += 4096) {
      const ent = table * ENTRIES + (Math.floor(b / 4096) & 511);
      const f = pt.flags[ent]!;
      if (!ptePresent(f)) continue;
      const pfn = vmNormalPage(k, ent);
      if (pfn < 0) {
        if (f & PTE_SPECIAL) {
          pt.clearEntry(ent);
          tlb.flushPteRange(b);
        }
        continue;
      }
      const head = p.folioOf(pfn);
      const anon = (p.flags[head]! & PG_anon) !== 0;
      if (anon && !evenCows) continue;
      if (!anon && f & PTE_DIRTY) {
        const inode = k.inodes.get(p.mapping[head]!);
        if (inode) folioMarkDirty(k, inode, head);
      }
      mm.rss[mmCounter(k, head)]!--;
      removeRmapPte(k, pfn, mm);
      pt.clearEntry(ent);
      tlb.flushPteRange(b);
      folioPut(k, head);
    }
  });
  // zap_page_range_single(): tlb_finish_mmu() flushes what was cleared.
  tlb.finish();
}

/** unmap_mapping_range(): unmaps file pages [first, last] from every VMA of the file. */
export function unmapMappingRange(k: Kernel, inode: Inode, first: number, last: number, evenCows: boolean): void {
  if (last < first) return;
  for (const vma of [...inode.mmaps]) zapFileRange(k, vma, first, last, evenCows);
}

/** Unmaps a page-cache folio from every mapping of its file (unmap_mapping_folio / unmap_folio). */
function unmapFolio(k: Kernel, inode: Inode, head: number): void {
  const p = k.pages;
  if (!p.folioMapped(head)) return;
  const idx = p.index[head]!;
  unmapMappingRange(k, inode, idx, idx + p.nrPages(head) - 1, false);
}

/** truncate_inode_folio(): unmaps a folio and takes it out of the page cache. */
function truncateInodeFolio(k: Kernel, inode: Inode, head: number): void {
  unmapFolio(k, inode, head);
  filemapRemoveFolio(k, inode, head);
}

/** The head of the cached folio holding `index`, or NO_PFN. */
function folioAt(k: Kernel, inode: Inode, index: number): number {
  const pfn = inode.lookup(index);
  return pfn === NO_PFN ? NO_PFN : k.pages.folioOf(pfn);
}

/** Splits the folio holding `index` around it, unmapping it first. */
function splitAround(k: Kernel, inode: Inode, index: number): void {
  const p = k.pages;
  const head = folioAt(k, inode, index);
  if (head === NO_PFN || p.nrPages(head) === 1) return;
  const first = p.index[head]!;
  const n = p.nrPages(head);
  unmapFolio(k, inode, head);
  splitFileFolio(k, head, index);
  // __folio_split() drops the new folios that lie wholly past EOF at once.
  const eof = inode.sizePages;
  for (let i = Math.max(first, eof); i < first + n; ) {
    const h = folioAt(k, inode, i);
    if (h === NO_PFN) {
      i++;
      continue;
    }
    if (p.index[h]! >= eof) filemapRemoveFolio(k, inode, h);
    i = p.index[h]! + p.nrPages(h);
  }
}

/**
 * truncate_inode_partial_folio(): the folio at `head` is cut by the byte
 * range [lstart, lend]. The part inside is zeroed; a large folio is split at
 * the range's first page (and, if the range ends inside it, at its end too),
 * so that only pieces wholly inside the range are dropped afterwards.
 * A folio wholly inside the range is dropped at once. A dirty large folio
 * cannot be split (its buffers cannot be released): it loses its mappings
 * but stays whole, and false tells the caller to keep it.
 */
function truncateInodePartialFolio(k: Kernel, inode: Inode, head: number, lstart: number, lend: number): boolean {
  const p = k.pages;
  const index = p.index[head]!;
  const pos = index * 4096;
  const size = p.nrPages(head) * 4096;
  const offset = pos < lstart ? lstart - pos : 0;
  const length = pos + size <= lend ? size - offset : lend + 1 - pos - offset;
  if (length === size) {
    truncateInodeFolio(k, inode, head);
    return true;
  }
  // folio_zero_range(): pages wholly inside lose their contents; a page cut
  // inside keeps its first byte (the range starts past offset 0 there).
  for (let i = Math.ceil(offset / 4096); (i + 1) * 4096 <= offset + length; i++) k.mem.clear(head + i);
  if (offset % 4096 !== 0) k.mem.fill[head + Math.floor(offset / 4096)] = 0;
  if (p.nrPages(head) === 1) return true;
  if (p.flags[head]! & PG_dirty && !inode.isShmem) {
    unmapFolio(k, inode, head);
    return false;
  }
  splitAround(k, inode, index + Math.floor(offset / 4096));
  if (offset + length !== size) splitAround(k, inode, index + Math.floor((offset + length) / 4096));
  return true;
}

/**
 * truncate_inode_pages_range(): drops the cached folios of the byte range
 * [lstart, lend] (lend inclusive, Infinity for end of file): folios wholly
 * inside go at once, the folios cut by either end are split first.
 */
export function truncateInodePagesRange(k: Kernel, inode: Inode, lstart: number, lend: number): void {
  const p = k.pages;
  let start = Math.ceil(lstart / 4096);
  let end = lend === Infinity ? Infinity : Math.floor((lend + 1) / 4096); // exclusive
  // find_lock_entries(): only folios wholly inside [start, end). Releasing
  // a non-empty folio batch drains this CPU's LRU batches (__folio_batch_release).
  let found = 0;
  for (const head of cachedFolios(k, inode, start)) {
    const idx = p.index[head]!;
    if (idx >= end) break;
    if (idx >= start && idx + p.nrPages(head) <= end) {
      truncateInodeFolio(k, inode, head);
      found++;
    }
  }
  if (found) lruAddDrain(k);
  let sameFolio = false;
  let head = folioAt(k, inode, Math.floor(lstart / 4096));
  if (head !== NO_PFN) {
    const idx = p.index[head]!;
    const next = idx + p.nrPages(head);
    sameFolio = lend < next * 4096;
    if (!truncateInodePartialFolio(k, inode, head, lstart, lend)) {
      start = next;
      if (sameFolio) end = idx;
    }
  }
  if (!sameFolio && lend !== Infinity) {
    head = folioAt(k, inode, Math.floor(lend / 4096));
    if (head !== NO_PFN) {
      const idx = p.index[head]!;
      if (!truncateInodePartialFolio(k, inode, head, lstart, lend)) end = idx;
    }
  }
  // Whatever is left overlapping [start, end) goes whole.
  found = 0;
  for (const h of cachedFolios(k, inode, start)) {
    const idx = p.index[h]!;
    if (idx >= end) break;
    if (idx + p.nrPages(h) > start) {
      truncateInodeFolio(k, inode, h);
      found++;
    }
  }
  if (found) lruAddDrain(k);
}

/**
 * truncate_pagecache_range() / shmem hole punch: page-cache pages of the byte
 * range [lstart, lend] go; mapped ones are unmapped first, but private COW
 * copies stay (a hole punch is not a truncation).
 */
export function truncatePagecacheRange(k: Kernel, inode: Inode, lstart: number, lend: number): void {
  unmapMappingRange(k, inode, Math.ceil(lstart / 4096), Math.floor((lend + 1) / 4096) - 1, false);
  truncateInodePagesRange(k, inode, lstart, lend);
  for (let i = Math.floor(lstart / 4096); i * 4096 <= lend && i * 4096 < inode.size; i++) inode.data.punch(i);
}

/**
 * truncate_pagecache(): after i_size dropped to `newsize`, unmaps everything
 * from the first page wholly past it (private COW copies included), and
 * drops it from the page cache.
 */
function truncatePagecache(k: Kernel, inode: Inode, newsize: number): void {
  const holebegin = Math.ceil(newsize / 4096);
  const last = Math.max(inode.cache.length, Math.ceil(newsize / 4096) + 1);
  unmapMappingRange(k, inode, holebegin, last, true);
  truncateInodePagesRange(k, inode, newsize, Infinity);
  unmapMappingRange(k, inode, holebegin, last, true);
}

/**
 * ext4_block_truncate_page(): the block holding byte `bytes` (when it is not
 * block aligned) is read into the page cache if needed, zeroed past that
 * byte and dirtied. A folio created for it is not uptodate (only its block
 * buffer was read), even in a hole, where nothing else happens.
 */
function ext4BlockTruncatePage(k: Kernel, inode: Inode, bytes: number): void {
  if (bytes % 4096 === 0) return;
  const index = Math.floor(bytes / 4096);
  // The folio is looked up or created (FGP_CREAT); only its buffer is read,
  // so a new folio stays !uptodate, and in a hole nothing more happens.
  const pfn = filemapGetFolioCreat(k, inode, index);
  if (pfn === NO_PFN || !inode.data.allocated(index)) return;
  k.mem.fill[pfn] = 0;
  folioMarkDirty(k, inode, k.pages.folioOf(pfn));
}

/**
 * truncate(2): sets i_size. Shrinking unmaps and drops everything past the
 * new end (a large folio cut by it is split); growing adds a hole that reads
 * as zeros. On ext4 the block holding an unaligned end of file (the new end
 * when shrinking, the old one when growing) is zeroed past it and dirtied.
 */
export function doTruncate(k: Kernel, inode: Inode, sizeBytes: number): void {
  const old = inode.size;
  const shrink = sizeBytes < old;
  if (!shrink && !inode.isShmem) ext4BlockTruncatePage(k, inode, old);
  inode.size = sizeBytes;
  if (inode.isShmem && sizeBytes <= old && sizeBytes % 4096 !== 0) {
    // shmem_undo_range(): the cached folio holding the new end is dirtied.
    const head = folioAt(k, inode, Math.floor(sizeBytes / 4096));
    if (head !== NO_PFN) folioMarkDirty(k, inode, head);
  }
  truncatePagecache(k, inode, sizeBytes);
  if (shrink) inode.data.truncate(sizeBytes);
  else inode.data.truncate(old);
  if (sizeBytes <= old && !inode.isShmem) ext4BlockTruncatePage(k, inode, sizeBytes);
  // ext4_setattr() calls ext4_truncate() when the size does not grow; at
  // size 0 that arms auto_da_alloc's flush on close (ext4ReleaseFile).
  if (sizeBytes === 0 && inode.fs === 'ext4') inode.daAllocClose = true;
}
