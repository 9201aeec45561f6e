// Truncating files and punching holes: unmap the range from every mapping,
// drop it from the page cache, forget it on disk. Linux: mm/truncate.c
// (truncate_pagecache, truncate_pagecache_range, truncate_inode_pages_range),
// mm/memory.c (unmap_mapping_range, zap_details.even_cows).
import { PMD_SIZE, roundDown } from '../hw/addr.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_DIRTY, PTE_SPECIAL } from '../hw/pte.js';
import { cachedFolios, filemapRemoveFolio, folioMarkDirty } from './filemap.js';
import { folioPut } from './folio.js';
import type { Inode } from './fs.js';
import { splitHugePmd } from './huge_memory.js';
import type { Kernel } from './kernel.js';
import { mmCounter, ptePresent, vmNormalPage } from './memory.js';
import type { Vma } from './mm_types.js';
import { PG_anon } from './page.js';
import { pmdHuge, pmdLookup, pmdNone } from './pgtable.js';
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
  for (let a = s; a < e; ) {
    const next = Math.min(roundDown(a, PMD_SIZE) + PMD_SIZE, e);
    const pmdE = pmdLookup(k, mm, a);
    if (pmdE < 0 || pmdNone(k, pmdE)) {
      a = next;
      continue;
    }
    if (pmdHuge(k, pmdE)) splitHugePmd(k, vma, pmdE);
    if (pmdNone(k, pmdE)) {
      a = next;
      continue;
    }
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
      removeRmapPte(k, pfn);
      pt.clearEntry(ent);
      tlb.flushPteRange(b);
      folioPut(k, head);
    }
    a = next;
  }
  // zap_page_range_single(): tlb_finish_mmu() flushes what was cleared.
  tlb.finish();
}

/** unmap_mapping_range(): unmaps file pages [first, last] from every VMA of the file. */
export function unmapMappingRange(k: Kernel, inode: Inode, first: number, last: number, evenCows: boolean): void {
  for (const vma of [...inode.mmaps]) zapFileRange(k, vma, first, last, evenCows);
}

/**
 * Removes file pages [first, last] from the page cache (truncate_inode_pages_range).
 * A large folio only partly inside the range stays, with the truncated part zeroed.
 */
function dropCachedRange(k: Kernel, inode: Inode, first: number, last: number): void {
  const p = k.pages;
  for (const head of cachedFolios(k, inode, first)) {
    const idx = p.index[head]!;
    const n = p.nrPages(head);
    if (idx > last) break;
    if (idx >= first && idx + n - 1 <= last) {
      if (!p.folioMapped(head)) filemapRemoveFolio(k, inode, head);
      continue;
    }
    for (let i = 0; i < n; i++) {
      if (idx + i >= first && idx + i <= last) k.mem.clear(head + i);
    }
  }
}

/**
 * A hole punch (MADV_REMOVE, FALLOC_FL_PUNCH_HOLE) or truncation of pages
 * [first, last]: shared mappings lose the pages, and so do private COW copies
 * when `evenCows` (truncation, not hole punching).
 */
export function truncateRange(k: Kernel, inode: Inode, first: number, last: number, punch: boolean): void {
  unmapMappingRange(k, inode, first, last, !punch);
  dropCachedRange(k, inode, first, last);
  unmapMappingRange(k, inode, first, last, !punch);
  if (punch) {
    for (let i = first; i <= last && i * 4096 < inode.size; i++) inode.data.pages.set(i, [0, 0]);
  }
}

/**
 * truncate(2): sets i_size. Shrinking unmaps and drops everything past the
 * new end (the partial last page keeps its head, zeroed past EOF); growing
 * adds a hole that reads as zeros.
 */
export function doTruncate(k: Kernel, inode: Inode, sizeBytes: number): void {
  const old = inode.size;
  inode.size = sizeBytes;
  if (sizeBytes < old) {
    const firstGone = Math.ceil(sizeBytes / 4096);
    truncateRange(k, inode, firstGone, Math.ceil(old / 4096), false);
    inode.data.truncate(sizeBytes);
  } else {
    inode.data.truncate(old);
  }
}
