// The shape of a file's page-cache XArray, for the walks readahead makes
// with xas_next()/xas_prev(). Linux: lib/xarray.c (xas_load, xas_descend,
// __xas_next, __xas_prev), mm/filemap.c (page_cache_next_miss,
// page_cache_prev_miss), include/linux/xarray.h (xas_next, xas_prev).
//
// The cache itself is Inode.cache (one pfn per index); the tree is derived
// from it: 64-slot nodes; a folio of order < 6 fills 2^order slots of a leaf
// (its first slot holds the folio, the others "sibling" entries pointing
// back to it); a folio of order 6..11 fills slots of a node one level up.
// The walk matters because it is not exact: xas_load() on a sibling slot
// leaves xa_offset at the folio's first slot while xa_index stays put, and
// the inline xas_next()/xas_prev() step both together, so the walk reads
// slots `lag` behind the index it reports until it leaves the node.
// Example: cache [0..3] [4..7] [8..19] cached as order-2 folios, a scan from
// index 5 checks slots 4, 5, ... and meets the hole at slot 20 while
// reporting index 21.
import type { Inode } from './fs.js';
import type { Kernel } from './kernel.js';
import { NO_PFN } from './page.js';

const CHUNK = 64;

/** Kinds of slot content. */
const NULL_ENTRY = 0;
const ENTRY = 1;
const SIBLING = 2;
const NODE = 3;

/** Walk state (struct xa_state): node = [shift, base], or null before the walk / off the tree. */
interface Xas {
  index: number;
  shift: number;
  base: number;
  offset: number;
  /** Not yet walked (XAS_RESTART) or walked off the top (XAS_BOUNDS). */
  state: 'restart' | 'node' | 'bounds';
}

/** The order of the cached folio holding `index`, or -1. */
function orderAt(k: Kernel, inode: Inode, index: number): number {
  const pfn = inode.lookup(index);
  if (pfn === NO_PFN) return -1;
  const head = k.pages.folioOf(pfn);
  return Math.log2(k.pages.nrPages(head));
}

function headIndexAt(k: Kernel, inode: Inode, index: number): number {
  const pfn = inode.lookup(index);
  return k.pages.index[k.pages.folioOf(pfn)]!;
}

/** Shift of the root node: the smallest tree covering every cached index. */
function rootShift(inode: Inode): number {
  let max = -1;
  for (let i = inode.cache.length - 1; i >= 0; i--) {
    if (inode.cache[i] !== NO_PFN) {
      max = i;
      break;
    }
  }
  let shift = 0;
  while (max >= CHUNK * 2 ** shift) shift += 6;
  return shift;
}

/** True if a node of `shift` exists for the block starting at `base` (it holds a folio smaller than its slots). */
function nodeExists(k: Kernel, inode: Inode, shift: number, base: number): boolean {
  const span = CHUNK * 2 ** shift;
  for (let i = base; i < base + span; i++) {
    const o = orderAt(k, inode, i);
    if (o >= 0 && o < shift + 6) return true;
  }
  return false;
}

/** What slot `offset` of the node [shift, base] holds, and for a sibling the offset it points to. */
function slot(k: Kernel, inode: Inode, shift: number, base: number, offset: number): [number, number] {
  const step = 2 ** shift;
  const i0 = base + offset * step;
  if (shift > 0 && nodeExists(k, inode, shift - 6, i0)) return [NODE, offset];
  const o = orderAt(k, inode, i0);
  if (o < 0 || o < shift) return [NULL_ENTRY, offset];
  const head = headIndexAt(k, inode, i0);
  if (head === i0) return [ENTRY, offset];
  return [SIBLING, Math.floor((head - base) / step)];
}

/** xas_descend() chain of xas_load(): walk from the root to the slot of xas.index. */
function xasLoad(k: Kernel, inode: Inode, xas: Xas): number {
  let shift = rootShift(inode);
  let base = 0;
  if (xas.index >= CHUNK * 2 ** shift) {
    xas.state = 'bounds';
    return NULL_ENTRY;
  }
  for (;;) {
    let offset = Math.floor((xas.index - base) / 2 ** shift) % CHUNK;
    let [kind, target] = slot(k, inode, shift, base, offset);
    while (kind === SIBLING) {
      offset = target;
      [kind, target] = slot(k, inode, shift, base, offset);
    }
    xas.shift = shift;
    xas.base = base;
    xas.offset = offset;
    xas.state = 'node';
    if (kind !== NODE) return kind;
    base += offset * 2 ** shift;
    shift -= 6;
  }
}

