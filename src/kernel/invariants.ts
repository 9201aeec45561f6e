// Global consistency checks (the spirit of CONFIG_DEBUG_VM), run by tests after
// every scenario: free + used frames = total; every mapcount and refcount
// equals what the page tables and the page cache say; every mm's RSS counters
// and VmPTE match its page tables.
import { ENTRIES } from '../hw/page_table.js';
import { PTE_PRESENT, PTE_PROTNONE, PTE_PSE, PTE_SPECIAL, PTE_SWAP } from '../hw/pte.js';
import type { Kernel } from './kernel.js';
import { MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS, type Mm } from './mm_types.js';
import { PG_anon, PG_head, PG_hugetlb, PG_swapbacked } from './page.js';
import { hugetlbUsagePages } from './hugetlb.js';
import { VM } from './vmstat.js';
import { lruGenInvariants } from './lru_gen_invariants.js';

/**
 * Calls fn for every non-empty leaf entry of an mm (PTEs, huge PMDs and
 * huge PUDs) and counts its tables; `onTable` (optional) sees each table id.
 * On i386 a 4 MiB PDE is seen once, at its first half (kernel/hugetlb.ts).
 */
export function walkLeaves(k: Kernel, mm: Mm, fn: (e: number, huge: boolean) => void, onTable?: (table: number) => void): number {
  const pt = k.pt;
  const pse4m = k.arch.arch === 'i386';
  let tables = 0;
  const visit = (table: number, level: number): void => {
    tables++;
    onTable?.(table);
    for (let i = 0; i < ENTRIES; i++) {
      const e = table * ENTRIES + i;
      const f = pt.flags[e]!;
      if (f === 0 && pt.val[e] === 0) continue;
      if (level === 1) fn(e, false);
      else if ((level === 2 || level === 3) && f & PTE_PSE) {
        if (!(pse4m && level === 2 && i & 1 && pt.flags[e - 1]! & PTE_PSE)) fn(e, true);
      }
      else if (f & PTE_PRESENT) visit(pt.val[e]!, level - 1);
    }
  };
  if (mm.pgd >= 0) visit(mm.pgd, 4);
  return tables;
}

