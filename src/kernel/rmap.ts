// Reverse mapping: which VMAs map a page, and the per-page mapcounts and
// "mapped" statistics kept as pages are mapped and unmapped.
// Linux: mm/rmap.c (anon_vma_prepare, anon_vma_fork, __folio_add_rmap,
// __folio_remove_rmap, rmap_walk), include/linux/rmap.h.
//
// Invariants (checked by checkInvariants in kernel.ts):
//  - mapcount[p] equals the number of PTEs, in all page tables, mapping p;
//    entireMapcount[head] the number of PMDs mapping the folio;
//  - NR_ANON_MAPPED / NR_FILE_MAPPED count pages with a non-zero
//    folio_precise_page_mapcount().
import type { Kernel } from './kernel.js';
import { addLargeMapcount, setLargeMapcount, subLargeMapcount } from './mm_id.js';
import { AnonVma, type Mm, type Vma } from './mm_types.js';
import { PG_anon, PG_anon_exclusive, PG_deferred_split, PG_head, PG_swapbacked } from './page.js';
import { VM_ACCESS_FLAGS, VM_SOFTDIRTY } from './vm_flags.js';
import { VM } from './vmstat.js';

/** Links `vma` to an anon_vma (anon_vma_chain_link). */
export function linkAnonVma(k: Kernel, vma: Vma, av: AnonVma): void {
  vma.chain.push(av);
  av.vmas.add(vma);
  k.anonVmas.set(av.id, av);
}

/** Unlinks a VMA from every anon_vma it is chained to (unlink_anon_vmas). */
export function unlinkAnonVmas(k: Kernel, vma: Vma): void {
  for (const av of vma.chain) {
    av.vmas.delete(vma);
    if (av.vmas.size === 0) {
      if (av.parent) av.parent.numChildren--;
      if (av.numChildren === 0) k.anonVmas.delete(av.id);
    }
  }
  vma.chain = [];
  vma.anonVma = null;
}

/** Gives a split-off or copied VMA the same anon_vma chain as `src` (anon_vma_clone). */
export function cloneAnonVma(k: Kernel, dst: Vma, src: Vma): void {
  for (const av of src.chain) linkAnonVma(k, dst, av);
  dst.anonVma = src.anonVma;
}

/**
 * Two adjacent VMAs can share an anon_vma if they could merge but for their
 * access bits (anon_vma_compatible).
 */
