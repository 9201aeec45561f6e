// Page reclaim: the classic two-list LRU (MGLRU off, as upstream and on the
// reference machine). Linux: mm/vmscan.c (shrink_node, prepare_scan_control,
// get_scan_count, shrink_lruvec, shrink_list, shrink_active_list,
// shrink_inactive_list, shrink_folio_list, folio_check_references,
// __remove_mapping, balance_pgdat, kswapd_shrink_node, do_try_to_free_pages,
// lru_note_cost), mm/rmap.c (folio_referenced, try_to_unmap).
//
// Simplifications: kswapd runs at once when woken, until the node is
// balanced (it is not a concurrent thread); disk and swap writes complete
// immediately (their cost goes to the clock), so a written folio is freed
// in the same pass; dirty page-cache folios met by reclaim wake the flusher,
// which writes back every dirty page of their files at once.
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_PSE, PTE_SWAP, PTE_SWP_EXCLUSIVE } from '../hw/pte.js';
import { filemapRemoveFolio, writebackRange } from './filemap.js';
import { folioGet, folioPut } from './folio.js';
import { splitHugePmd } from './huge_memory.js';
import type { Kernel } from './kernel.js';
import {
  LRU_ACTIVE_ANON,
  LRU_ACTIVE_FILE,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
  LRU_UNEVICTABLE,
} from './lru.js';
import { mmCounter, ptePresent } from './memory.js';
import { MM_ANONPAGES, MM_SHMEMPAGES, MM_SWAPENTS, type Vma } from './mm_types.js';
import { folioMkclean } from './msync.js';
import { intSqrt, WMARK_HIGH } from './page_alloc.js';
import {
  NO_PFN,
  PG_active,
  PG_anon,
  PG_anon_exclusive,
  PG_dirty,
  PG_lru,
  PG_mlocked,
  PG_referenced,
  PG_reclaim,
  PG_swapbacked,
  PG_swapcache,
  PG_unevictable,
  PG_workingset,
  PG_writeback,
} from './page.js';
import { pmdHuge, pmdLookup, pmdNone } from './pgtable.js';
import { removeRmapPte, rmapWalk } from './rmap.js';
import { addToSwap, deleteFromSwapCache, swapWritepage } from './swap_state.js';
import { swapDuplicate, vmSwapFull } from './swapfile.js';
import { VM_EXEC, VM_LOCKED } from './vm_flags.js';
import { VM } from './vmstat.js';
import { workingsetActivation, workingsetEviction } from './workingset.js';
import { mlockFolio } from './mlock.js';
import { memcgSwapout, memcgSwappiness, type MemCgroup } from './memcontrol.js';
import { lruAddDrain } from './lru_cache.js';
import { lruGenAgeNode, lruGenCheckReferences, lruGenShrinkLruvec, lruGenShrinkNode } from './lru_gen_evict.js';

export const DEF_PRIORITY = 12;
export const SWAP_CLUSTER_MAX = 32;
export const MAX_RECLAIM_RETRIES = 16;

/** struct scan_control, the parts mmsim uses. */
export interface ScanControl {
  nrToReclaim: number;
  nrReclaimed: number;
  nrScanned: number;
  priority: number;
  kswapd: boolean;
  maySwap: boolean;
  mayDeactivateAnon: boolean;
  mayDeactivateFile: boolean;
  cacheTrimMode: boolean;
  fileIsTiny: boolean;
  /** MADV_PAGEOUT-style reclaim of chosen folios ignores references. */
  ignoreReferences: boolean;
  /** The lruvec being shrunk (a memcg id), and the cgroup a limit reclaim targets (null: global). */
  memcg: number;
  target: MemCgroup | null;
  /** Costs taken from the target lruvec at the start of a pass (sc->anon_cost, file_cost). */
  anonCost: number;
  fileCost: number;
}

export function newScanControl(kswapd: boolean, nrToReclaim: number): ScanControl {
  return {
    nrToReclaim,
    nrReclaimed: 0,
    nrScanned: 0,
    priority: DEF_PRIORITY,
    kswapd,
    maySwap: true,
    mayDeactivateAnon: false,
    mayDeactivateFile: false,
    cacheTrimMode: false,
    fileIsTiny: false,
    ignoreReferences: false,
    memcg: 0,
    target: null,
    anonCost: 0,
    fileCost: 0,
  };
}

