// VMA bookkeeping: protections, per-mm size counters, splitting and merging.
// Linux: mm/vma.c (__split_vma, vma_merge_new_range, vma_merge_existing_range,
// vma_modify_flags, is_mergeable_vma, is_mergeable_anon_vma), mm/mmap.c
// (vm_stat_account, vma_set_page_prot, vma_wants_writenotify),
// arch/x86/mm/pgprot.c (protection_map).
//
//   split at B:   [A ........ C)   →   [A .. B) [B .. C)       map_count + 1
//   merge:        [A .. B)[B .. C) →   [A ........ C)          when flags, file,
//                 offsets and anon_vmas are compatible
import { PMD_SIZE, roundDown } from '../hw/addr.js';
import { PTE_ACCESSED, PTE_NX, PTE_PRESENT, PTE_PROTNONE, PTE_RW, PTE_USER } from '../hw/pte.js';
import { splitHugePmd } from './huge_memory.js';
import { hugetlbSplitOk, hugetlbVmaSplit } from './hugetlb.js';
import { EINVAL, ENOMEM } from './errno.js';
import type { Kernel } from './kernel.js';
import { Vma, type Mm } from './mm_types.js';
import { pmdHuge, pmdLookup } from './pgtable.js';
import { cloneAnonVma, unlinkAnonVmas } from './rmap.js';
import {
  VM_EXEC,
  VM_GROWSDOWN,
  VM_HUGETLB,
  VM_IGNORE_MERGE,
  VM_READ,
  VM_SHARED,
  VM_SPECIAL,
  VM_STACK,
  VM_WRITE,
} from './vm_flags.js';

/** vm.max_map_count default. */
export const DEFAULT_MAX_MAP_COUNT = 65530;

const PAGE_NONE = PTE_PROTNONE | PTE_ACCESSED;
const PAGE_READONLY = PTE_PRESENT | PTE_USER | PTE_ACCESSED | PTE_NX;
const PAGE_READONLY_EXEC = PTE_PRESENT | PTE_USER | PTE_ACCESSED;
const PAGE_COPY = PAGE_READONLY;
const PAGE_COPY_EXEC = PAGE_READONLY_EXEC;
const PAGE_SHARED = PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_NX;
const PAGE_SHARED_EXEC = PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED;

/** x86 protection_map[], indexed by the VM_SHARED, EXEC, WRITE, READ bits. */
const PROTECTION_MAP = [
  PAGE_NONE,
  PAGE_READONLY,
  PAGE_COPY,
  PAGE_COPY,
  PAGE_READONLY_EXEC,
  PAGE_READONLY_EXEC,
  PAGE_COPY_EXEC,
  PAGE_COPY_EXEC,
  PAGE_NONE,
  PAGE_READONLY,
  PAGE_SHARED,
  PAGE_SHARED,
  PAGE_READONLY_EXEC,
  PAGE_READONLY_EXEC,
  PAGE_SHARED_EXEC,
  PAGE_SHARED_EXEC,
];

/** vm_get_page_prot(). */
export function vmGetPageProt(flags: number): number {
  return PROTECTION_MAP[flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)]!;
}

/**
 * vma_wants_writenotify(): a shared writable mapping of a file system that
 * tracks dirty pages (ext4, through ->page_mkwrite) keeps its PTEs read-only
 * so the first write to each clean page faults; shmem does not.
 */
export function wantsWritenotify(vma: Vma): boolean {
  if ((vma.flags & (VM_SHARED | VM_WRITE)) !== (VM_SHARED | VM_WRITE)) return false;
  return vma.kind === 'file';
}

/** vma_set_page_prot(): recompute the PTE protection for new mappings. */
export function vmaSetPageProt(vma: Vma): void {
  let flags = vma.flags;
  if (wantsWritenotify(vma)) flags &= ~VM_SHARED;
  vma.pageProt = vmGetPageProt(flags);
}

/**
 * vm_stat_account(): total_vm and the one of exec/stack/data a VMA counts in.
 * exec: EXEC without WRITE or STACK; stack: GROWSDOWN; data: WRITE,
 * private, not stack.
 */
export function vmStatAccount(mm: Mm, flags: number, npages: number): void {
  mm.totalVm += npages;
  if ((flags & (VM_EXEC | VM_WRITE | VM_STACK)) === VM_EXEC) mm.execVm += npages;
  else if (flags & VM_STACK) mm.stackVm += npages;
  else if ((flags & (VM_WRITE | VM_SHARED | VM_STACK)) === VM_WRITE) mm.dataVm += npages;
}

