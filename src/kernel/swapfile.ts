// Swap areas and swap slots. Linux: mm/swapfile.c (swapon, swapoff,
// get_swap_pages, scan_swap_map_slots, swap_duplicate, swap_free,
// free_swap_and_cache), include/linux/swap.h (swp_entry_t, SWAP_HAS_CACHE).
//
// A swap entry names a slot: entry = type * 2^26 + offset. Slot 0 of every
// area holds the swap header and is never handed out, so no entry is 0.
// swap_map[offset] counts the PTEs (and shmem slots) referring to the slot,
// plus SWAP_HAS_CACHE while the page also sits in the swap cache.
// Simplification: slots are handed out lowest-free-first from a moving
// cursor rather than from per-CPU clusters.
import type { Kernel } from './kernel.js';
import { memcgUnchargeSwap } from './memcontrol.js';

export const SWAP_HAS_CACHE = 0x40;
export const SWAP_MAP_MAX = 0x3e;
const TYPE_SHIFT = 2 ** 26;
export const MAX_SWAPFILES = 32;

export function swpEntry(type: number, offset: number): number {
  return type * TYPE_SHIFT + offset;
}
export function swpType(entry: number): number {
  return Math.floor(entry / TYPE_SHIFT);
}
export function swpOffset(entry: number): number {
  return entry % TYPE_SHIFT;
}

export class SwapInfo {
  /** Per-slot reference counts (swap_map). */
  readonly map: Uint8Array;
  /** Slots in use (inuse_pages), header excluded. */
  inuse = 0;
  /** Where the next slot search starts (cluster_next). */
  next = 1;
  /** The swap cache of this area: slot → pfn of the cached page. */
  readonly cache = new Map<number, number>();
  /** Workingset shadow entries left in the swap cache's slots: slot → shadow. */
  readonly shadows = new Map<number, number>();
  /** SWP_WRITEOK: slots may be handed out (cleared while swapoff drains the area). */
  writeok = true;
  /** Swap-in readahead state (swap_readahead_info and swapin_readahead_hits). */
  prevOffset = 0;
  lastRaPages = 0;
  raHits = 0;

  constructor(
    readonly type: number,
    readonly path: string,
    /** Pages of the area, the header page included. */
    readonly pages: number,
    public prio: number,
  ) {
    this.map = new Uint8Array(pages);
  }

  /** Usable slots (header excluded). */
  get usable(): number {
    return this.pages - 1;
  }
}

/** swapon(2): adds an area of `pages` pages (header included). Returns the area or a negative errno. */
export function swapon(k: Kernel, path: string, pages: number, prio?: number): SwapInfo | number {
  if (pages < 10) return -22; // EINVAL: too small to hold a header and any slot
  if (k.swapAreas.some((s) => s.path === path)) return -16; // EBUSY
  let type = 0;
  while (k.swapAreas.some((s) => s.type === type)) type++;
  if (type >= MAX_SWAPFILES) return -1; // EPERM
  // Areas without a priority get -1, -2, ... in swapon order (least_priority).
  const p = prio ?? --k.leastSwapPrio;
  const si = new SwapInfo(type, path, pages, p);
  k.swapAreas.push(si);
  k.swapAreas.sort((a, b) => b.prio - a.prio);
  k.totalSwapPages += si.usable;
  k.nrSwapPages += si.usable;
  return si;
}

/** The area of an entry. */
export function swapInfoOf(k: Kernel, entry: number): SwapInfo {
  const type = swpType(entry);
  const si = k.swapAreas.find((s) => s.type === type);
  if (!si) throw new Error(`swap entry ${entry} of an area that is not in use`);
  return si;
}

/**
 * get_swap_pages(): a free slot from the highest-priority area with room,
 * marked SWAP_HAS_CACHE (the caller puts the page in the swap cache).
 * Returns the entry, or 0 when swap is full.
 */
export function allocSwapSlot(k: Kernel): number {
  for (const si of k.swapAreas) {
    if (!si.writeok || si.inuse >= si.usable) continue;
    let off = si.next;
    for (let n = 0; n < si.pages; n++, off++) {
      if (off >= si.pages) off = 1;
      if (si.map[off] === 0) {
        si.map[off] = SWAP_HAS_CACHE;
        si.inuse++;
        k.nrSwapPages--;
        si.next = off + 1;
        return swpEntry(si.type, off);
      }
    }
  }
  return 0;
}

/** Frees a slot whose count dropped to zero. */
function releaseSlot(k: Kernel, si: SwapInfo, off: number): void {
  memcgUnchargeSwap(k, swpEntry(si.type, off));
  k.swapData.delete(swpEntry(si.type, off));
  si.map[off] = 0;
  si.inuse--;
  if (si.writeok) k.nrSwapPages++;
  si.shadows.delete(off);
}

/** swap_duplicate(): one more PTE refers to the slot. */
export function swapDuplicate(k: Kernel, entry: number): void {
  const si = swapInfoOf(k, entry);
  const off = swpOffset(entry);
  const count = si.map[off]! & ~SWAP_HAS_CACHE;
  if (count >= SWAP_MAP_MAX) throw new Error('swap count overflow (swap_count_continued is not modelled)');
  si.map[off] = si.map[off]! + 1;
}

/** The number of PTE references of a slot (swp_swapcount). */
export function swapCount(k: Kernel, entry: number): number {
  const si = swapInfoOf(k, entry);
  return si.map[swpOffset(entry)]! & ~SWAP_HAS_CACHE;
}

/** swap_free(): one PTE reference fewer; the slot is released when nothing refers to it. */
export function swapFree(k: Kernel, entry: number): void {
  const si = swapInfoOf(k, entry);
  const off = swpOffset(entry);
  si.map[off] = si.map[off]! - 1;
  if (si.map[off] === 0) releaseSlot(k, si, off);
}

/** put_swap_folio(): the swap cache lets go of a slot; released if no PTE refers to it. */
export function putSwapCacheSlot(k: Kernel, entry: number): void {
  const si = swapInfoOf(k, entry);
  const off = swpOffset(entry);
  si.map[off] = si.map[off]! & ~SWAP_HAS_CACHE;
  if (si.map[off] === 0) releaseSlot(k, si, off);
}

/** vm_swap_full(): more than half of all swap is in use. */
export function vmSwapFull(k: Kernel): boolean {
  return k.nrSwapPages * 2 < k.totalSwapPages;
}

/** /proc/swaps. */
export function procSwaps(k: Kernel): string {
  const lines = ['Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority'];
  for (const si of [...k.swapAreas].sort((a, b) => a.type - b.type)) {
    // swap_show(): "%*s%s\t%lu\t%s%lu\t%s%d", the path padded to 40 columns.
    const size = si.usable * 4;
    const used = si.inuse * 4;
    const pad = ' '.repeat(si.path.length < 40 ? 40 - si.path.length : 1);
    lines.push(`${si.path}${pad}file\t${size}\t${size < 1e7 ? '\t' : ''}${used}\t${used < 1e7 ? '\t' : ''}${si.prio}`);
  }
  return lines.join('\n') + '\n';
}