/**
 * inactive_is_low(): the inactive list should hold 1/ratio of the type's
 * pages, ratio = isqrt(10 * GiB) (1 below 1 GiB): 1 GiB → 1:3, 10 GiB → 1:10.
 * It reads the lruvec's statistics as of their last flush (lruvec_page_state),
 * not the lists themselves (memcontrol.ts memcgFlushStats).
 */
export function inactiveIsLow(k: Kernel, inactiveLru: number, memcg: number | null = null): boolean {
  const stats = k.memcgs[memcg ?? 0]!.flushedLru;
  const inactive = stats[inactiveLru]!;
  const active = stats[inactiveLru + 1]!;
  const gb = Math.floor(((inactive + active) * 4096) / 2 ** 30);
  const ratio = gb ? intSqrt(10 * gb) : 1;
  return inactive * ratio < active;
}

/** can_reclaim_anon_pages(): anonymous memory can go only where swap is free. */
function canReclaimAnon(k: Kernel): boolean {
  return k.nrSwapPages > 0;
}

/**
 * folio_referenced(): clears the accessed bits of every PTE mapping the
 * folio and counts the VMAs in which one was set (folio_referenced_one adds
 * one per VMA, however many of the folio's pages it maps: a 64 KiB folio
 * read through one mapping counts 1, not 16); gathers the VMAs' flags.
 */
export function folioReferenced(k: Kernel, head: number): { referenced: number; vmFlags: number } {
  const p = k.pages;
  const pt = k.pt;
  let vmFlags = 0;
  if (!p.folioMapped(head)) return { referenced: 0, vmFlags };
  const n = p.nrPages(head);
  const seen = new Set<number>();
  const referencing = new Set<Vma>();
  for (let i = 0; i < n; i++) {
    rmapWalk(k, head + i, (vma, addr) => {
      const pmdE = pmdLookup(k, vma.mm, addr);
      if (pmdE < 0 || pmdNone(k, pmdE)) return;
      let e: number;
      if (pmdHuge(k, pmdE)) {
        if (pt.val[pmdE] !== head) return;
        e = pmdE;
        if (seen.has(e)) return;
        seen.add(e);
      } else {
        e = pt.val[pmdE]! * ENTRIES + (Math.floor(addr / 4096) & 511);
        if (!ptePresent(pt.flags[e]!) || pt.val[e] !== head + i) return;
      }
      if (vma.flags & VM_LOCKED) vmFlags |= VM_LOCKED;
      if (pt.flags[e]! & PTE_ACCESSED) {
        pt.flags[e] = pt.flags[e]! & ~PTE_ACCESSED;
        referencing.add(vma);
      }
      vmFlags |= vma.flags;
    });
  }
  return { referenced: referencing.size, vmFlags };
}

/**
 * try_to_unmap(): removes every mapping of the folio. Anonymous pages in the
 * swap cache leave swap entries behind (MM_SWAPENTS); a PTE's dirty bit
 * dirties the folio. A lazyfree page written again is made swap-backed and
 * kept. Returns true if the folio is no longer mapped.
 */
