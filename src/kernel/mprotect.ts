// mprotect(2). Linux: mm/mprotect.c (do_mprotect_pkey, mprotect_fixup,
// change_protection, change_pte_range, can_change_pte_writable).
import { PMD_SIZE } from '../hw/addr.js';
import { hugetlbChangeProtection } from './hugetlb.js';
import { ENTRIES } from '../hw/page_table.js';
import { PTE_ACCESSED, PTE_DIRTY, PTE_GLOBAL, PTE_NX, PTE_PCD, PTE_PRESENT, PTE_PSE, PTE_PWT, PTE_RW, PTE_SOFT_DIRTY, PTE_SPECIAL, PTE_UFFD_WP, PTE_USER } from '../hw/pte.js';
import { EACCES, EINVAL, ENOMEM } from './errno.js';
import { populateVmaPageRange } from './gup.js';
import { splitHugePmd } from './huge_memory.js';
import type { Kernel } from './kernel.js';
import { ptePresent, vmNormalPage } from './memory.js';
import type { Vma } from './mm_types.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE, protToVmFlags } from './mmap.js';
import { PG_anon, PG_anon_exclusive } from './page.js';
import { forEachPmd, pmdHuge } from './pgtable.js';
import type { Task } from './task.js';
import { MmuGather } from './tlbflush.js';
import { vmEnoughMemory, vmUnacctMemory } from './util.js';
import {
  VM_ACCESS_FLAGS,
  VM_ACCOUNT,
  VM_HUGETLB,
  VM_LOCKED,
  VM_NORESERVE,
  VM_SHARED,
  VM_WRITE,
} from './vm_flags.js';
import { vmStatAccount, vmaModifyFlags, vmaSetPageProt, wantsWritenotify } from './vma.js';

/** Bits whose change in either direction needs a TLB flush (x86 pte_flags_need_flush flush_on_change). */
const FLUSH_ON_CHANGE = PTE_RW | PTE_USER | PTE_PWT | PTE_PCD | PTE_PSE | PTE_GLOBAL | PTE_NX;

/** Bits pte_modify() keeps from the old entry (_PAGE_CHG_MASK, minus the PFN kept in `val`). */
const CHG_MASK = PTE_PCD | PTE_PWT | PTE_SPECIAL | PTE_ACCESSED | PTE_DIRTY | PTE_SOFT_DIRTY | PTE_UFFD_WP;

/** vma_wants_manual_pte_write_upgrade(). */
function wantsManualWriteUpgrade(vma: Vma): boolean {
  if (vma.flags & VM_SHARED) return wantsWritenotify(vma);
  return (vma.flags & VM_WRITE) !== 0;
}

/**
 * can_change_pte_writable(): in a private mapping only exclusive anonymous
 * pages may become writable at once; in a shared one only dirty PTEs (the
 * file system was told already).
 */
function canChangeWritable(k: Kernel, vma: Vma, e: number, f: number): boolean {
  if (!(vma.flags & VM_WRITE)) return false;
  if (!(f & 1)) return false; // PROT_NONE entries stay as they are
  if (!(vma.flags & VM_SHARED)) {
    const pfn = vmNormalPage(k, e);
    if (pfn < 0) return false;
    const head = k.pages.folioOf(pfn);
    return (k.pages.flags[head]! & PG_anon) !== 0 && (k.pages.flags[pfn]! & PG_anon_exclusive) !== 0;
  }
  return (f & PTE_DIRTY) !== 0;
}

/**
 * x86 pte_needs_flush() for a present old entry (the PFN does not change
 * here): a flush is needed if a permission, caching, size or global bit
 * changed, or if Present or Dirty was cleared; Accessed is ignored.
 */
function pteNeedsFlush(oldFlags: number, newFlags: number): boolean {
  if (!(oldFlags & PTE_PRESENT)) return false;
  const diff = oldFlags ^ newFlags;
  return (diff & oldFlags & (PTE_PRESENT | PTE_DIRTY)) !== 0 || (diff & FLUSH_ON_CHANGE) !== 0;
}

/**
 * change_protection(): rewrites the present entries of [start, end) with the
 * VMA's new protection, telling `tlb` (if given) which entries need a flush.
 */