function anonVmaCompatible(a: Vma, b: Vma): boolean {
  return (
    a.end === b.start &&
    a.file === b.file &&
    ((a.flags ^ b.flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) === 0 &&
    b.pgoff === a.pgoff + (b.start - a.start) / 4096
  );
}

/** find_mergeable_anon_vma(): a neighbour's anon_vma if it is reusable (chain of one). */
function findMergeableAnonVma(vma: Vma): AnonVma | null {
  const mm = vma.mm;
  const i = mm.vmas.indexOf(vma);
  const next = mm.vmas[i + 1];
  if (next && anonVmaCompatible(vma, next) && next.anonVma && next.chain.length === 1) return next.anonVma;
  const prev = mm.vmas[i - 1];
  if (prev && anonVmaCompatible(prev, vma) && prev.anonVma && prev.chain.length === 1) return prev.anonVma;
  return null;
}

/** Makes sure `vma` has an anon_vma before its first anonymous page (anon_vma_prepare). */
export function anonVmaPrepare(k: Kernel, vma: Vma): AnonVma {
  if (vma.anonVma) return vma.anonVma;
  const av = findMergeableAnonVma(vma) ?? new AnonVma(null);
  linkAnonVma(k, vma, av);
  vma.anonVma = av;
  return av;
}

/**
 * anon_vma_fork(): the child VMA is chained to all of the parent's anon_vmas
 * and gets one of its own, so pages faulted in the child after fork are not
 * visible to rmap walks of the parent's pages.
 */
export function anonVmaFork(k: Kernel, child: Vma, parent: Vma): void {
  if (!parent.anonVma) return;
  cloneAnonVma(k, child, parent);
  const av = new AnonVma(parent.anonVma);
  parent.anonVma.numChildren++;
  linkAnonVma(k, child, av);
  child.anonVma = av;
}

function mappedItem(k: Kernel, head: number): number {
  return k.pages.flags[head]! & PG_anon ? VM.nr_anon_pages : VM.nr_mapped;
}

/**
 * Marks a freshly allocated folio as anonymous memory of `vma` at `addr` and
 * maps it once, by PTE (order 0) or by PMD (folio_add_new_anon_rmap).
 */
export function addNewAnonRmap(k: Kernel, head: number, vma: Vma, addr: number, pmd: boolean): void {
  const p = k.pages;
  p.flags[head] |= PG_anon | PG_swapbacked | PG_anon_exclusive;
  p.mapping[head] = vma.anonVma!.id;
  p.index[head] = vma.pageIndex(addr);
  const n = p.nrPages(head);
  if (pmd) {
    p.entireMapcount[head] = 1;
    k.vmstat.add(VM.nr_anon_transparent_hugepages, n);
  } else {
    for (let i = 0; i < n; i++) p.mapcount[head + i] = 1;
  }
  if (n > 1) setLargeMapcount(k, head, pmd ? 1 : n, vma.mm);
  for (let i = 1; i < n; i++) {
    p.flags[head + i] |= PG_anon_exclusive;
    p.mapping[head + i] = p.mapping[head]!;
    p.index[head + i] = p.index[head]! + i;
  }
  k.vmstat.add(VM.nr_anon_pages, n);
}

/** Adds one PTE mapping of frame `pfn` (folio_add_file_rmap_pte, folio_dup_*_rmap_pte). */
export function addRmapPte(k: Kernel, pfn: number, mm: Mm): void {
  const p = k.pages;
  const head = p.folioOf(pfn);
  if (p.pageMapcount(pfn) === 0) k.vmstat.add(mappedItem(k, head), 1);
  p.mapcount[pfn]!++;
  if (p.flags[head]! & PG_head) addLargeMapcount(k, head, 1, mm);
}

/** Adds one PMD mapping of the folio at `head` (folio_add_*_rmap_pmd). */
export function addRmapPmd(k: Kernel, head: number, mm: Mm): void {
  const p = k.pages;
  const n = p.nrPages(head);
  if (p.entireMapcount[head] === 0) {
    let newly = 0;
    for (let i = 0; i < n; i++) if (p.mapcount[head + i] === 0) newly++;
    k.vmstat.add(mappedItem(k, head), newly);
    if (p.flags[head]! & PG_anon) k.vmstat.add(VM.nr_anon_transparent_hugepages, n);
    else k.vmstat.add(p.flags[head]! & PG_swapbacked ? VM.nr_shmem_pmdmapped : VM.nr_file_pmdmapped, n);
  }
  p.entireMapcount[head]!++;
  addLargeMapcount(k, head, 1, mm);
}

/** Removes one PTE mapping of `pfn` (folio_remove_rmap_pte). */
export function removeRmapPte(k: Kernel, pfn: number, mm: Mm): void {
  const p = k.pages;
  const head = p.folioOf(pfn);
  p.mapcount[pfn]!--;
  if (p.flags[head]! & PG_head) subLargeMapcount(k, head, 1, mm);
  if (p.pageMapcount(pfn) === 0) k.vmstat.add(mappedItem(k, head), -1);
  if (p.flags[head]! & PG_head && p.flags[head]! & PG_anon) maybeDeferSplit(k, head);
}

/** Removes one PMD mapping of the folio (folio_remove_rmap_pmd). */
export function removeRmapPmd(k: Kernel, head: number, mm: Mm): void {
  const p = k.pages;
  const n = p.nrPages(head);
  p.entireMapcount[head]!--;
  subLargeMapcount(k, head, 1, mm);
  if (p.entireMapcount[head] === 0) {
    let gone = 0;
    for (let i = 0; i < n; i++) if (p.mapcount[head + i] === 0) gone++;
    k.vmstat.add(mappedItem(k, head), -gone);
    if (p.flags[head]! & PG_anon) {
      k.vmstat.add(VM.nr_anon_transparent_hugepages, -n);
      maybeDeferSplit(k, head);
    } else k.vmstat.add(p.flags[head]! & PG_swapbacked ? VM.nr_shmem_pmdmapped : VM.nr_file_pmdmapped, -n);
  }
}

/**
 * A large anon folio that is still mapped but not entirely is queued for a
 * deferred split (deferred_split_folio), counted once.
 */
function maybeDeferSplit(k: Kernel, head: number): void {
  const p = k.pages;
  if (p.flags[head]! & PG_deferred_split) return;
  if (p.entireMapcount[head]! > 0) return;
  if (!p.folioMapped(head)) return;
  const n = p.nrPages(head);
  let mapped = 0;
  for (let i = 0; i < n; i++) if (p.mapcount[head + i]! > 0) mapped++;
  if (mapped === n) return;
  p.flags[head] |= PG_deferred_split;
  k.deferredSplit.add(head);
  k.vmstat.add(VM.thp_deferred_split_page, 1);
}

/**
 * Calls `fn(vma, addr)` for every VMA that may map frame `pfn` at `addr`
 * (rmap_walk_anon / rmap_walk_file). The caller checks the page tables.
 */
export function rmapWalk(k: Kernel, pfn: number, fn: (vma: Vma, addr: number) => void): void {
  const p = k.pages;
  const head = p.folioOf(pfn);
  const index = p.index[head]! + (pfn - head);
  if (p.flags[head]! & PG_anon) {
    const av = k.anonVmas.get(p.mapping[head]!);
    if (!av) return;
    // Pages of an anon_vma are mapped only by VMAs linked to it or to its descendants.
    for (const vma of [...av.vmas]) {
      const a = vma.addressOf(index);
      if (a >= 0) fn(vma, a);
    }
    return;
  }
  const inode = k.inodes.get(p.mapping[head]!);
  if (!inode) return;
  for (const vma of [...inode.mmaps]) {
    const a = vma.addressOf(index);
    if (a >= 0) fn(vma, a);
  }
}