export function tryToUnmap(k: Kernel, head: number): boolean {
  const p = k.pages;
  const pt = k.pt;
  const n = p.nrPages(head);
  const lazy = (p.flags[head]! & (PG_anon | PG_swapbacked)) === PG_anon;
  let abort = false;
  for (let i = 0; i < n && !abort; i++) {
    const pfn = head + i;
    rmapWalk(k, pfn, (vma: Vma, addr: number) => {
      if (abort) return;
      const mm = vma.mm;
      const pmdE = pmdLookup(k, mm, addr);
      if (pmdE < 0 || pmdNone(k, pmdE)) return;
      if (pmdHuge(k, pmdE)) {
        if (pt.val[pmdE] !== head) return;
        splitHugePmd(k, vma, pmdE);
      }
      const e = pt.val[pmdE]! * ENTRIES + (Math.floor(addr / 4096) & 511);
      const f = pt.flags[e]!;
      if (!ptePresent(f) || pt.val[e] !== pfn) return;
      if (lazy) {
        if (f & PTE_DIRTY || p.flags[head]! & PG_dirty) {
          p.flags[head] |= PG_swapbacked;
          abort = true;
          return;
        }
        mm.rss[MM_ANONPAGES]!--;
        removeRmapPte(k, pfn, mm);
        pt.clearEntry(e);
        // try_to_unmap_one(): the lazyfree PTE goes with a flush too.
        k.tlb.flushPage(mm, addr);
        folioPut(k, head);
        return;
      }
      if (f & PTE_DIRTY) p.flags[head] |= PG_dirty;
      k.tlb.flushPage(mm, addr);
      if (p.flags[head]! & PG_anon) {
        // The PTE becomes a swap entry; exclusive pages keep that knowledge.
        const entry = p.swap[pfn]!;
        swapDuplicate(k, entry);
        const excl = p.flags[pfn]! & PG_anon_exclusive ? PTE_SWP_EXCLUSIVE : 0;
        mm.rss[MM_ANONPAGES]!--;
        mm.rss[MM_SWAPENTS]!++;
        removeRmapPte(k, pfn, mm);
        pt.set(Math.floor(e / ENTRIES), e % ENTRIES, PTE_SWAP | excl, entry);
        p.flags[pfn] &= ~PG_anon_exclusive;
      } else {
        mm.rss[mmCounter(k, head)]!--;
        removeRmapPte(k, pfn, mm);
        pt.clearEntry(e);
      }
      if (vma.flags & VM_LOCKED) mlockFolio(k, head);
      folioPut(k, head);
    });
  }
  return !p.folioMapped(head);
}

/** lru_note_cost(): reclaim and refault costs steer the anon/file balance. */
export function lruNoteCost(k: Kernel, memcg: number, file: boolean, nrIo: number, nrRotated: number): void {
  const cost = nrIo * SWAP_CLUSTER_MAX + nrRotated;
  // The cost is charged to the lruvec and every parent up to the root.
  for (const id of memcg === 0 ? [0] : [memcg, 0]) {
    const m = k.memcgs[id]!;
    if (file) m.fileCost += cost;
    else m.anonCost += cost;
    const lru = (l: number): number => (id === 0 ? k.lru.nrPages[l]! : k.lru.size(id, l));
    const lrusize = lru(LRU_INACTIVE_ANON) + lru(LRU_ACTIVE_ANON) + lru(LRU_INACTIVE_FILE) + lru(LRU_ACTIVE_FILE);
    if (m.fileCost + m.anonCost > lrusize / 4) {
      m.fileCost = Math.floor(m.fileCost / 2);
      m.anonCost = Math.floor(m.anonCost / 2);
    }
  }
}

/** Takes up to `nrToScan` pages' worth of folios off the tail of a list (isolate_lru_folios). */
function isolateLruFolios(k: Kernel, memcg: number, lru: number, nrToScan: number): { folios: number[]; nrScanned: number } {
  const p = k.pages;
  const folios: number[] = [];
  let nrScanned = 0;
  while (nrScanned < nrToScan) {
    const head = k.lru.last(memcg, lru);
    if (head === NO_PFN) break;
    k.lru.del(head);
    folioGet(k, head);
    folios.push(head);
    nrScanned += p.nrPages(head);
  }
  return { folios, nrScanned };
}

/** Puts isolated folios back at the head of their lists and drops the isolation references. */
function putback(k: Kernel, folios: number[]): void {
  for (const head of folios) {
    if (k.pages.refcount[head]! > 1) k.lru.add(head);
    folioPut(k, head);
  }
}

export const FOLIOREF_RECLAIM = 0;
export const FOLIOREF_RECLAIM_CLEAN = 1;
export const FOLIOREF_KEEP = 2;
export const FOLIOREF_ACTIVATE = 3;

