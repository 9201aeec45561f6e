// x86-64 page-table entry bits. Linux: arch/x86/include/asm/pgtable_types.h.
// An entry is kept as two typed-array slots: 16 flag bits and a 32-bit value
// (a PFN for a leaf, the next table for an upper level, a swap entry when not
// present). Flag bits 0..11 are the hardware's own positions; NX (bit 63 in
// hardware) is kept at bit 15 so the flags fit a Uint16Array.

export const PTE_PRESENT = 1 << 0;
export const PTE_RW = 1 << 1;
export const PTE_USER = 1 << 2;
export const PTE_PWT = 1 << 3;
export const PTE_PCD = 1 << 4;
export const PTE_ACCESSED = 1 << 5;
export const PTE_DIRTY = 1 << 6;
/** PS in a PMD or PUD entry: a 2 MiB or 1 GiB leaf. */
export const PTE_PSE = 1 << 7;
export const PTE_GLOBAL = 1 << 8;
/** When PRESENT is clear, the GLOBAL position marks PROT_NONE (present to the kernel, faulting to the CPU). */
export const PTE_PROTNONE = PTE_GLOBAL;
/** Software bit 9: a "special" mapping with no struct page behind it (zero page, PFN maps). */
export const PTE_SPECIAL = 1 << 9;
export const PTE_UFFD_WP = 1 << 10;
export const PTE_SOFT_DIRTY = 1 << 11;
/** Non-present only: the value holds a swap entry (mmsim's encoding; Linux inverts bits for L1TF). */
export const PTE_SWAP = 1 << 12;
/** Non-present swap entry whose page belonged to one process only (_PAGE_SWP_EXCLUSIVE). */
export const PTE_SWP_EXCLUSIVE = 1 << 13;
/** Hardware bit 63, no-execute. */
export const PTE_NX = 1 << 15;

/** Hardware bit position of each flag, for building the real 64-bit value. */
const HW_BITS: Array<[number, bigint]> = [
  [PTE_PRESENT, 0n],
  [PTE_RW, 1n],
  [PTE_USER, 2n],
  [PTE_PWT, 3n],
  [PTE_PCD, 4n],
  [PTE_ACCESSED, 5n],
  [PTE_DIRTY, 6n],
  [PTE_PSE, 7n],
  [PTE_GLOBAL, 8n],
  [PTE_SPECIAL, 9n],
  [PTE_UFFD_WP, 10n],
  [PTE_SOFT_DIRTY, 11n],
  [PTE_NX, 63n],
];

/** The 64-bit hardware value of a present entry (PFN in bits 12..51). */
export function pteValue(flags: number, pfn: number): bigint {
  let v = BigInt(pfn) << 12n;
  for (const [f, bit] of HW_BITS) if (flags & f) v |= 1n << bit;
  return v;
}

/** Flag names of an entry, for debugging output and diagrams. */
export function pteFlagNames(flags: number): string[] {
  const names: Array<[number, string]> = [
    [PTE_PRESENT, 'P'],
    [PTE_RW, 'RW'],
    [PTE_USER, 'US'],
    [PTE_ACCESSED, 'A'],
    [PTE_DIRTY, 'D'],
    [PTE_PSE, 'PS'],
    [PTE_SPECIAL, 'SPECIAL'],
    [PTE_NX, 'NX'],
  ];
  const out = names.filter(([f]) => flags & f).map(([, n]) => n);
  if (!(flags & PTE_PRESENT) && flags & PTE_PROTNONE) out.push('PROTNONE');
  if (flags & PTE_SWAP) out.push('SWAP');
  return out;
}
