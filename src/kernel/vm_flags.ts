// vm_flags bits of a VMA and their smaps mnemonics. Linux: include/linux/mm.h,
// fs/proc/task_mmu.c show_smap_vma_flags(). Flags are int32 values (bit 31,
// VM_MERGEABLE, makes them negative; always compare with `!== 0`).

export const VM_NONE = 0;
export const VM_READ = 1 << 0;
export const VM_WRITE = 1 << 1;
export const VM_EXEC = 1 << 2;
export const VM_SHARED = 1 << 3;
/** Each MAY bit sits 4 bits above its access bit: VM_MAYx = VM_x << 4. */
export const VM_MAYREAD = 1 << 4;
export const VM_MAYWRITE = 1 << 5;
export const VM_MAYEXEC = 1 << 6;
export const VM_MAYSHARE = 1 << 7;
export const VM_GROWSDOWN = 1 << 8;
export const VM_UFFD_MISSING = 1 << 9;
export const VM_PFNMAP = 1 << 10;
export const VM_MAYBE_GUARD = 1 << 11;
export const VM_UFFD_WP = 1 << 12;
export const VM_LOCKED = 1 << 13;
export const VM_IO = 1 << 14;
export const VM_SEQ_READ = 1 << 15;
export const VM_RAND_READ = 1 << 16;
export const VM_DONTCOPY = 1 << 17;
export const VM_DONTEXPAND = 1 << 18;
export const VM_LOCKONFAULT = 1 << 19;
export const VM_ACCOUNT = 1 << 20;
export const VM_NORESERVE = 1 << 21;
export const VM_HUGETLB = 1 << 22;
export const VM_SYNC = 1 << 23;
export const VM_ARCH_1 = 1 << 24;
export const VM_WIPEONFORK = 1 << 25;
export const VM_DONTDUMP = 1 << 26;
export const VM_SOFTDIRTY = 1 << 27;
export const VM_MIXEDMAP = 1 << 28;
export const VM_HUGEPAGE = 1 << 29;
export const VM_NOHUGEPAGE = 1 << 30;
export const VM_MERGEABLE = 1 << 31;

export const VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC;
export const VM_MAY_FLAGS = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
export const VM_STACK = VM_GROWSDOWN;
export const VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;
export const VM_LOCKED_MASK = VM_LOCKED | VM_LOCKONFAULT;
/** Flags that do not stop two VMAs from merging (VM_STICKY / VM_IGNORE_MERGE). */
export const VM_IGNORE_MERGE = VM_SOFTDIRTY | VM_MAYBE_GUARD;

/** smaps VmFlags mnemonics by bit, printed in bit order. */
const MNEMONICS: Array<[number, string]> = [
  [VM_READ, 'rd'],
  [VM_WRITE, 'wr'],
  [VM_EXEC, 'ex'],
  [VM_SHARED, 'sh'],
  [VM_MAYREAD, 'mr'],
  [VM_MAYWRITE, 'mw'],
  [VM_MAYEXEC, 'me'],
  [VM_MAYSHARE, 'ms'],
  [VM_GROWSDOWN, 'gd'],
  [VM_UFFD_MISSING, 'um'],
  [VM_PFNMAP, 'pf'],
  [VM_UFFD_WP, 'uw'],
  [VM_LOCKED, 'lo'],
  [VM_IO, 'io'],
  [VM_SEQ_READ, 'sr'],
  [VM_RAND_READ, 'rr'],
  [VM_DONTCOPY, 'dc'],
  [VM_DONTEXPAND, 'de'],
  [VM_LOCKONFAULT, 'lf'],
  [VM_ACCOUNT, 'ac'],
  [VM_NORESERVE, 'nr'],
  [VM_HUGETLB, 'ht'],
  [VM_SYNC, 'sf'],
  [VM_ARCH_1, 'ar'],
  [VM_WIPEONFORK, 'wf'],
  [VM_DONTDUMP, 'dd'],
  [VM_SOFTDIRTY, 'sd'],
  [VM_MIXEDMAP, 'mm'],
  [VM_HUGEPAGE, 'hg'],
  [VM_NOHUGEPAGE, 'nh'],
  [VM_MERGEABLE, 'mg'],
];

/** The two-letter VmFlags codes of `flags`, in the kernel's order. */
export function vmFlagMnemonics(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of MNEMONICS) if ((flags & bit) !== 0) out.push(name);
  return out;
}