/** folio_check_references(): second chance on the inactive list. */
function checkReferences(k: Kernel, head: number): number {
  if (k.lruGen.enabled) return lruGenCheckReferences(k, head);
  const p = k.pages;
  const { referenced, vmFlags } = folioReferenced(k, head);
  const referencedFolio = (p.flags[head]! & PG_referenced) !== 0;
  p.flags[head] &= ~PG_referenced;
  if (vmFlags & VM_LOCKED) return FOLIOREF_ACTIVATE;
  const fileLru = !(p.flags[head]! & PG_swapbacked);
  if (referenced) {
    p.flags[head] |= PG_referenced;
    if (referencedFolio || referenced > 1) return FOLIOREF_ACTIVATE;
    if (vmFlags & VM_EXEC && fileLru) return FOLIOREF_ACTIVATE;
    return FOLIOREF_KEEP;
  }
  if (referencedFolio && fileLru) return FOLIOREF_RECLAIM_CLEAN;
  return FOLIOREF_RECLAIM;
}

/**
 * __remove_mapping(): a clean, unmapped folio leaves the page cache or the
 * swap cache (leaving a workingset shadow) and is freed. Returns false if
 * someone still holds a reference.
 */
function removeMapping(k: Kernel, head: number): boolean {
  const p = k.pages;
  const n = p.nrPages(head);
  // Isolation holds one reference, the cache one per page; anything more is a user.
  if (p.refcount[head] !== 1 + n) return false;
  if (p.flags[head]! & PG_swapcache) {
    const shadow = workingsetEviction(k, head);
    // The page's charge moves to its swap slot (memsw stays charged).
    memcgSwapout(k, p.memcg[head]!, p.swap[head]!);
    p.memcg[head] = 0;
    deleteFromSwapCache(k, head, shadow);
    return true;
  }
  const inode = k.inodes.get(p.mapping[head]!);
  if (!inode) return false;
  const fileLru = !(p.flags[head]! & PG_swapbacked);
  if (fileLru) {
    const shadow = workingsetEviction(k, head);
    for (let i = 0; i < n; i++) inode.shadows.set(p.index[head]! + i, shadow);
  }
  filemapRemoveFolio(k, inode, head);
  return true;
}

export interface ShrinkStat {
  nrPageout: number;
  nrActivate: number;
  nrDirtyFile: number;
}

/**
 * shrink_folio_list(): tries to free each isolated folio. Returns the pages
 * reclaimed; folios kept are left in `folios` for putback.
 */
export function shrinkFolioList(k: Kernel, folios: number[], sc: ScanControl, stat: ShrinkStat): number {
  const p = k.pages;
  let reclaimed = 0;
  const keep: number[] = [];
  const activate = (head: number): void => {
    if (p.flags[head]! & PG_swapcache && (vmSwapFull(k) || p.flags[head]! & PG_mlocked)) tryFreeSwap(k, head);
    if (!(p.flags[head]! & PG_mlocked)) {
      p.flags[head] |= PG_active;
      stat.nrActivate += p.nrPages(head);
      k.vmstat.add(VM.pgactivate, p.nrPages(head));
    }
    keep.push(head);
  };
  for (let qi = 0; qi < folios.length; qi++) {
    const head = folios[qi]!;
    let n = p.nrPages(head);
    const f = p.flags[head]!;
    if (f & PG_unevictable || f & PG_mlocked) {
      keep.push(head);
      continue;
    }
    const refs = sc.ignoreReferences ? FOLIOREF_RECLAIM : checkReferences(k, head);
    if (refs === FOLIOREF_ACTIVATE) {
      if (p.flags[head]! & PG_mlocked) keep.push(head);
      else activate(head);
      continue;
    }
    if (refs === FOLIOREF_KEEP) {
      keep.push(head);
      continue;
    }
    const anon = (p.flags[head]! & PG_anon) !== 0;
    const swapbacked = (p.flags[head]! & PG_swapbacked) !== 0;
    if (anon && swapbacked && !(p.flags[head]! & PG_swapcache)) {
      if (!sc.maySwap || !canReclaimAnon(k)) {
        activate(head);
        continue;
      }
      // A large folio is split by add_to_swap(); its other pages go back to the list.
      if (!addToSwap(k, head)) {
        activate(head);
        continue;
      }
      n = p.nrPages(head);
    }
    if (!anon && swapbacked && !canReclaimAnon(k) && p.flags[head]! & PG_dirty) {
      // shmem without swap: shmem_writeout() cannot move it anywhere.
      activate(head);
      continue;
    }
    if (p.folioMapped(head) && !tryToUnmap(k, head)) {
      activate(head);
      continue;
    }
    if (p.flags[head]! & PG_dirty) {
      if (!swapbacked) {
        // Reclaim never writes page cache: flag it and let the flusher write it.
        stat.nrDirtyFile += n;
        k.vmstat.add(VM.nr_vmscan_immediate_reclaim, n);
        p.flags[head] |= PG_reclaim;
        activate(head);
        continue;
      }
      if (refs === FOLIOREF_RECLAIM_CLEAN) {
        keep.push(head);
        continue;
      }
      if (p.flags[head]! & PG_swapcache) {
        swapWritepage(k, head);
        stat.nrPageout += n;
      } else if (!anon) {
        // shmem_writeout(): the page moves from the page cache to the swap cache.
        if (!shmemWriteout(k, head)) {
          activate(head);
          continue;
        }
        stat.nrPageout += n;
      }
    }
    if (anon && !swapbacked) {
      // A clean lazyfree folio: only the isolation reference is left.
      k.vmstat.add(VM.pglazyfreed, n);
      folioPut(k, head);
      reclaimed += n;
      continue;
    }
    if (!removeMapping(k, head)) {
      keep.push(head);
      continue;
    }
    folioPut(k, head); // the isolation reference: frees the folio
    reclaimed += n;
  }
  folios.length = 0;
  folios.push(...keep);
  return reclaimed;
}

