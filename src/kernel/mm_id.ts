// Which processes map a large folio, as the kernel records it (CONFIG_MM_ID,
// include/linux/mm.h folio_add_return_large_mapcount and
// folio_sub_return_large_mapcount): two slots, each an mm id and that mm's
// number of mappings of the folio (a PTE counts one, a PMD one), and a
// "maybe mapped shared" bit. A mapping by a third mm while both slots are
// taken only sets the bit; the bit clears when a slot's mm unmaps its last
// mapping, or an mm without a slot unmaps one, and one slot then owns every
// mapping left. So a folio last mapped by an mm that never got a slot stays
// "maybe shared" (folio_maybe_mapped_shared), which MADV_PAGEOUT, MADV_COLD
// and MADV_FREE honour. Hugetlb folios are not tracked (mapcount > 1 there).
import type { Kernel } from './kernel.js';
import type { Mm } from './mm_types.js';

/** The slots of one large folio; counts are minus one, as the kernel stores them (-1: none). */
export interface MmIds {
  id0: number;
  id1: number;
  mc0: number;
  mc1: number;
  /** All page-table mappings of the folio, minus one (_large_mapcount). */
  large: number;
  shared: boolean;
}

const MM_ID_DUMMY = 0;
const ids = new WeakMap<Mm, number>();
let nextId = 1;

function mmId(mm: Mm): number {
  let id = ids.get(mm);
  if (id === undefined) {
    id = nextId++;
    ids.set(mm, id);
  }
  return id;
}

/** folio_set_large_mapcount(): a new large folio mapped `n` times by `mm`. */
export function setLargeMapcount(k: Kernel, head: number, n: number, mm: Mm): void {
  k.mmIds.set(head, { id0: mmId(mm), id1: MM_ID_DUMMY, mc0: n - 1, mc1: -1, large: n - 1, shared: false });
}

/** folio_add_return_large_mapcount(): `mm` maps the folio `diff` more times. */
export function addLargeMapcount(k: Kernel, head: number, diff: number, mm: Mm): void {
  let s = k.mmIds.get(head);
  if (!s) {
    s = { id0: MM_ID_DUMMY, id1: MM_ID_DUMMY, mc0: -1, mc1: -1, large: -1, shared: false };
    k.mmIds.set(head, s);
  }
  const id = mmId(mm);
  s.large += diff;
  if (s.id0 === id) s.mc0 += diff;
  else if (s.id1 === id) s.mc1 += diff;
  else if (s.id0 === MM_ID_DUMMY) {
    s.id0 = id;
    s.mc0 = diff - 1;
    // Mappings by others already exist.
    if (s.large !== diff - 1) s.shared = true;
  } else if (s.id1 === MM_ID_DUMMY) {
    s.id1 = id;
    s.mc1 = diff - 1;
    s.shared = true;
  }
}

/** folio_sub_return_large_mapcount(): `mm` drops `diff` of its mappings of the folio. */
export function subLargeMapcount(k: Kernel, head: number, diff: number, mm: Mm): void {
  const s = k.mmIds.get(head);
  if (!s) return;
  const id = mmId(mm);
  s.large -= diff;
  if (s.id0 === id) {
    s.mc0 -= diff;
    if (s.mc0 >= 0) return;
    s.mc0 = -1;
    s.id0 = MM_ID_DUMMY;
  } else if (s.id1 === id) {
    s.mc1 -= diff;
    if (s.mc1 >= 0) return;
    s.mc1 = -1;
    s.id1 = MM_ID_DUMMY;
  }
  // One slot owns every mapping (or none is left): mapped exclusively.
  if (s.mc0 === s.large || s.mc1 === s.large) s.shared = false;
}

/** The folio's "maybe mapped shared" bit (FOLIO_MM_IDS_SHARED_BIT). */
export function largeMaybeShared(k: Kernel, head: number): boolean {
  return (k.mmIds.get(head))?.shared ?? false;
}

/** The folio is freed or split into small folios: its record goes. */
export function clearLargeMapcount(k: Kernel, head: number): void {
  k.mmIds.delete(head);
}