export function checkInvariants(k: Kernel): string[] {
  const problems: string[] = [];
  const p = k.pages;
  const pt = k.pt;
  const bad = k.buddy.checkInvariants();
  if (bad) problems.push(bad);

  const pteMaps = new Map<number, number>();
  // Swap slots: references from PTEs and shmem slots must equal swap_map counts.
  const swapRefs = new Map<number, number>();
  const pmdMaps = new Map<number, number>();
  let tableFrames = 0;
  for (const t of k.tasks) {
    const mm = t.mm;
    if (!mm) continue;
    const rss = [0, 0, 0, 0];
    let hugetlbPages = 0;
    let deposits = 0;
    // The frames behind this mm's tables: distinct, since the two pool
    // halves of an i386 PTE table share one (kernel/pgtable.ts).
    const frames = new Set<number>();
    let vmpteFrames = 0;
    const onTable = (table: number): void => {
      const pfn = pt.tablePfn[table]!;
      if (pfn < 0 || frames.has(pfn)) return;
      frames.add(pfn);
      if (pt.tableLevel[table] !== 4) vmpteFrames++;
    };
    walkLeaves(k, mm, (e, huge) => {
      const f = pt.flags[e]!;
      if (huge && k.arch.arch === 'i386' && (e & 1 || pt.flags[e + 1] !== f || pt.val[e + 1] !== pt.val[e]! + ENTRIES)) {
        problems.push(`pid ${t.pid}: 4 MiB PDE at pool entry ${e}: halves disagree (${f}/${pt.val[e]}, ${pt.flags[e + 1]}/${pt.val[e + 1]})`);
      }
      if (f & PTE_SWAP) {
        rss[MM_SWAPENTS]!++;
        swapRefs.set(pt.val[e]!, (swapRefs.get(pt.val[e]!) ?? 0) + 1);
        return;
      }
      if (!(f & (PTE_PRESENT | PTE_PROTNONE))) return;
      if (huge && k.deposits.has(e)) deposits++;
      if (f & PTE_SPECIAL) return;
      const pfn = pt.val[e]!;
      const head = p.folioOf(pfn);
      const type = p.flags[head]! & PG_anon ? MM_ANONPAGES : p.flags[head]! & PG_swapbacked ? MM_SHMEMPAGES : MM_FILEPAGES;
      if (p.flags[head]! & PG_hugetlb) {
        // hugetlb pages count in HugetlbPages, not RSS.
        pmdMaps.set(head, (pmdMaps.get(head) ?? 0) + 1);
        hugetlbPages += p.nrPages(head);
        return;
      }
      if (huge) {
        pmdMaps.set(head, (pmdMaps.get(head) ?? 0) + 1);
        rss[type]! += p.nrPages(head);
      } else {
        pteMaps.set(pfn, (pteMaps.get(pfn) ?? 0) + 1);
        rss[type]!++;
      }
    }, onTable);
    tableFrames += frames.size + deposits;
    if (hugetlbPages !== hugetlbUsagePages(mm)) problems.push(`pid ${t.pid}: HugetlbPages ${hugetlbUsagePages(mm) * 4} kB but page tables map ${hugetlbPages * 4} kB`);
    for (const c of [MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES, MM_SWAPENTS]) {
      if (rss[c] !== mm.rss[c]) problems.push(`pid ${t.pid}: rss counter ${c} is ${mm.rss[c]} but page tables map ${rss[c]}`);
    }
    if (mm.pgtablesBytes !== (vmpteFrames + deposits) * 4096) {
      problems.push(`pid ${t.pid}: VmPTE ${mm.pgtablesBytes / 1024} kB but ${vmpteFrames} table frames + ${deposits} deposits`);
    }
  }
  // Every folio: mapcounts and refcount agree with mappings and the page cache.
  const cacheRefs = new Map<number, number>();
  for (const inode of k.inodes.values()) {
    for (let i = 0; i < inode.cache.length; i++) {
      const pfn = inode.cache[i]!;
      if (pfn < 0) continue;
      const head = p.folioOf(pfn);
      cacheRefs.set(head, (cacheRefs.get(head) ?? 0) + 1);
    }
  }
  for (const head of k.lazyfreeBatch) cacheRefs.set(head, (cacheRefs.get(head) ?? 0) + 1);
  for (const inode of k.inodes.values()) for (const entry of inode.swapped.values()) swapRefs.set(entry, (swapRefs.get(entry) ?? 0) + 1);
  let swapUsed = 0;
  for (const si of k.swapAreas) {
    for (const pfn of si.cache.values()) cacheRefs.set(pfn, (cacheRefs.get(pfn) ?? 0) + 1);
    for (let off = 1; off < si.pages; off++) {
      const m = si.map[off]!;
      if (m === 0) continue;
      swapUsed++;
      const entry = si.type * 2 ** 26 + off;
      if ((m & 0x3f) !== (swapRefs.get(entry) ?? 0)) problems.push(`swap slot ${entry}: count ${m & 0x3f} but ${swapRefs.get(entry) ?? 0} references`);
      if (Boolean(m & 0x40) !== si.cache.has(off)) problems.push(`swap slot ${entry}: SWAP_HAS_CACHE ${Boolean(m & 0x40)} but cached ${si.cache.has(off)}`);
    }
  }
  if (swapUsed !== k.totalSwapPages - k.nrSwapPages) problems.push(`swap: ${swapUsed} slots used but counters say ${k.totalSwapPages - k.nrSwapPages}`);
  const heads = new Set<number>([...cacheRefs.keys(), ...pmdMaps.keys(), ...[...pteMaps.keys()].map((x) => p.folioOf(x))]);
  // The hugetlb pool's free pages are out of the buddy allocator too.
  let usedFrames = 1 + (k.hugeZeroPfn >= 0 ? 512 : 0) + tableFrames;
  for (const h of k.hstates) {
    usedFrames += h.freeHugePages * h.nrPages;
    if (h.free.length !== h.freeHugePages) problems.push(`${h.name}: ${h.free.length} pages on the free list but free_hugepages ${h.freeHugePages}`);
    for (const head of h.free) {
      if (p.refcount[head] !== 0 || !(p.flags[head]! & PG_hugetlb) || p.order[head] !== h.order) problems.push(`${h.name}: free page ${head} has refcount ${p.refcount[head]}, order ${p.order[head]}`);
    }
    if (h.resvHugePages > h.freeHugePages || h.resvHugePages < 0) problems.push(`${h.name}: ${h.resvHugePages} reserved but ${h.freeHugePages} free`);
  }
  const hugetlbInUse = new Map<number, number>();
  let anonMapped = 0;
  let fileMapped = 0;
  for (const head of heads) {
    const n = p.nrPages(head);
    usedFrames += n;
    if (p.flags[head]! & PG_hugetlb) hugetlbInUse.set(p.order[head]!, (hugetlbInUse.get(p.order[head]!) ?? 0) + 1);
    let maps = pmdMaps.get(head) ?? 0;
    if ((p.entireMapcount[head] ?? 0) !== maps) problems.push(`folio ${head}: entire mapcount ${p.entireMapcount[head]} but ${maps} PMD maps`);
    for (let i = 0; i < n; i++) {
      const m = pteMaps.get(head + i) ?? 0;
      if (p.mapcount[head + i] !== m) problems.push(`page ${head + i}: mapcount ${p.mapcount[head + i]} but ${m} PTE maps`);
      maps += m;
      if (m + (pmdMaps.get(head) ?? 0) > 0 && !(p.flags[head]! & PG_hugetlb)) {
        if (p.flags[head]! & PG_anon) anonMapped++;
        else fileMapped++;
      }
    }
    const expect = maps + (cacheRefs.get(head) ?? 0);
    if (p.refcount[head] !== expect) problems.push(`folio ${head}${p.flags[head]! & PG_head ? ' (large)' : ''}: refcount ${p.refcount[head]} but ${expect} references`);
  }
  if (k.vmstat.get(VM.nr_anon_pages) !== anonMapped) problems.push(`AnonPages ${k.vmstat.get(VM.nr_anon_pages)} but ${anonMapped} mapped anon pages`);
  if (k.vmstat.get(VM.nr_mapped) !== fileMapped) problems.push(`Mapped ${k.vmstat.get(VM.nr_mapped)} but ${fileMapped} mapped file pages`);
  for (const h of k.hstates) {
    const used = hugetlbInUse.get(h.order) ?? 0;
    if (used + h.freeHugePages !== h.nrHugePages) problems.push(`${h.name}: ${used} pages in use + ${h.freeHugePages} free != nr_hugepages ${h.nrHugePages}`);
  }
  const free = k.buddy.freePages;
  if (free + usedFrames !== k.totalramPages) problems.push(`free ${free} + used ${usedFrames} != total ${k.totalramPages}`);
  if (k.vmstat.get(VM.nr_free_pages) !== free) problems.push(`nr_free_pages ${k.vmstat.get(VM.nr_free_pages)} != ${free}`);
  problems.push(...lruGenInvariants(k, heads));
  // A large folio's mm-id record counts every page-table mapping of it (_large_mapcount).
  for (const [head, ids] of k.mmIds) {
    if (!(p.flags[head]! & PG_head)) problems.push(`frame ${head}: mm-id record on a folio that is not large`);
    else if (ids.large + 1 !== p.folioMapcount(head)) problems.push(`folio ${head}: mm-id record counts ${ids.large + 1} mappings, page tables ${p.folioMapcount(head)}`);
  }
  return problems;
}