/** shmem_writeout(): a clean-able shmem page trades its page-cache slot for a swap slot. */
function shmemWriteout(k: Kernel, head: number): boolean {
  const p = k.pages;
  const inode = k.inodes.get(p.mapping[head]!);
  if (!inode || !canReclaimAnon(k)) return false;
  const index = p.index[head]!;
  if (!addToSwap(k, head)) return false;
  const entry = p.swap[head]!;
  // The page cache slot now holds the swap entry; the page lives on in the swap cache.
  inode.store(index, NO_PFN);
  inode.nrPages--;
  inode.swapped.set(index, entry);
  swapDuplicate(k, entry);
  k.vmstat.add(VM.nr_file_pages, -1);
  k.vmstat.add(VM.nr_shmem, -1);
  p.flags[head] &= ~PG_dirty;
  folioPut(k, head); // the page-cache reference
  p.mapping[head] = 0;
  swapWritepage(k, head);
  return true;
}

/** folio_free_swap(): drop the swap copy of a swap-cache folio no PTE refers to by swap. */
export function tryFreeSwap(k: Kernel, head: number): boolean {
  const p = k.pages;
  if (!(p.flags[head]! & PG_swapcache) || p.flags[head]! & PG_writeback) return false;
  const entry = p.swap[head]!;
  const si = k.swapAreas.find((s) => s.type === Math.floor(entry / 2 ** 26));
  if (!si || (si.map[entry % 2 ** 26]! & ~0x40) > 0) return false;
  deleteFromSwapCache(k, head, null);
  p.flags[head] |= PG_dirty;
  return true;
}

/** shrink_inactive_list(). */
function shrinkInactiveList(k: Kernel, nrToScan: number, lru: number, sc: ScanControl): number {
  lruAddDrain(k);
  const { folios, nrScanned } = isolateLruFolios(k, sc.memcg, lru, nrToScan);
  if (folios.length === 0) return 0;
  const file = lru === LRU_INACTIVE_FILE;
  k.vmstat.add(sc.kswapd ? VM.pgscan_kswapd : VM.pgscan_direct, nrScanned);
  k.vmstat.add(file ? VM.pgscan_file : VM.pgscan_anon, nrScanned);
  sc.nrScanned += nrScanned;
  const stat: ShrinkStat = { nrPageout: 0, nrActivate: 0, nrDirtyFile: 0 };
  const reclaimed = shrinkFolioList(k, folios, sc, stat);
  putback(k, folios);
  k.vmstat.add(sc.kswapd ? VM.pgsteal_kswapd : VM.pgsteal_direct, reclaimed);
  k.vmstat.add(file ? VM.pgsteal_file : VM.pgsteal_anon, reclaimed);
  lruNoteCost(k, sc.memcg, file, stat.nrPageout, nrScanned - reclaimed);
  if (stat.nrDirtyFile) wakeupFlusher(k);
  k.reclaimScanned += nrScanned;
  return reclaimed;
}

