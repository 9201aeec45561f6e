// /proc/PID/maps, smaps and smaps_rollup, byte for byte in the kernel's format.
// Linux: fs/proc/task_mmu.c (show_map_vma, show_vma_header_prefix,
// smaps_account, smaps_pte_entry, smaps_pmd_entry, __show_smap,
// show_smaps_rollup, show_smap_vma_flags).
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_PRESENT, PTE_PROTNONE, PTE_PSE, PTE_SPECIAL, PTE_SWAP } from '../hw/pte.js';
import { thpModeAllows, thpSuitable } from '../kernel/huge_memory.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Mm, Vma } from '../kernel/mm_types.js';
import { PG_anon, PG_dirty, PG_referenced, PG_swapbacked } from '../kernel/page.js';
import { pmdLookup, pmdMissingEnd } from '../kernel/pgtable.js';
import type { Task } from '../kernel/task.js';
import type { SmapsVma } from './smaps_parse.js';
import { VM_HUGETLB, VM_LOCKED, VM_MAYSHARE, VM_READ, VM_WRITE, VM_EXEC, vmFlagMnemonics } from '../kernel/vm_flags.js';
import { smapsHugetlb, vmaKernelPagesize } from '../kernel/hugetlb.js';

const PSS_SHIFT = 2 ** 12;

/** struct mem_size_stats; byte counts, Pss values in bytes << 12. */
export interface MemSizeStats {
  resident: number;
  sharedClean: number;
  sharedDirty: number;
  privateClean: number;
  privateDirty: number;
  referenced: number;
  anonymous: number;
  ksm: number;
  lazyfree: number;
  anonymousThp: number;
  shmemThp: number;
  fileThp: number;
  swap: number;
  sharedHugetlb: number;
  privateHugetlb: number;
  pss: number;
  pssDirty: number;
  pssAnon: number;
  pssFile: number;
  pssShmem: number;
  pssLocked: number;
  swapPss: number;
}

export function emptyStats(): MemSizeStats {
  return {
    resident: 0,
    sharedClean: 0,
    sharedDirty: 0,
    privateClean: 0,
    privateDirty: 0,
    referenced: 0,
    anonymous: 0,
    ksm: 0,
    lazyfree: 0,
    anonymousThp: 0,
    shmemThp: 0,
    fileThp: 0,
    swap: 0,
    sharedHugetlb: 0,
    privateHugetlb: 0,
    pss: 0,
    pssDirty: 0,
    pssAnon: 0,
    pssFile: 0,
    pssShmem: 0,
    pssLocked: 0,
    swapPss: 0,
  };
}

function pageAccumulate(k: Kernel, mss: MemSizeStats, head: number, size: number, pss: number, dirty: boolean, locked: boolean, priv: boolean): void {
  const f = k.pages.flags[head]!;
  mss.pss += pss;
  if (f & PG_anon) mss.pssAnon += pss;
  else if (f & PG_swapbacked) mss.pssShmem += pss;
  else mss.pssFile += pss;
  if (locked) mss.pssLocked += pss;
  if (dirty || f & PG_dirty) {
    mss.pssDirty += pss;
    if (priv) mss.privateDirty += size;
    else mss.sharedDirty += size;
  } else if (priv) mss.privateClean += size;
  else mss.sharedClean += size;
}

/**
 * smaps_account(): one PTE-mapped page, or a whole PMD-mapped folio. A
 * folio with refcount 1 is mapped exactly once: all private. Otherwise each
 * page is divided by its precise mapcount, in 1/4096-byte units, truncating.
 */
