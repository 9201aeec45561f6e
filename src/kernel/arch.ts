// The architecture of the simulated machine: x86-64, or 32-bit x86 with
// either classic 2-level paging (i386) or PAE 3-level paging (i386-pae).
// Linux: arch/x86/include/asm/page_32_types.h (__PAGE_OFFSET, TASK_SIZE),
// pgtable_32_areas.h (MAXMEM), pgtable-2level_types.h, pgtable-3level_types.h,
// arch/x86/mm/init_32.c (find_low_pfn_range, highmem_pfn_init).
//
// The 3G/1G split of a 32-bit kernel:
//
//   0x00000000 ............ 0xbfffffff  user space (TASK_SIZE = 3 GiB)
//   0xc0000000 ............ 0xf7ffffff  lowmem: RAM 0 - 896 MiB, mapped 1:1 (+PAGE_OFFSET)
//   0xf8000000 ............ 0xffffffff  vmalloc, pkmap (kmap), fixmap: 128 MiB
//
// RAM above 896 MiB has no permanent kernel address: it is high memory, and
// the kernel maps a page of it for a moment (kmap_local_page) to touch it.
// Simplification: the kernel's own 896 MiB boundary is MAXMEM =
// VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE, a little less than 896 MiB
// once the fixmap and pkmap areas are carved out; mmsim uses the classic
// round 896 MiB (1 GiB minus the default 128 MiB vmalloc reserve).

export type Arch = 'x86_64' | 'i386' | 'i386-pae';
export const ARCHES: readonly Arch[] = ['x86_64', 'i386', 'i386-pae'];

/** Start of the kernel's direct map on 32-bit x86 (__PAGE_OFFSET, CONFIG_VMSPLIT_3G). */
export const PAGE_OFFSET_32 = 0xc0000000;
/** TASK_SIZE of a 32-bit process: everything below PAGE_OFFSET. */
export const TASK_SIZE_32 = PAGE_OFFSET_32;
/** Pages of lowmem at most: 896 MiB = 229,376 pages (MAXMEM_PFN). */
export const MAXMEM_PFN = (896 * 1024 * 1024) / 4096;
/** Lowmem may not be shrunk below 64 MiB by `highmem=` (lowmem_pfn_init). */
export const MIN_LOWMEM_PAGES = (64 * 1024 * 1024) / 4096;

/** What the rest of the kernel needs to know about the architecture. */
export interface ArchInfo {
  readonly arch: Arch;
  /** 32-bit kernel with CONFIG_HIGHMEM. */
  readonly highmem: boolean;
  readonly pae: boolean;
  /** Page-table levels the hardware walks: 2, 3 or 4. */
  readonly levels: 2 | 3 | 4;
  /** Bytes mapped by one PTE table: 4 MiB (1024 × 4 KiB) or 2 MiB (512 × 4 KiB). */
  readonly pteTableSpan: number;
  /** PMD tables pgd_alloc() preallocates (PAE: one per user GiB, KERNEL_PGD_BOUNDARY = 3). */
  readonly preallocatedPmds: number;
  /** TASK_SIZE: the end of user space. */
  readonly taskSize: number;
  /** Largest MemTotal the architecture can address, in kB. */
  readonly maxMemKb: number;
}

const GIB_KB = 1024 * 1024;

export const ARCH_INFO: Readonly<Record<Arch, ArchInfo>> = Object.freeze({
  x86_64: { arch: 'x86_64', highmem: false, pae: false, levels: 4, pteTableSpan: 2 ** 21, preallocatedPmds: 0, taskSize: 2 ** 47 - 4096, maxMemKb: Infinity },
  // HIGHMEM4G: 32-bit PFNs, 4 GiB of physical address space.
  i386: { arch: 'i386', highmem: true, pae: false, levels: 2, pteTableSpan: 2 ** 22, preallocatedPmds: 0, taskSize: TASK_SIZE_32, maxMemKb: 4 * GIB_KB },
  // HIGHMEM64G: 36-bit physical addresses. The three user PMDs are
  // preallocated by pgd_alloc() (arch/x86/mm/pgtable.c preallocate_pmds,
  // PREALLOCATED_PMDS = KERNEL_PGD_BOUNDARY when the kernel PMD is shared,
  // i.e. without PTI); each adds 4 KiB to VmPTE (mm_inc_nr_pmds).
  'i386-pae': { arch: 'i386-pae', highmem: true, pae: true, levels: 3, pteTableSpan: 2 ** 21, preallocatedPmds: 3, taskSize: TASK_SIZE_32, maxMemKb: 64 * GIB_KB },
});

export function archInfo(arch: Arch | undefined): ArchInfo {
  return ARCH_INFO[arch ?? 'x86_64'];
}

/**
 * Pages of lowmem (ZONE_DMA + ZONE_NORMAL) on a 32-bit machine with
 * `totalPages` of RAM, after the `highmem=` boot option (0 = not given).
 * Linux: arch/x86/mm/init_32.c find_low_pfn_range(). Above 896 MiB the
 * split is fixed; at or below it, highmem= moves the top of RAM into
 * HighMem (lowmem_pfn_init), keeping at least 64 MiB of lowmem; the machine
 * line refuses other values (checkMachine) where the kernel would print a
 * warning and ignore them. Example: 512 MiB with highmem=448M gives 64 MiB
 * of lowmem, 16,384 pages.
 */
export function lowmemPages(totalPages: number, highmemPages: number): number {
  if (totalPages > MAXMEM_PFN) return MAXMEM_PFN;
  return totalPages - highmemPages;
}