/**
 * The flusher threads: every dirty page-cache page is written back (and its
 * shared PTEs cleaned). Folios flagged PG_reclaim that are back on the
 * inactive list go to its tail so the next scan frees them (pgrotated).
 */
export function wakeupFlusher(k: Kernel): void {
  for (const inode of k.inodes.values()) {
    if (inode.isShmem) continue;
    writebackRange(k, inode, 0, inode.cache.length - 1, (head) => folioMkclean(k, head));
  }
  const p = k.pages;
  for (const inode of k.inodes.values()) {
    for (let i = 0; i < inode.cache.length; i++) {
      const pfn = inode.cache[i]!;
      if (pfn < 0) continue;
      const head = p.folioOf(pfn);
      if (p.index[head] !== i || !(p.flags[head]! & PG_reclaim)) continue;
      p.flags[head] &= ~PG_reclaim;
      if (p.flags[head]! & PG_lru && !(p.flags[head]! & (PG_active | PG_unevictable))) {
        k.lru.del(head);
        k.lru.addTail(head);
        k.vmstat.add(VM.pgrotated, p.nrPages(head));
      }
    }
  }
}

/** shrink_active_list(): ages the active list, moving unreferenced folios to the inactive list. */
export function shrinkActiveList(k: Kernel, nrToScan: number, lru: number, memcg = 0): void {
  lruAddDrain(k);
  const p = k.pages;
  const { folios, nrScanned } = isolateLruFolios(k, memcg, lru, nrToScan);
  k.vmstat.add(VM.pgrefill, nrScanned);
  const file = lru === LRU_ACTIVE_FILE;
  let rotated = 0;
  let deactivated = 0;
  for (const head of folios) {
    const { referenced, vmFlags } = folioReferenced(k, head);
    if (referenced && vmFlags & VM_EXEC && !(p.flags[head]! & PG_swapbacked)) {
      rotated += p.nrPages(head);
      continue;
    }
    p.flags[head] = (p.flags[head]! & ~PG_active) | PG_workingset;
    deactivated += p.nrPages(head);
  }
  putback(k, folios);
  k.vmstat.add(VM.pgdeactivate, deactivated);
  lruNoteCost(k, memcg, file, 0, rotated);
}

/** get_scan_count(): how many pages of each list to scan at this priority. */
function getScanCount(k: Kernel, sc: ScanControl): Float64Array {
  const nr = new Float64Array(4);
  const swappiness = memcgSwappiness(k, k.memcgs[sc.memcg]!);
  let balance: 'file' | 'anon' | 'equal' | 'fract';
  if (!sc.maySwap || !canReclaimAnon(k)) balance = 'file';
  else if (sc.target && !swappiness) balance = 'file';
  else if (sc.priority === 0 && swappiness) balance = 'equal';
  else if (sc.fileIsTiny) balance = 'anon';
  else if (sc.cacheTrimMode) balance = 'file';
  else balance = 'fract';
  let ap = 0;
  let fp = 0;
  if (balance === 'fract') {
    let total = sc.anonCost + sc.fileCost;
    const anonCost = total + sc.anonCost;
    const fileCost = total + sc.fileCost;
    total = anonCost + fileCost;
    ap = Math.floor((swappiness * (total + 1)) / (anonCost + 1));
    fp = Math.floor(((200 - swappiness) * (total + 1)) / (fileCost + 1));
  }
  for (let lru = 0; lru < 4; lru++) {
    const file = lru >= LRU_INACTIVE_FILE;
    let scan = Math.floor(k.lru.size(sc.memcg, lru) / 2 ** sc.priority);
    if (balance === 'fract') scan = Math.floor((scan * (file ? fp : ap)) / (ap + fp));
    else if (balance === 'file' && !file) scan = 0;
    else if (balance === 'anon' && file) scan = 0;
    nr[lru] = scan;
  }
  return nr;
}

