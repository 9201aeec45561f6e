// An MGLRU-like generational policy (Linux mm/vmscan.c, CONFIG_LRU_GEN) for one
// LRU type of mapped pages: 2 to 4 generations, faults into the youngest,
// aging (a walk that moves referenced pages to the youngest generation, then a
// new generation) when fewer than 3 remain, eviction from the oldest.
// Simplifications: no tiers, refault controller or anon/file balance (class comment).

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { IdLists } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';

export const MAX_NR_GENS = 4;
export const MIN_NR_GENS = 2;

export interface MglruStats {
  minSeq: number;
  maxSeq: number;
  /** Pages per generation, oldest first. */
  genSizes: number[];
  agings: number;
  /** Pages moved to the youngest generation by aging walks. */
  walkPromotions: number;
  /** Young pages found at the oldest generation's tail and promoted there. */
  evictPromotions: number;
  evictions: number;
}

// An MGLRU-like generational policy (Linux mm/vmscan.c, CONFIG_LRU_GEN) for
// one LRU type of mapped pages. Pages live in generations numbered by
// sequence, min_seq (oldest) .. max_seq (youngest), 2 to 4 of them at a time.
//   fault    -> youngest generation (max_seq), PTE young (a faulted-in page is
//               active, see lru_gen_add_folio())
//   access   -> PTE young; the page does not move
//   aging    -> (inc_max_seq after a page-table walk) every young page moves to
//               max_seq and is made old, then max_seq += 1 (a new, empty
//               youngest generation). Runs before an eviction when fewer than
//               3 generations exist, or at exactly 3 when the youngest holds
//               more than 1/2 or the generation max_seq − 2 less than 1/4 of
//               the pages (should_run_aging()); never beyond 4.
//   eviction -> from the tail of the oldest generation: a young page there is
//               promoted to max_seq (the rmap check finds its PTE young),
//               an old one is evicted; an empty oldest generation is retired
//               (min_seq += 1) while more than 2 remain, else aging runs.
// Simplifications: no tiers or PID refault controller, no anon/file balance,
// no Bloom-filtered walks; the walk visits exactly the pages referenced since
// the last aging (kept on a list), so aging costs O(pages referenced).
export class Mglru implements CachePolicy {
  readonly name = 'mglru';
  readonly capacity: number;
  private readonly map: KeyMap;
  /** Lists 0..3: generation seq % 4. */
  private readonly gens: IdLists;
  /** Pages referenced since the last aging (PTE young), for the walk. */
  private readonly young: IdLists;
  private readonly genOf: Uint8Array;
  private readonly isYoung: Uint8Array;
  private minSeq = 0;
  private maxSeq = MIN_NR_GENS - 1;
  private count = 0;
  private agings = 0;
  private walkPromotions = 0;
  private evictPromotions = 0;
  private evictions = 0;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('mglru', capacity);
    readParams('mglru', {}, opts?.params);
    this.capacity = capacity;
    this.map = new KeyMap(capacity);
    this.gens = new IdLists(capacity, MAX_NR_GENS);
    this.young = new IdLists(capacity, 1);
    this.genOf = new Uint8Array(capacity);
    this.isYoung = new Uint8Array(capacity);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const id = this.map.get(key);
    if (id >= 0) {
      if (this.isYoung[id] === 0) {
        this.isYoung[id] = 1;
        this.young.pushHead(0, id);
      }
      return true;
    }
    this.fault(key);
    return false;
  }

  private fault(key: number): void {
    if (this.count >= this.capacity) this.evictOne();
    const id = this.map.add(key);
    const g = this.maxSeq % MAX_NR_GENS;
    this.genOf[id] = g;
    this.gens.pushHead(g, id);
    this.isYoung[id] = 1;
    this.young.pushHead(0, id);
    this.count++;
  }

  private nrGens(): number {
    return this.maxSeq - this.minSeq + 1;
  }

  /** should_run_aging(): fewer than 3 generations, or 3 badly spread ones. */
  private shouldAge(): boolean {
    const n = this.nrGens();
    if (n < MIN_NR_GENS + 1) return true;
    if (n > MIN_NR_GENS + 1) return false;
    const youngest = this.gens.len[this.maxSeq % MAX_NR_GENS];
    const old = this.gens.len[(this.maxSeq - MIN_NR_GENS) % MAX_NR_GENS];
    return youngest * MIN_NR_GENS > this.count || old * (MIN_NR_GENS + 2) < this.count;
  }

  /** The walk moves every young page to max_seq and makes it old; then a new generation opens. */
  private age(): void {
    const target = this.maxSeq % MAX_NR_GENS;
    for (;;) {
      const id = this.young.popTail(0);
      if (id < 0) break;
      this.isYoung[id] = 0;
      const g = this.genOf[id];
      if (g !== target) {
        this.gens.remove(g, id);
        this.genOf[id] = target;
        this.gens.pushHead(target, id);
        this.walkPromotions++;
      }
    }
    this.maxSeq++;
    this.agings++;
  }

  private evictOne(): void {
    if (this.shouldAge()) this.age();
    for (;;) {
      const g = this.minSeq % MAX_NR_GENS;
      if (this.gens.len[g] === 0) {
        if (this.nrGens() > MIN_NR_GENS) this.minSeq++;
        else this.age();
        continue;
      }
      const id = this.gens.tail[g];
      this.gens.remove(g, id);
      if (this.isYoung[id] !== 0) {
        this.isYoung[id] = 0;
        this.young.remove(0, id);
        const top = this.maxSeq % MAX_NR_GENS;
        this.genOf[id] = top;
        this.gens.pushHead(top, id);
        this.evictPromotions++;
        continue;
      }
      this.map.delete(id);
      this.count--;
      this.evictions++;
      return;
    }
  }

  size(): number {
    return this.count;
  }

  stats(): MglruStats {
    const genSizes: number[] = [];
    for (let s = this.minSeq; s <= this.maxSeq; s++) genSizes.push(this.gens.len[s % MAX_NR_GENS]);
    return {
      minSeq: this.minSeq,
      maxSeq: this.maxSeq,
      genSizes,
      agings: this.agings,
      walkPromotions: this.walkPromotions,
      evictPromotions: this.evictPromotions,
      evictions: this.evictions,
    };
  }
}