/** Inserts a VMA into its mm and, for files, the file's i_mmap. */
export function vmaLink(k: Kernel, vma: Vma): void {
  const mm = vma.mm;
  const i = mm.findIndex(vma.start);
  mm.vmas.splice(i, 0, vma);
  if (vma.file) {
    vma.file.inode.mmaps.add(vma);
    k.inodes.set(vma.file.inode.id, vma.file.inode);
  }
}

/** Removes a VMA from its mm, the file's i_mmap and its anon_vmas. */
export function vmaUnlink(k: Kernel, vma: Vma): void {
  const mm = vma.mm;
  const i = mm.vmas.indexOf(vma);
  if (i >= 0) mm.vmas.splice(i, 1);
  if (vma.file) vma.file.inode.mmaps.delete(vma);
  unlinkAnonVmas(k, vma);
}

/** A copy of a VMA with the same attributes (vm_area_dup), not linked anywhere. */
export function vmaDup(vma: Vma): Vma {
  const v = new Vma(vma.mm, vma.start, vma.end, vma.flags, vma.pgoff, vma.kind, vma.file);
  v.pageProt = vma.pageProt;
  return v;
}

/** Splits a huge PMD straddling `addr` inside `vma` (split_huge_pmd_if_needed). */
function splitHugePmdAt(k: Kernel, vma: Vma, addr: number): void {
  if (addr % PMD_SIZE === 0) return;
  const haddr = roundDown(addr, PMD_SIZE);
  if (haddr < vma.start || haddr + PMD_SIZE > vma.end) return;
  const pmdE = pmdLookup(k, vma.mm, haddr);
  if (pmdE >= 0 && pmdHuge(k, pmdE)) splitHugePmd(k, vma, pmdE);
}

/**
 * __split_vma(): splits `vma` at `addr` into two VMAs. The new one is the
 * part below addr if `newBelow`, else the part above. Returns the new VMA,
 * or null (ENOMEM) when map_count has reached the limit (munmap passes
 * `force`: it may exceed the limit transiently, as __split_vma does).
 */
export function splitVma(k: Kernel, vma: Vma, addr: number, newBelow: boolean, force = false): Vma | null {
  const mm = vma.mm;
  if (!force && mm.mapCount >= k.maxMapCount) return null;
  splitHugePmdAt(k, vma, addr);
  const nv = vmaDup(vma);
  if (newBelow) {
    nv.end = addr;
    vma.pgoff += (addr - vma.start) / 4096;
    vma.start = addr;
  } else {
    nv.start = addr;
    nv.pgoff += (addr - vma.start) / 4096;
    vma.end = addr;
  }
  cloneAnonVma(k, nv, vma);
  if (vma.flags & VM_HUGETLB) hugetlbVmaSplit(vma, nv);
  vmaLink(k, nv);
  return nv;
}

/** A forked VMA whose anon_vma chain is longer than one (vma_had_uncowed_parents). */
function hadUncowedParents(v: Vma | null): boolean {
  return v !== null && v.anonVma !== null && v.chain.length !== 1;
}

/** The attributes a merge compares: proposed flags, file and offset of a range. */
export interface MergeProposal {
  flags: number;
  file: Vma['file'];
  kind: Vma['kind'];
  /** Page offset the proposed range starts at. */
  pgoff: number;
  start: number;
  end: number;
  /** The anon_vma the range brings (its current VMA's), or null. */
  anonVma: Vma['anonVma'];
  /** The VMA the range currently belongs to (existing-range merges), or null. */
  middle: Vma | null;
}

function isMergeableVma(tgt: Vma, g: MergeProposal): boolean {
  return ((tgt.flags ^ g.flags) & ~VM_IGNORE_MERGE) === 0 && tgt.file === g.file && tgt.kind === g.kind;
}

function isMergeableAnonVma(tgt: Vma, g: MergeProposal): boolean {
  const tgtAnon = tgt.anonVma;
  const srcAnon = g.anonVma;
  if (!tgtAnon && srcAnon) return !hadUncowedParents(g.middle);
  if (tgtAnon && !srcAnon) return !hadUncowedParents(tgt);
  return srcAnon === tgtAnon;
}

/** can_vma_merge_after(): `prev` can absorb the proposed range that follows it. */
function canMergeAfter(prev: Vma, g: MergeProposal): boolean {
  return isMergeableVma(prev, g) && isMergeableAnonVma(prev, g) && prev.pgoff + prev.nrPages === g.pgoff;
}

/** can_vma_merge_before(): `next` can absorb the proposed range that precedes it. */
function canMergeBefore(next: Vma, g: MergeProposal): boolean {
  return isMergeableVma(next, g) && isMergeableAnonVma(next, g) && next.pgoff === g.pgoff + (g.end - g.start) / 4096;
}