/** prepare_scan_control(): deactivation, cache-trim and file-is-tiny decisions for this pass. */
function prepareScanControl(k: Kernel, sc: ScanControl): void {
  const target = sc.target ?? k.memcgs[0]!;
  const scope = sc.target ? sc.target.id : null;
  sc.anonCost = target.anonCost;
  sc.fileCost = target.fileCost;
  // The refaults and list sizes here are the lruvec's statistics as of their
  // last flush (lruvec_page_state), up to 2 s old: a decision made right
  // after a large change can be made on the state before it.
  sc.mayDeactivateAnon = target.flushedActivateAnon !== target.refaultsSeenAnon || inactiveIsLow(k, LRU_INACTIVE_ANON, scope);
  sc.mayDeactivateFile = target.flushedActivateFile !== target.refaultsSeenFile || inactiveIsLow(k, LRU_INACTIVE_FILE, scope);
  const inactiveFile = target.flushedLru[LRU_INACTIVE_FILE]!;
  sc.cacheTrimMode = Math.floor(inactiveFile / 2 ** sc.priority) > 0 && !sc.mayDeactivateFile;
  sc.fileIsTiny = false;
  if (!sc.target) {
    // Global reclaim's file_is_tiny reads the node's own counters (exact).
    const free = k.buddy.freePages;
    const file = k.lru.nrPages[LRU_ACTIVE_FILE]! + k.lru.nrPages[LRU_INACTIVE_FILE]!;
    const totalHigh = k.buddy.zones.reduce((s, z) => s + (z.managed ? z.watermark[WMARK_HIGH]! : 0), 0);
    const anon = k.lru.nrPages[LRU_INACTIVE_ANON]!;
    sc.fileIsTiny = file + free <= totalHigh && !sc.mayDeactivateAnon && Math.floor(anon / 2 ** sc.priority) > 0;
  }
}

/** shrink_lruvec(): scans the four evictable lists in SWAP_CLUSTER_MAX batches. */
function shrinkLruvec(k: Kernel, sc: ScanControl): void {
  if (k.lruGen.enabled && sc.target) return lruGenShrinkLruvec(k, sc);
  const nr = getScanCount(k, sc);
  const targets = Float64Array.from(nr);
  const proportional = !sc.kswapd && sc.priority === DEF_PRIORITY;
  let reclaimed = 0;
  while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
    for (let lru = 0; lru < 4; lru++) {
      if (!nr[lru]) continue;
      const n = Math.min(nr[lru]!, SWAP_CLUSTER_MAX);
      nr[lru]! -= n;
      const active = lru === LRU_ACTIVE_ANON || lru === LRU_ACTIVE_FILE;
      if (active) {
        const may = lru === LRU_ACTIVE_FILE ? sc.mayDeactivateFile : sc.mayDeactivateAnon;
        if (may) shrinkActiveList(k, n, lru, sc.memcg);
      } else reclaimed += shrinkInactiveList(k, n, lru, sc);
    }
    if (sc.nrReclaimed + reclaimed < sc.nrToReclaim || proportional) continue;
    const nrFile = nr[LRU_INACTIVE_FILE]! + nr[LRU_ACTIVE_FILE]!;
    const nrAnon = nr[LRU_INACTIVE_ANON]! + nr[LRU_ACTIVE_ANON]!;
    if (!nrFile || !nrAnon) break;
    let small: number;
    let percentage: number;
    if (nrFile > nrAnon) {
      small = LRU_INACTIVE_ANON;
      percentage = Math.floor((nrAnon * 100) / (targets[LRU_INACTIVE_ANON]! + targets[LRU_ACTIVE_ANON]! + 1));
    } else {
      small = LRU_INACTIVE_FILE;
      percentage = Math.floor((nrFile * 100) / (targets[LRU_INACTIVE_FILE]! + targets[LRU_ACTIVE_FILE]! + 1));
    }
    nr[small] = 0;
    nr[small + 1] = 0;
    const big = small === LRU_INACTIVE_FILE ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
    for (const lru of [big, big + 1]) {
      const scanned = targets[lru]! - nr[lru]!;
      nr[lru] = Math.floor((targets[lru]! * (100 - percentage)) / 100);
      nr[lru]! -= Math.min(nr[lru]!, scanned);
    }
  }
  sc.nrReclaimed += reclaimed;
  if (canReclaimAnon(k) && inactiveIsLow(k, LRU_INACTIVE_ANON, sc.memcg)) shrinkActiveList(k, SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON, sc.memcg);
}

