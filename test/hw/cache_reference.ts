// A naive set-associative cache of our own for model-based tests: each set is
// a list of { line, dirty, lastUse } records. LRU uses explicit timestamps;
// PLRU keeps its tree as nested decisions computed from a list of booleans;
// random draws from the same seeded generator as the model under test, once
// per eviction. Shares no code with src/hw/cache.ts or the policies.
import { Prng } from '../../src/hw/prng.js';

interface Line {
  line: number;
  dirty: boolean;
  lastUse: number;
}

export class ReferenceCache {
  readonly sets: (Line | null)[][];
  private time = 0;
  private readonly tree: boolean[][]; // PLRU: per set, node i (1-based heap) -> true means "evict right"
  private readonly rng: Prng;
  evicted: { line: number; dirty: boolean } | null = null;

  constructor(
    readonly nSets: number,
    readonly ways: number,
    readonly policy: 'lru' | 'plru' | 'random',
    seed = 1,
  ) {
    this.sets = Array.from({ length: nSets }, () => Array.from({ length: ways }, () => null));
    let leaves = 1;
    while (leaves < ways) leaves *= 2;
    this.tree = Array.from({ length: nSets }, () => Array.from({ length: leaves }, () => false));
    this.rng = new Prng(seed);
  }

  private setOf(line: number): number {
    return Number(BigInt(line) % BigInt(this.nSets));
  }

  private leaves(): number {
    return this.tree[0].length;
  }

  private touchTree(set: number, way: number): void {
    // Walk from the root; at each node remember to evict the half NOT containing `way`.
    let lo = 0;
    let hi = this.leaves();
    let node = 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) / 2;
      const inRight = way >= mid;
      this.tree[set][node] = !inRight;
      node = node * 2 + (inRight ? 1 : 0);
      if (inRight) lo = mid;
      else hi = mid;
    }
  }

  private plruVictim(set: number): number {
    let lo = 0;
    let hi = this.leaves();
    let node = 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) / 2;
      const right = this.tree[set][node] && mid < this.ways; // a right half without real ways is never chosen
      node = node * 2 + (right ? 1 : 0);
      if (right) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  private use(set: number, way: number): void {
    this.sets[set][way]!.lastUse = ++this.time;
    if (this.policy === 'plru') this.touchTree(set, way);
  }

  access(line: number, isWrite: boolean): boolean {
    const s = this.setOf(line);
    const set = this.sets[s];
    const hit = set.findIndex((l) => l !== null && l.line === line);
    if (hit >= 0) {
      if (isWrite) set[hit]!.dirty = true;
      this.use(s, hit);
      return true;
    }
    let way = set.findIndex((l) => l === null);
    this.evicted = null;
    if (way < 0) {
      if (this.policy === 'lru') {
        way = 0;
        for (let w = 1; w < this.ways; w++) if (set[w]!.lastUse < set[way]!.lastUse) way = w;
      } else if (this.policy === 'plru') way = this.plruVictim(s);
      else way = this.rng.below(this.ways);
      this.evicted = { line: set[way]!.line, dirty: set[way]!.dirty };
    }
    set[way] = { line, dirty: isWrite, lastUse: 0 };
    this.use(s, way);
    return false;
  }

  invalidate(line: number): number {
    const set = this.sets[this.setOf(line)];
    const w = set.findIndex((l) => l !== null && l.line === line);
    if (w < 0) return -1;
    const d = set[w]!.dirty ? 1 : 0;
    set[w] = null;
    return d;
  }

  lines(): number[] {
    return this.sets.flatMap((set) => set.filter((l): l is Line => l !== null).map((l) => l.line)).sort((a, b) => a - b);
  }
}