function neighbours(mm: Mm, g: MergeProposal): { prev: Vma | null; next: Vma | null } {
  const i = mm.findIndex(g.start);
  let prev: Vma | null = mm.vmas[i - 1] ?? null;
  let next: Vma | null = mm.vmas[i] ?? null;
  if (g.middle) {
    const m = mm.vmas.indexOf(g.middle);
    prev = mm.vmas[m - 1] ?? null;
    next = mm.vmas[m + 1] ?? null;
  } else if (next && next.start < g.end) next = null;
  if (prev && prev.end !== g.start) prev = null;
  if (next && next.start !== g.end) next = null;
  return { prev, next };
}

/**
 * vma_merge_new_range(): tries to place a new mapping [start, end) by
 * extending a neighbour instead of creating a VMA. Returns the VMA that now
 * covers the range, or null if no merge was possible.
 */
export function vmaMergeNew(k: Kernel, mm: Mm, g: MergeProposal): Vma | null {
  if (g.flags & VM_SPECIAL) return null;
  const { prev, next } = neighbours(mm, g);
  const canLeft = prev !== null && canMergeAfter(prev, g);
  let canRight = next !== null && canMergeBefore(next, g);
  if (canLeft && canRight) canRight = !prev!.anonVma || !next!.anonVma || prev!.anonVma === next!.anonVma;
  if (canLeft && canRight) {
    // prev absorbs the range and next.
    prev!.end = next!.end;
    if (!prev!.anonVma && next!.anonVma) cloneAnonVma(k, prev!, next!);
    vmaUnlink(k, next!);
    return prev;
  }
  if (canLeft) {
    prev!.end = g.end;
    return prev;
  }
  if (canRight) {
    next!.start = g.start;
    next!.pgoff = g.pgoff;
    return next;
  }
  return null;
}

/**
 * vma_modify(): gives [start, end) of `vma` new flags, merging with a
 * neighbour where possible (vma_merge_existing_range) and splitting
 * otherwise. Returns the VMA now covering exactly [start, end), or -ENOMEM
 * if a split hit max_map_count, or -EINVAL if a hugetlb VMA would split off
 * a huge-page boundary (the split at `start`, done first, then stays).
 */
export function vmaModifyFlags(k: Kernel, vma: Vma, start: number, end: number, newFlags: number): Vma | number {
  const mm = vma.mm;
  const g: MergeProposal = {
    flags: newFlags,
    file: vma.file,
    kind: vma.kind,
    pgoff: vma.pgoff + (start - vma.start) / 4096,
    start,
    end,
    anonVma: vma.anonVma,
    middle: vma,
  };
  const leftSide = start === vma.start;
  const rightSide = end === vma.end;
  if (!(newFlags & VM_SPECIAL) && (leftSide || rightSide)) {
    const { prev, next } = neighbours(mm, g);
    const mergeLeft = leftSide && prev !== null && canMergeAfter(prev, g);
    let mergeRight = rightSide && next !== null && canMergeBefore(next, g);
    if (mergeLeft && mergeRight) mergeRight = !prev!.anonVma || !next!.anonVma || prev!.anonVma === next!.anonVma;
    if (mergeLeft || mergeRight) {
      splitHugePmdAt(k, vma, start);
      splitHugePmdAt(k, vma, end);
      if (mergeLeft && mergeRight) {
        prev!.end = next!.end;
        adoptAnonVma(k, prev!, vma);
        adoptAnonVma(k, prev!, next!);
        vmaUnlink(k, vma);
        vmaUnlink(k, next!);
        return prev;
      }
      if (mergeLeft) {
        prev!.end = end;
        adoptAnonVma(k, prev!, vma);
        if (rightSide) vmaUnlink(k, vma);
        else {
          vma.pgoff += (end - vma.start) / 4096;
          vma.start = end;
        }
        return prev;
      }
      next!.start = start;
      next!.pgoff = g.pgoff;
      adoptAnonVma(k, next!, vma);
      if (leftSide) vmaUnlink(k, vma);
      else vma.end = start;
      return next!;
    }
  }
  if (vma.start < start) {
    if (!hugetlbSplitOk(k, vma, start)) return -EINVAL;
    if (!splitVma(k, vma, start, true)) return -ENOMEM;
  }
  if (vma.end > end) {
    if (!hugetlbSplitOk(k, vma, end)) return -EINVAL;
    if (!splitVma(k, vma, end, false)) return -ENOMEM;
  }
  vma.flags = newFlags;
  return vma;
}

/** dup_anon_vma(): a merge target without an anon_vma takes the source's. */
function adoptAnonVma(k: Kernel, dst: Vma, src: Vma): void {
  if (!dst.anonVma && src.anonVma) cloneAnonVma(k, dst, src);
}

/** True for VMAs that are stacks (VM_GROWSDOWN). */
export function isStack(vma: Vma): boolean {
  return (vma.flags & VM_GROWSDOWN) !== 0;
}
