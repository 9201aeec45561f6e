// Page and offset arithmetic for 48-bit virtual and 52-bit physical addresses.
// Linux: arch/x86/include/asm/page_types.h, pgtable_64_types.h.
// JavaScript bitwise operators truncate to 32 bits, so addresses are kept as
// doubles (exact below 2^53) and every page computation goes through here.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
export const PTRS_PER_TABLE = 512;
export const PMD_SHIFT = 21;
export const PUD_SHIFT = 30;
export const PGDIR_SHIFT = 39;
/** Bytes mapped by one PMD entry (2 MiB) and one PUD entry (1 GiB). */
export const PMD_SIZE = 2 ** PMD_SHIFT;
export const PUD_SIZE = 2 ** PUD_SHIFT;
export const PGDIR_SIZE = 2 ** PGDIR_SHIFT;
/** Base pages in a PMD-sized huge page (HPAGE_PMD_NR). */
export const HPAGE_PMD_NR = 512;
/** x86-64 4-level TASK_SIZE: 2^47 minus the guard page. */
export const TASK_SIZE = 2 ** 47 - PAGE_SIZE;

/** Virtual page number of an address: Math.floor, never `>>`. */
export function pageOf(addr: number): number {
  return Math.floor(addr / PAGE_SIZE);
}

/** Byte offset of an address within its page. */
export function pageOffset(addr: number): number {
  return addr % PAGE_SIZE;
}

export function isPageAligned(addr: number): boolean {
  return addr % PAGE_SIZE === 0;
}

/** Rounds up to a multiple of `align`, a power of two. roundUp(4097, 4096) = 8192. */
export function roundUp(x: number, align: number): number {
  return Math.ceil(x / align) * align;
}

/** Rounds down to a multiple of `align`, a power of two. */
export function roundDown(x: number, align: number): number {
  return Math.floor(x / align) * align;
}

/**
 * Index into the table at one level of the x86-64 walk.
 *
 *   47     39 38     30 29     21 20     12 11        0
 *  | PGD 9b | PUD 9b  | PMD 9b  | PTE 9b  | offset 12b |
 *
 * tableIndex(addr, PUD_SHIFT) is bits 38..30. Example: 0x100000000000
 * (16 TiB) has PGD index 32 and all lower indices 0.
 */
export function tableIndex(addr: number, shift: number): number {
  return Math.floor(addr / 2 ** shift) % PTRS_PER_TABLE;
}