/** get_offset(): the slot of `index` in the node [shift, base]. */
function getOffset(index: number, shift: number, base: number): number {
  return Math.floor((index - base) / 2 ** shift) % CHUNK;
}

/** Descends from the current slot while it holds nodes (the loop ending __xas_next/__xas_prev). */
function descend(k: Kernel, inode: Inode, xas: Xas): number {
  for (;;) {
    const [kind] = slot(k, inode, xas.shift, xas.base, xas.offset);
    if (kind !== NODE) return kind;
    xas.base += xas.offset * 2 ** xas.shift;
    xas.shift -= 6;
    xas.offset = getOffset(xas.index, xas.shift, xas.base);
  }
}

/** Moves to the parent node (xa_parent); false at the root. */
function ascend(inode: Inode, xas: Xas): boolean {
  const root = rootShift(inode);
  if (xas.shift >= root) return false;
  const pshift = xas.shift + 6;
  const span = CHUNK * 2 ** pshift;
  const pbase = Math.floor(xas.base / span) * span;
  xas.offset = getOffset(xas.base, pshift, pbase);
  xas.shift = pshift;
  xas.base = pbase;
  return true;
}

/** xas_next(): the entry kind at the next index. */
function xasNext(k: Kernel, inode: Inode, xas: Xas): number {
  if (xas.state === 'node' && xas.shift === 0 && xas.offset !== CHUNK - 1) {
    xas.index++;
    xas.offset++;
    return slot(k, inode, 0, xas.base, xas.offset)[0];
  }
  // __xas_next()
  if (xas.state !== 'restart') xas.index++;
  if (xas.state !== 'node') return xasLoad(k, inode, xas);
  if (xas.offset !== getOffset(xas.index, xas.shift, xas.base)) xas.offset++;
  while (xas.offset === CHUNK) {
    if (!ascend(inode, xas)) {
      xas.state = 'bounds';
      return NULL_ENTRY;
    }
    xas.offset++;
  }
  return descend(k, inode, xas);
}

/** xas_prev(): the entry kind at the previous index. */
function xasPrev(k: Kernel, inode: Inode, xas: Xas): number {
  if (xas.state === 'node' && xas.shift === 0 && xas.offset !== 0) {
    xas.index--;
    xas.offset--;
    return slot(k, inode, 0, xas.base, xas.offset)[0];
  }
  // __xas_prev()
  if (xas.state !== 'restart') xas.index--;
  if (xas.state !== 'node') return xas.index < 0 ? NULL_ENTRY : xasLoad(k, inode, xas);
  if (xas.offset !== getOffset(xas.index, xas.shift, xas.base)) xas.offset--;
  while (xas.offset === -1) {
    if (!ascend(inode, xas)) {
      xas.state = 'bounds';
      return NULL_ENTRY;
    }
    xas.offset--;
  }
  return descend(k, inode, xas);
}

/**
 * page_cache_next_miss(): the index of the first gap at or after `index`
 * within `maxScan` slots, as the XArray walk reports it (see the header);
 * index + maxScan if there is none.
 */
export function pageCacheNextMiss(k: Kernel, inode: Inode, index: number, maxScan: number): number {
  const xas: Xas = { index, shift: 0, base: 0, offset: 0, state: 'restart' };
  for (let n = maxScan; n > 0; n--) {
    const kind = xasNext(k, inode, xas);
    if (kind === NULL_ENTRY) return xas.index;
  }
  return index + maxScan;
}

/**
 * page_cache_prev_miss(): the index of the first gap at or before `index`
 * within `maxScan` slots, as the XArray walk reports it; -1 stands for
 * ULONG_MAX (cached back to the start of the file).
 */
export function pageCachePrevMiss(k: Kernel, inode: Inode, index: number, maxScan: number): number {
  const xas: Xas = { index, shift: 0, base: 0, offset: 0, state: 'restart' };
  for (let n = maxScan; n > 0; n--) {
    const kind = xasPrev(k, inode, xas);
    if (kind === NULL_ENTRY) break;
    if (xas.index === -1) break;
  }
  return xas.index;
}