function smapsAccount(k: Kernel, mss: MemSizeStats, pfn: number, compound: boolean, young: boolean, dirty: boolean, locked: boolean): void {
  const p = k.pages;
  const head = p.folioOf(pfn);
  const f = p.flags[head]!;
  const nr = compound ? p.nrPages(head) : 1;
  const size = nr * 4096;
  if (f & PG_anon) {
    mss.anonymous += size;
    if (!(f & PG_swapbacked) && !dirty && !(f & PG_dirty)) mss.lazyfree += size;
  }
  mss.resident += size;
  if (young || f & PG_referenced) mss.referenced += size;
  if (p.refcount[head] === 1) {
    pageAccumulate(k, mss, head, size, size * PSS_SHIFT, dirty, locked, true);
    return;
  }
  const first = compound ? head : pfn;
  for (let i = 0; i < nr; i++) {
    const mapcount = p.pageMapcount(first + i);
    let pss = 4096 * PSS_SHIFT;
    if (mapcount >= 2) pss = Math.floor(pss / mapcount);
    pageAccumulate(k, mss, head, 4096, pss, dirty, locked, mapcount < 2);
  }
}

/** smap_gather_stats() for one VMA: walks its page tables. */
export function gatherStats(k: Kernel, vma: Vma, mss: MemSizeStats): void {
  if (vma.flags & VM_HUGETLB) {
    // smaps_hugetlb_range(): hugetlb pages count apart from Rss and Pss.
    const h = smapsHugetlb(k, vma);
    mss.sharedHugetlb += h.shared;
    mss.privateHugetlb += h.private;
    return;
  }
  const pt = k.pt;
  const locked = (vma.flags & VM_LOCKED) !== 0;
  for (let a = vma.start; a < vma.end; ) {
    const nextPmd = Math.min((Math.floor(a / 2097152) + 1) * 2097152, vma.end);
    const pmdE = pmdLookup(k, vma.mm, a);
    if (pmdE < 0) {
      a = Math.min(pmdMissingEnd(k, vma.mm, a), vma.end);
      continue;
    }
    if (pt.flags[pmdE] === 0 && pt.val[pmdE] === 0) {
      a = nextPmd;
      continue;
    }
    const pf = pt.flags[pmdE]!;
    if (pf & PTE_PSE) {
      if (pf & (PTE_PRESENT | PTE_PROTNONE) && !(pf & PTE_SPECIAL)) {
        const head = pt.val[pmdE]!;
        const f = k.pages.flags[head]!;
        if (f & PG_anon) mss.anonymousThp += 2097152;
        else if (f & PG_swapbacked) mss.shmemThp += 2097152;
        else mss.fileThp += 2097152;
        smapsAccount(k, mss, head, true, (pf & PTE_ACCESSED) !== 0, (pf & PTE_DIRTY) !== 0, locked);
      }
      a = nextPmd;
      continue;
    }
    const table = pt.val[pmdE]!;
    for (let b = a; b < nextPmd; b += 4096) {
      const e = table * ENTRIES + (Math.floor(b / 4096) & 511);
      const f = pt.flags[e]!;
      if (f === 0 && pt.val[e] === 0) continue;
      if (f & PTE_SWAP) {
        mss.swap += 4096;
        mss.swapPss += 4096 * PSS_SHIFT;
        continue;
      }
      if (!(f & (PTE_PRESENT | PTE_PROTNONE)) || f & PTE_SPECIAL) continue;
      smapsAccount(k, mss, pt.val[e]!, false, (f & PTE_ACCESSED) !== 0, (f & PTE_DIRTY) !== 0, locked);
    }
    a = nextPmd;
  }
}

