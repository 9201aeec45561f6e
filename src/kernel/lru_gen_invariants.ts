// Consistency checks of the multi-gen LRU's bookkeeping (the spirit of
// CONFIG_DEBUG_VM and the kernel's VM_WARN_ONs in mm/vmscan.c: seq_is_valid,
// state_is_valid, the checks in scan_folios and inc_min_seq). Run by
// checkInvariants() (invariants.ts) after every scenario step in tests.
import type { Kernel } from './kernel.js';
import { ANON_AND_FILE, folioLruGen, folioType, listType, LruGenLruvec, lruGenFromSeq, MAX_NR_GENS, MIN_NR_GENS, NR_ZONES, type LruGen } from './lru_gen.js';
import { LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, NR_LRU_LISTS } from './lru.js';
import { NO_PFN, PG_active, PG_lru, PG_tail, PG_unevictable } from './page.js';

/** True if list slot `gen` holds a generation in [min_seq[type], max_seq]. */
function genValid(l: LruGenLruvec, type: number, gen: number): boolean {
  return (((gen - lruGenFromSeq(l.minSeq[type]!)) % MAX_NR_GENS) + MAX_NR_GENS) % MAX_NR_GENS < l.nrGens(type);
}

/**
 * The multi-gen LRU's invariants; `inUse` holds every folio the kernel
 * references (mapped, cached, batched). Returns the problems found.
 *  - MIN_NR_GENS <= max_seq - min_seq[type] + 1 <= MAX_NR_GENS;
 *  - every folio on a generation list is an in-use head with PG_lru, not
 *    active or unevictable, of that list's memcg, type and zone, its gen
 *    bits naming a live generation;
 *  - nr_pages[gen][type][zone] counts exactly the pages whose gen bits say gen;
 *  - the active/inactive sizes are the two youngest and the other generations;
 *  - an in-use folio with gen bits is on a list; with MGLRU off no folio is.
 */
export function lruGenInvariants(k: Kernel, inUse: ReadonlySet<number>): string[] {
  const g: LruGen = k.lruGen;
  const p = k.pages;
  const problems: string[] = [];
  const onLists = new Set<number>();
  for (const m of k.memcgs) {
    const l = g.lruvecs[m.id];
    if (!l) continue;
    for (let type = 0; type < ANON_AND_FILE; type++) {
      const n = l.nrGens(type);
      if (n < MIN_NR_GENS || n > MAX_NR_GENS) problems.push(`lru_gen memcg ${m.id}: ${n} generations of type ${type} (max_seq ${l.maxSeq}, min_seq ${l.minSeq[type]})`);
    }
    const counted = new Float64Array(l.nrPages.length);
    for (let gen = 0; gen < MAX_NR_GENS; gen++) {
      for (let type = 0; type < ANON_AND_FILE; type++) {
        for (let zone = 0; zone < NR_ZONES; zone++) {
          const i = g.listIndex(m.id, gen, type, zone);
          if (!g.enabled && g.firstOf[i] !== NO_PFN) problems.push(`lru_gen memcg ${m.id}: list ${gen}/${type}/${zone} not empty with MGLRU off`);
          if (g.firstOf[i] !== NO_PFN && !genValid(l, type, gen)) problems.push(`lru_gen memcg ${m.id}: folios on the list of dead generation slot ${gen} type ${type}`);
          let prev = NO_PFN;
          let steps = 0;
          for (let head = g.firstOf[i]!; head !== NO_PFN; head = p.lruNext[head]!) {
            if (++steps > p.nrFrames) {
              problems.push(`lru_gen memcg ${m.id}: list ${gen}/${type}/${zone} loops`);
              break;
            }
            if (p.lruPrev[head] !== prev) problems.push(`lru_gen: folio ${head} has a bad prev link`);
            prev = head;
            onLists.add(head);
            const f = p.flags[head]!;
            const fg = folioLruGen(f);
            if (f & PG_tail) problems.push(`lru_gen: tail page ${head} on a list`);
            if (!(f & PG_lru)) problems.push(`lru_gen: folio ${head} on a list without PG_lru`);
            if (f & (PG_active | PG_unevictable)) problems.push(`lru_gen: folio ${head} on a list is active or unevictable`);
            if (fg < 0 || !genValid(l, type, fg)) problems.push(`lru_gen: folio ${head} has gen bits ${fg}, not a live generation`);
            if (folioType(f) !== type || listType(f) !== type || g.zoneOf(head) !== zone || p.memcg[head] !== m.id) problems.push(`lru_gen: folio ${head} is on the wrong list`);
            if (!inUse.has(head)) problems.push(`lru_gen: folio ${head} is on a list but not in use`);
            if (fg >= 0) counted[LruGenLruvec.idx(fg, folioType(f), g.zoneOf(head))]! += p.nrPages(head);
          }
          if (prev !== g.lastOf[i]) problems.push(`lru_gen memcg ${m.id}: list ${gen}/${type}/${zone} tail is ${g.lastOf[i]}, walked to ${prev}`);
        }
      }
    }
    for (let i = 0; i < counted.length; i++) {
      if (counted[i] !== l.nrPages[i]) problems.push(`lru_gen memcg ${m.id}: nr_pages[${i}] is ${l.nrPages[i]} but ${counted[i]} pages have those gen bits`);
    }
    if (!g.enabled) continue;
    for (let type = 0; type < ANON_AND_FILE; type++) {
      const base = type ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
      let active = 0;
      let inactive = 0;
      for (let gen = 0; gen < MAX_NR_GENS; gen++) {
        let n = 0;
        for (let zone = 0; zone < NR_ZONES; zone++) n += l.nrPages[LruGenLruvec.idx(gen, type, zone)]!;
        if (l.isActive(gen)) active += n;
        else inactive += n;
      }
      if (k.lru.last(m.id, base) !== NO_PFN || k.lru.last(m.id, base + 1) !== NO_PFN) problems.push(`lru_gen memcg ${m.id}: classic ${type ? 'file' : 'anon'} lists not empty with MGLRU on`);
      const sizeIn = k.lru.pagesOf[m.id * NR_LRU_LISTS + base]!;
      const sizeAct = k.lru.pagesOf[m.id * NR_LRU_LISTS + base + 1]!;
      if (sizeIn !== inactive || sizeAct !== active) problems.push(`lru_gen memcg ${m.id}: ${type ? 'file' : 'anon'} sizes inactive ${sizeIn} active ${sizeAct}, generations say ${inactive} and ${active}`);
    }
  }
  for (const head of inUse) {
    const f = p.flags[head]!;
    if (folioLruGen(f) >= 0 && !onLists.has(head)) problems.push(`lru_gen: folio ${head} has gen bits but is on no list`);
    if (g.enabled && f & PG_lru && !(f & PG_unevictable) && !onLists.has(head)) problems.push(`lru_gen: evictable folio ${head} is on a classic list with MGLRU on`);
  }
  return problems;
}
