// fork: duplicating an address space. Linux: kernel/fork.c (dup_mm),
// mm/mmap.c (dup_mmap), mm/memory.c (copy_page_range, vma_needs_copy).
//
// Which VMAs get their page tables copied (vma_needs_copy): those with an
// anon_vma (anything anonymous was ever faulted in them, including COW copies
// in private file mappings), PFN/mixed maps. Everything else (shared
// mappings, untouched private file mappings) is left for the child to
// refault. MADV_DONTFORK VMAs are not inherited; MADV_WIPEONFORK VMAs are,
// empty. mlock is not inherited.
import { ENOMEM } from './errno.js';
import type { Kernel } from './kernel.js';
import { copyPageRange } from './memory.js';
import { Mm, Vma } from './mm_types.js';
import { pgdAlloc } from './pgtable.js';
import { anonVmaFork } from './rmap.js';
import { vmEnoughMemory } from './util.js';
import { VM_ACCOUNT, VM_DONTCOPY, VM_LOCKED_MASK, VM_MIXEDMAP, VM_PFNMAP, VM_WIPEONFORK } from './vm_flags.js';
import { vmStatAccount, vmaLink } from './vma.js';

function vmaNeedsCopy(src: Vma): boolean {
  if (src.flags & (VM_PFNMAP | VM_MIXEDMAP)) return true;
  return src.anonVma !== null;
}

/**
 * dup_mm(): a copy of `old` for a child process, or -ENOMEM if committing
 * the child's private writable mappings is refused (overcommit) or memory
 * runs out. The parent's writable private PTEs become read-only.
 */
export function dupMm(k: Kernel, old: Mm): Mm | number {
  const mm = new Mm();
  if (!pgdAlloc(k, mm)) return -ENOMEM;
  mm.totalVm = old.totalVm;
  mm.dataVm = old.dataVm;
  mm.execVm = old.execVm;
  mm.stackVm = old.stackVm;
  mm.defFlags = old.defFlags;
  mm.startCode = old.startCode;
  mm.endCode = old.endCode;
  mm.startData = old.startData;
  mm.endData = old.endData;
  mm.startBrk = old.startBrk;
  mm.brk = old.brk;
  mm.startStack = old.startStack;
  mm.mmapBase = old.mmapBase;
  for (const src of old.vmas) {
    if (src.flags & VM_DONTCOPY) {
      vmStatAccount(mm, src.flags, -src.nrPages);
      continue;
    }
    if (src.flags & VM_ACCOUNT) {
      // The child's VMAs created so far are uncharged by exitMm().
      if (vmEnoughMemory(k, old, src.nrPages) < 0) {
        k.exitMm(mm);
        return -ENOMEM;
      }
    }
    const v = new Vma(mm, src.start, src.end, src.flags & ~VM_LOCKED_MASK, src.pgoff, src.kind, src.file);
    v.pageProt = src.pageProt;
    if (!(src.flags & VM_WIPEONFORK)) anonVmaFork(k, v, src);
    vmaLink(k, v);
    if (!(src.flags & VM_WIPEONFORK) && vmaNeedsCopy(src)) {
      if (!copyPageRange(k, v, src)) {
        k.exitMm(mm);
        return -ENOMEM;
      }
    }
  }
  // The parent's PTEs lost write permission: its whole TLB is flushed once.
  k.tlb.flushMm(old);
  mm.hiwaterRss = mm.rssPages;
  mm.hiwaterVm = mm.totalVm;
  return mm;
}