/** shrink_node(). */
export function shrinkNode(k: Kernel, sc: ScanControl): void {
  if (k.lruGen.enabled && !sc.target) return lruGenShrinkNode(k, sc);
  const before = sc.nrReclaimed;
  prepareScanControl(k, sc);
  // shrink_node_memcgs(): every lruvec under the target, the target's own first.
  const scope = sc.target ? [sc.target] : k.memcgs;
  for (const m of scope) {
    sc.memcg = m.id;
    shrinkLruvec(k, sc);
    if (sc.target && sc.nrReclaimed >= sc.nrToReclaim) break;
  }
  // Progress (even by direct reclaim) revives a kswapd that gave up.
  if (sc.nrReclaimed > before) k.kswapdFailures = 0;
  // snapshot_refaults(): the flushed counts, as prepare_scan_control reads them.
  const target = sc.target ?? k.memcgs[0]!;
  target.refaultsSeenAnon = target.flushedActivateAnon;
  target.refaultsSeenFile = target.flushedActivateFile;
}

/**
 * pgdat_balanced(): some zone eligible for a request up to `highestZone` is
 * above its high watermark plus the reserve it keeps from such requests.
 */
export function nodeBalanced(k: Kernel, highestZone = 2): boolean {
  return k.buddy.zones.some((z) => z.managed > 0 && z.id <= highestZone && k.buddy.watermarkOk(z, 0, z.watermark[WMARK_HIGH]!, highestZone));
}

/**
 * balance_pgdat(): kswapd reclaims, each pass aiming at the zones' high
 * watermarks, raising priority (12 → 1) while it falls short.
 */
export function kswapdBalance(k: Kernel): void {
  if (k.kswapdFailures >= MAX_RECLAIM_RETRIES) return;
  k.vmstat.add(VM.pageoutrun, 1);
  const sc = newScanControl(true, 0);
  let total = 0;
  for (sc.priority = DEF_PRIORITY; sc.priority >= 1; ) {
    if (nodeBalanced(k)) break;
    if (k.lruGen.enabled) lruGenAgeNode(k, sc);
    else if (canReclaimAnon(k)) for (const m of k.memcgs) if (inactiveIsLow(k, LRU_INACTIVE_ANON, m.id)) shrinkActiveList(k, SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON, m.id);
    sc.nrToReclaim = k.buddy.zones.reduce((s, z) => s + (z.managed ? Math.max(z.watermark[WMARK_HIGH]!, SWAP_CLUSTER_MAX) : 0), 0);
    const before = sc.nrReclaimed;
    sc.nrScanned = 0;
    shrinkNode(k, sc);
    const got = sc.nrReclaimed - before;
    total += got;
    const raise = sc.nrScanned < sc.nrToReclaim;
    if (raise || !got) sc.priority--;
  }
  if (!total) k.kswapdFailures++;
  else k.kswapdFailures = 0;
}

/**
 * do_try_to_free_pages(): direct reclaim by the allocating task, 32 pages
 * per attempt, priority 12 → 0. Returns the pages reclaimed.
 */
export function tryToFreePages(k: Kernel): number {
  return doTryToFreePages(k, newScanControl(false, SWAP_CLUSTER_MAX));
}

/**
 * try_to_free_mem_cgroup_pages(): limit reclaim inside one cgroup, at least
 * SWAP_CLUSTER_MAX pages; swapping only when the memsw limit allows.
 */
export function tryToFreeMemcgPages(k: Kernel, m: MemCgroup, nr: number, maySwap: boolean): number {
  const sc = newScanControl(false, Math.max(nr, SWAP_CLUSTER_MAX));
  sc.target = m;
  sc.maySwap = maySwap;
  return doTryToFreePages(k, sc);
}

function doTryToFreePages(k: Kernel, sc: ScanControl): number {
  for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
    sc.nrScanned = 0;
    shrinkNode(k, sc);
    if (sc.nrReclaimed >= sc.nrToReclaim) break;
  }
  return sc.nrReclaimed;
}

export { LRU_UNEVICTABLE, PG_active, PTE_PSE, MM_SHMEMPAGES, workingsetActivation };
