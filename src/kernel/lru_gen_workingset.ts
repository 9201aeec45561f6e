// Workingset detection with the multi-gen LRU: the shadow an evicted folio
// leaves, and what its refault means. Linux: mm/workingset.c
// (lru_gen_eviction, lru_gen_test_recent, lru_gen_refault, pack_shadow,
// unpack_shadow), mm/filemap.c (filemap_add_folio: a page-cache refault).
//
// The shadow's eviction field holds a token instead of the classic
// nonresident_age: (min_seq of the folio's type when it was evicted) << 2
// | (its refs - 1). A refault is "recent" while max_seq is within
// MAX_NR_GENS of that min_seq; then it counts towards the PID controller's
// refaulted[tier], and the folio gets back PG_workingset (a restore) or its
// fd access count. It is activated only by being added in a fault
// (folio_add_lru, lru_gen.ts), which is when workingset_activate counts.
//
//   shadow = (token * MAX_MEMCG + memcg) * 2 + workingset
//
// (the classic shadow's layout, workingset.ts, with the token in place of
// the timestamp). Shadows in the page cache are only looked at with MGLRU
// on: mmsim's classic LRU does not detect page-cache refaults.
import { EVICTION_SEQ_MOD } from './lru_gen_aging.js';
import { folioLruRefs, folioType, LRU_GEN_FILE, LRU_REFS_MASK, LRU_REFS_PGOFF, LRU_REFS_WIDTH, lruTierFromRefs, MAX_NR_GENS, MAX_NR_TIERS } from './lru_gen.js';
import type { Inode } from './fs.js';
import type { Kernel } from './kernel.js';
import { MAX_MEMCG } from './lru.js';
import { PG_workingset } from './page.js';
import { VM } from './vmstat.js';

/** unpack_shadow() of a shadow made by lruGenEviction(). */
export function unpackLruGenShadow(shadow: number): { memcg: number; token: number; workingset: boolean } {
  const workingset = shadow % 2 === 1;
  const rest = Math.floor(shadow / 2);
  return { memcg: rest % MAX_MEMCG, token: Math.floor(rest / MAX_MEMCG), workingset };
}

/**
 * lru_gen_eviction(): the shadow of a folio being evicted, and its pages
 * counted in evicted[tier] of its type.
 */
export function lruGenEviction(k: Kernel, head: number): number {
  const p = k.pages;
  const f = p.flags[head]!;
  const type = folioType(f);
  const refs = folioLruRefs(f);
  const workingset = (f & PG_workingset) !== 0;
  const tier = lruTierFromRefs(refs, workingset);
  const memcg = p.memcg[head]!;
  const l = k.lruGen.lruvec(memcg);
  const minSeq = l.minSeq[type]!;
  const token = (minSeq % EVICTION_SEQ_MOD) * 2 ** LRU_REFS_WIDTH + Math.max(refs - 1, 0);
  l.evicted[type * MAX_NR_TIERS + tier]! += p.nrPages(head);
  return (token * MAX_MEMCG + memcg) * 2 + (workingset ? 1 : 0);
}

/** lru_gen_test_recent(): max_seq is less than MAX_NR_GENS from the min_seq the shadow recorded. */
export function lruGenTestRecent(k: Kernel, shadow: number): boolean {
  const { memcg, token } = unpackLruGenShadow(shadow);
  if (memcg >= k.memcgs.length) return false;
  const maxSeq = k.lruGen.lruvec(memcg).maxSeq % EVICTION_SEQ_MOD;
  return Math.abs(maxSeq - Math.floor(token / 2 ** LRU_REFS_WIDTH)) < MAX_NR_GENS;
}

/**
 * lru_gen_refault(): a folio comes back where it left `shadow`, before it
 * goes on the LRU. Counted as workingset_refault if it belongs to the same
 * memcg; if recent, in refaulted[tier], as workingset_activate when in a
 * fault, and as workingset_restore (with PG_workingset back) if it was in
 * the working set; otherwise it gets its fd access count back.
 */
export function lruGenRefault(k: Kernel, head: number, shadow: number): void {
  const p = k.pages;
  const f = p.flags[head]!;
  const type = folioType(f);
  const n = p.nrPages(head);
  const { memcg, token, workingset } = unpackLruGenShadow(shadow);
  const recent = lruGenTestRecent(k, shadow);
  if (memcg !== p.memcg[head]) return;
  const file = type === LRU_GEN_FILE;
  k.vmstat.add(file ? VM.workingset_refault_file : VM.workingset_refault_anon, n);
  if (!recent) return;
  const l = k.lruGen.lruvec(memcg);
  const refs = (token % 2 ** LRU_REFS_WIDTH) + 1;
  const tier = lruTierFromRefs(refs, workingset);
  l.refaulted[type * MAX_NR_TIERS + tier]! += n;
  // see folio_add_lru(), which marks the folio active in a fault
  if (k.lruGen.inFault) {
    k.vmstat.add(file ? VM.workingset_activate_file : VM.workingset_activate_anon, n);
    const owner = k.memcgs[memcg]!;
    if (file) owner.activateFile += n;
    else owner.activateAnon += n;
  }
  if (workingset) {
    p.flags[head] = f | PG_workingset;
    k.vmstat.add(file ? VM.workingset_restore_file : VM.workingset_restore_anon, n);
  } else p.flags[head] = (f & ~LRU_REFS_MASK) | ((refs - 1) << LRU_REFS_PGOFF);
}

/**
 * filemap_add_folio()'s refault check for a page-cache folio (not one
 * being added to be written over: __GFP_WRITE): the shadow at `index`, if
 * any, is consumed and evaluated.
 */
export function lruGenFilemapRefault(k: Kernel, inode: Inode, head: number, index: number): void {
  if (inode.isShmem) return;
  const shadow = inode.shadows.get(index);
  if (shadow === undefined) return;
  const n = k.pages.nrPages(head);
  for (let i = 0; i < n; i++) inode.shadows.delete(index + i);
  lruGenRefault(k, head, shadow);
}