/** THPeligible: whether some THP order is allowed and fits the VMA (TVA_SMAPS). */
export function thpEligible(k: Kernel, vma: Vma): boolean {
  if (vma.kind !== 'anon') return false;
  if (!thpModeAllows(k, vma)) return false;
  return thpSuitable(vma, vma.end - 2097152);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** The name shown after the inode in /proc/PID/maps. */
export function vmaName(vma: Vma, mm: Mm): string {
  if (vma.file) {
    const inode = vma.file.inode;
    return inode.nlink === 0 ? `${inode.path} (deleted)` : inode.path;
  }
  if (vma.start <= mm.brk && vma.end >= mm.startBrk && mm.startBrk !== 0) return '[heap]';
  if (vma.start <= mm.startStack && vma.end >= mm.startStack && mm.startStack !== 0) return '[stack]';
  return '';
}

/** show_vma_header_prefix() + name, padded so the name starts at column 74. */
/** The 4-character permission field: r/w/x, then s for any MAP_SHARED mapping, else p. */
function permString(f: number): string {
  return (f & VM_READ ? 'r' : '-') + (f & VM_WRITE ? 'w' : '-') + (f & VM_EXEC ? 'x' : '-') + (f & VM_MAYSHARE ? 's' : 'p');
}

export function mapsLine(vma: Vma, mm: Mm): string {
  const perms = permString(vma.flags);
  let dev = '00:00';
  let ino = 0;
  let off = 0;
  if (vma.file) {
    const [maj, min] = vma.file.inode.dev;
    dev = `${hex(maj, 2)}:${hex(min, 2)}`;
    ino = vma.file.inode.ino;
    off = vma.pgoff * 4096;
  }
  const prefix = `${hex(vma.start, 8)}-${hex(vma.end, 8)} ${perms} ${hex(off, 8)} ${dev} ${ino} `;
  const name = vmaName(vma, mm);
  if (!name) return prefix;
  return prefix.padEnd(72, ' ') + ' ' + name;
}

/** A "Label:   N kB" line: the label padded to 16, the value right-aligned in 8. */
function kb(label: string, bytes: number): string {
  return `${(label + ':').padEnd(16)}${String(Math.floor(bytes / 1024)).padStart(8)} kB`;
}

function showSmap(mss: MemSizeStats, rollup: boolean): string[] {
  const out = [kb('Rss', mss.resident), kb('Pss', Math.floor(mss.pss / PSS_SHIFT)), kb('Pss_Dirty', Math.floor(mss.pssDirty / PSS_SHIFT))];
  if (rollup) {
    out.push(kb('Pss_Anon', Math.floor(mss.pssAnon / PSS_SHIFT)), kb('Pss_File', Math.floor(mss.pssFile / PSS_SHIFT)), kb('Pss_Shmem', Math.floor(mss.pssShmem / PSS_SHIFT)));
  }
  out.push(
    kb('Shared_Clean', mss.sharedClean),
    kb('Shared_Dirty', mss.sharedDirty),
    kb('Private_Clean', mss.privateClean),
    kb('Private_Dirty', mss.privateDirty),
    kb('Referenced', mss.referenced),
    kb('Anonymous', mss.anonymous),
    kb('KSM', mss.ksm),
    kb('LazyFree', mss.lazyfree),
    kb('AnonHugePages', mss.anonymousThp),
    kb('ShmemPmdMapped', mss.shmemThp),
    kb('FilePmdMapped', mss.fileThp),
    kb('Shared_Hugetlb', mss.sharedHugetlb),
    `Private_Hugetlb: ${String(Math.floor(mss.privateHugetlb / 1024)).padStart(7)} kB`,
    kb('Swap', mss.swap),
    kb('SwapPss', Math.floor(mss.swapPss / PSS_SHIFT)),
    kb('Locked', Math.floor(mss.pssLocked / PSS_SHIFT)),
  );
  return out;
}

/** /proc/PID/maps. */
export function procPidMaps(task: Task): string {
  const mm = task.mm;
  if (!mm) return '';
  return mm.vmas.map((v) => mapsLine(v, mm) + '\n').join('');
}

/**
 * The smaps block of one VMA as a parsed record (the same numbers the text
 * prints, truncated to kB the same way), for reports that would otherwise
 * print the text and read it back.
 */
export function smapsVmaRecord(k: Kernel, vma: Vma): SmapsVma {
  const mss = emptyStats();
  gatherStats(k, vma, mss);
  const fields = new Map<string, number>();
  fields.set('Size', Math.floor((vma.end - vma.start) / 1024));
  fields.set('KernelPageSize', vmaKernelPagesize(k, vma) / 1024);
  fields.set('MMUPageSize', vmaKernelPagesize(k, vma) / 1024);
  fields.set('Rss', Math.floor(mss.resident / 1024));
  fields.set('Pss', Math.floor(Math.floor(mss.pss / PSS_SHIFT) / 1024));
  fields.set('Pss_Dirty', Math.floor(Math.floor(mss.pssDirty / PSS_SHIFT) / 1024));
  fields.set('Shared_Clean', Math.floor(mss.sharedClean / 1024));
  fields.set('Shared_Dirty', Math.floor(mss.sharedDirty / 1024));
  fields.set('Private_Clean', Math.floor(mss.privateClean / 1024));
  fields.set('Private_Dirty', Math.floor(mss.privateDirty / 1024));
  fields.set('Referenced', Math.floor(mss.referenced / 1024));
  fields.set('Anonymous', Math.floor(mss.anonymous / 1024));
  fields.set('KSM', Math.floor(mss.ksm / 1024));
  fields.set('LazyFree', Math.floor(mss.lazyfree / 1024));
  fields.set('AnonHugePages', Math.floor(mss.anonymousThp / 1024));
  fields.set('ShmemPmdMapped', Math.floor(mss.shmemThp / 1024));
  fields.set('FilePmdMapped', Math.floor(mss.fileThp / 1024));
  fields.set('Shared_Hugetlb', Math.floor(mss.sharedHugetlb / 1024));
  fields.set('Private_Hugetlb', Math.floor(mss.privateHugetlb / 1024));
  fields.set('Swap', Math.floor(mss.swap / 1024));
  fields.set('SwapPss', Math.floor(Math.floor(mss.swapPss / PSS_SHIFT) / 1024));
  fields.set('Locked', Math.floor(Math.floor(mss.pssLocked / PSS_SHIFT) / 1024));
  fields.set('THPeligible', thpEligible(k, vma) ? 1 : 0);
  return { start: vma.start, end: vma.end, perms: permString(vma.flags), name: vmaName(vma, vma.mm), fields, vmFlags: vmFlagMnemonics(vma.flags) };
}

/** Parsed smaps of every VMA of a task (see smapsVmaRecord). */
export function procPidSmapsRecords(k: Kernel, task: Task): SmapsVma[] {
  const mm = task.mm;
  if (!mm) return [];
  return mm.vmas.map((v) => smapsVmaRecord(k, v));
}

/** The smaps block of one VMA. */
export function smapsVma(k: Kernel, vma: Vma): string {
  const mss = emptyStats();
  gatherStats(k, vma, mss);
  const lines = [
    mapsLine(vma, vma.mm),
    kb('Size', vma.end - vma.start),
    // vma_kernel_pagesize(), vma_mmu_pagesize(): the huge page size for hugetlb.
    kb('KernelPageSize', vmaKernelPagesize(k, vma)),
    kb('MMUPageSize', vmaKernelPagesize(k, vma)),
    ...showSmap(mss, false),
    `THPeligible:    ${String(thpEligible(k, vma) ? 1 : 0).padStart(8)}`,
    `VmFlags: ${vmFlagMnemonics(vma.flags)
      .map((m) => m + ' ')
      .join('')}`,
  ];
  return lines.join('\n') + '\n';
}

/** /proc/PID/smaps. */
export function procPidSmaps(k: Kernel, task: Task): string {
  const mm = task.mm;
  if (!mm) return '';
  return mm.vmas.map((v) => smapsVma(k, v)).join('');
}

/** /proc/PID/smaps_rollup. */
export function procPidSmapsRollup(k: Kernel, task: Task): string {
  const mm = task.mm;
  if (!mm || mm.vmas.length === 0) return '';
  const mss = emptyStats();
  for (const v of mm.vmas) gatherStats(k, v, mss);
  const first = mm.vmas[0]!.start;
  const last = mm.vmas[mm.vmas.length - 1]!.end;
  const header = `${hex(first, 8)}-${hex(last, 8)} ---p 00000000 00:00 0 `.padEnd(72, ' ') + ' [rollup]';
  return [header, ...showSmap(mss, true)].join('\n') + '\n';
}