export function changeProtection(k: Kernel, vma: Vma, start: number, end: number, tlb: MmuGather | null = null): void {
  if (vma.flags & VM_HUGETLB) return hugetlbChangeProtection(k, vma, start, end);
  const pt = k.pt;
  const prot = vma.pageProt;
  const tryWritable = wantsManualWriteUpgrade(vma);
  forEachPmd(k, vma.mm, start, end, (pmdE, a, next) => {
    if (pmdHuge(k, pmdE)) {
      if (next - a !== PMD_SIZE) splitHugePmd(k, vma, pmdE);
      else {
        const f = pt.flags[pmdE]!;
        let nf = (f & CHG_MASK) | prot | PTE_PSE;
        if (f & PTE_SPECIAL) nf &= ~PTE_RW;
        else if (tryWritable && !(nf & PTE_RW) && vma.flags & VM_WRITE && !(vma.flags & VM_SHARED)) {
          const head = pt.val[pmdE]!;
          if (k.pages.flags[head]! & PG_anon_exclusive) nf |= PTE_RW;
        }
        pt.flags[pmdE] = nf;
        if (pteNeedsFlush(f, nf)) tlb?.flushPmdRange(a); // huge_pmd_needs_flush()
        return;
      }
    }
    const table = pt.val[pmdE]!;
    for (let b = a; b < next; b += 4096) {
      const e = table * ENTRIES + (Math.floor(b / 4096) & 511);
      const f = pt.flags[e]!;
      if (!ptePresent(f)) continue;
      let nf = (f & CHG_MASK) | prot;
      if (tryWritable && !(nf & PTE_RW) && canChangeWritable(k, vma, e, nf)) nf |= PTE_RW;
      pt.flags[e] = nf;
      if (pteNeedsFlush(f, nf)) tlb?.flushPteRange(b);
    }
  });
}

/**
 * mprotect_fixup(): new flags for [start, end) of one VMA. Making a private
 * mapping writable charges its whole size to Committed_AS once (VM_ACCOUNT);
 * removing write uncharges only an anonymous VMA that never had a page.
 */
function mprotectFixup(k: Kernel, task: Task, vma: Vma, start: number, end: number, newFlags: number): Vma | number {
  const mm = vma.mm;
  const old = vma.flags;
  if (newFlags === old) return vma;
  const nrpages = (end - start) / 4096;
  let charged = 0;
  if (newFlags & VM_WRITE) {
    if (!(old & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) {
      charged = nrpages;
      if (vmEnoughMemory(k, mm, charged) < 0) return -ENOMEM;
      newFlags |= VM_ACCOUNT;
    }
  } else if (old & VM_ACCOUNT && vma.kind === 'anon' && !vma.anonVma) {
    newFlags &= ~VM_ACCOUNT;
  }
  const v = vmaModifyFlags(k, vma, start, end, newFlags);
  if (typeof v === 'number') {
    if (charged) vmUnacctMemory(k, charged);
    return v;
  }
  v.flags = newFlags;
  vmaSetPageProt(v);
  // change_protection_range() flushes what changed at the end of the VMA (tlb_end_vma).
  const tlb = new MmuGather(k, mm);
  changeProtection(k, v, start, end, tlb);
  tlb.finish();
  if (old & VM_ACCOUNT && !(newFlags & VM_ACCOUNT)) vmUnacctMemory(k, nrpages);
  if ((old & (VM_WRITE | VM_SHARED | VM_LOCKED)) === VM_LOCKED && newFlags & VM_WRITE) populateVmaPageRange(k, task, v, start, end);
  vmStatAccount(mm, old, -nrpages);
  vmStatAccount(mm, newFlags, nrpages);
  return v;
}

/**
 * mprotect(2): the range must be covered by VMAs without holes (ENOMEM,
 * keeping changes made before the hole); asking for an access the VMA's
 * VM_MAY* bits forbid is EACCES.
 */
export function sysMprotect(k: Kernel, task: Task, start: number, len: number, prot: number): number {
  if (start % 4096 !== 0) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) return -EINVAL;
  if (len === 0) return 0;
  len = Math.ceil(len / 4096) * 4096;
  const end = start + len;
  if (end <= start) return -ENOMEM;
  const mm = task.mm!;
  let vma = mm.findVma(start);
  if (!vma || vma.start >= end) return -ENOMEM;
  if (vma.start > start) return -ENOMEM;
  let nstart = start;
  let tmp = vma.start;
  let error = 0;
  while (vma && vma.start < end) {
    if (vma.start !== tmp) {
      error = -ENOMEM;
      break;
    }
    const newFlags = protToVmFlags(prot) | (vma.flags & ~VM_ACCESS_FLAGS);
    // Each MAY bit sits 4 above its access bit: asking for what the VMA may not have.
    if ((newFlags & ~(newFlags >> 4)) & VM_ACCESS_FLAGS) {
      error = -EACCES;
      break;
    }
    const r = mprotectFixup(k, task, vma, nstart, Math.min(vma.end, end), newFlags);
    if (typeof r === 'number') {
      error = r;
      break;
    }
    // Continue after the VMA the range ended up in (it may have merged forward).
    tmp = r.end;
    nstart = tmp;
    vma = mm.findVma(nstart);
  }
  if (!error && tmp < end) error = -ENOMEM;
  return error;
}
