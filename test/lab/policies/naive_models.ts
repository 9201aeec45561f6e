// Naive reference models of the advanced policies: plain arrays (index 0 =
// head = newest, last = tail = oldest), includes/indexOf/splice, written
// straight from the rules in docs/policies.md and fixtures/libcachesim/README.md.
// Slow and meant to be obviously correct; the property tests replay random
// traces through a model and the fast policy and compare every hit/miss.
import { xxh64 } from '../../../src/lab/xxh64.js';
import { Xoshiro128 } from '../../../src/lab/xoshiro128.js';

export interface Model {
  access(key: number, isWrite: boolean): boolean;
  size(): number;
}

function del(a: number[], k: number): void {
  const i = a.indexOf(k);
  if (i < 0) throw new Error(`model bug: ${k} not in list`);
  a.splice(i, 1);
}
const last = <T>(a: T[]): T => a[a.length - 1];
const toHead = (a: number[], k: number): void => {
  del(a, k);
  a.unshift(k);
};

// ---- SIEVE ----------------------------------------------------------------
export class NaiveSieve implements Model {
  q: number[] = [];
  visited = new Set<number>();
  hand: number | null = null;
  constructor(readonly C: number) {}
  size(): number {
    return this.q.length;
  }
  access(k: number): boolean {
    if (this.q.includes(k)) {
      this.visited.add(k);
      return true;
    }
    if (this.q.length >= this.C) {
      // Hand walks from tail (end) toward head (index 0), wrapping to the tail.
      let i = this.hand === null ? this.q.length - 1 : this.q.indexOf(this.hand);
      while (this.visited.has(this.q[i])) {
        this.visited.delete(this.q[i]);
        i = i === 0 ? this.q.length - 1 : i - 1;
      }
      this.hand = i === 0 ? null : this.q[i - 1];
      this.q.splice(i, 1);
    }
    this.q.unshift(k);
    this.visited.delete(k);
    return false;
  }
}

// ---- S3-FIFO --------------------------------------------------------------
export class NaiveS3Fifo implements Model {
  small: number[] = [];
  main: number[] = [];
  ghost: number[] = [];
  freq = new Map<number, number>();
  S: number;
  M: number;
  G: number;
  constructor(
    readonly C: number,
    smallRatio = 0.1,
    ghostRatio = 0.9,
    readonly threshold = 2,
  ) {
    this.S = Math.trunc(C * smallRatio);
    this.M = C - this.S;
    this.G = Math.trunc(C * ghostRatio);
  }
  size(): number {
    return this.small.length + this.main.length;
  }
  access(k: number): boolean {
    if (this.small.includes(k) || this.main.includes(k)) {
      this.freq.set(k, this.freq.get(k)! + 1);
      return true;
    }
    const ghostHit = this.ghost.includes(k);
    if (ghostHit) del(this.ghost, k);
    while (this.size() + 1 > this.C) {
      if (this.main.length > this.M || this.small.length === 0) {
        while (this.main.length > 0) {
          const t = this.main.pop()!;
          const f = this.freq.get(t)!;
          if (f >= 1) {
            this.freq.set(t, Math.min(f, 3) - 1);
            this.main.unshift(t);
          } else {
            this.freq.delete(t);
            break;
          }
        }
      } else {
        while (this.small.length > 0) {
          const t = this.small.pop()!;
          if (this.freq.get(t)! >= this.threshold) {
            this.freq.set(t, 0);
            this.main.unshift(t);
          } else {
            this.freq.delete(t);
            if (this.G > 0) {
              this.ghost.unshift(t);
              if (this.ghost.length > this.G) this.ghost.pop();
            }
            break;
          }
        }
      }
    }
    (ghostHit ? this.main : this.small).unshift(k);
    this.freq.set(k, 0);
    return false;
  }
}

// ---- ARC ------------------------------------------------------------------
export class NaiveArc implements Model {
  t1: number[] = [];
  t2: number[] = [];
  b1: number[] = [];
  b2: number[] = [];
  p = 0;
  constructor(readonly C: number) {}
  size(): number {
    return this.t1.length + this.t2.length;
  }
  private replace(b2Hit: boolean): void {
    const t1 = this.t1.length;
    if ((t1 > 0 && (t1 > this.p || (t1 === this.p && b2Hit))) || this.t2.length === 0) this.b1.unshift(this.t1.pop()!);
    else this.b2.unshift(this.t2.pop()!);
  }
  access(k: number): boolean {
    if (this.t1.includes(k)) {
      del(this.t1, k);
      this.t2.unshift(k);
      return true;
    }
    if (this.t2.includes(k)) {
      toHead(this.t2, k);
      return true;
    }
    const full = this.size() === this.C;
    if (this.b1.includes(k)) {
      this.p = Math.min(this.p + Math.max(this.b2.length / this.b1.length, 1), this.C);
      del(this.b1, k);
      if (full) this.replace(false);
      this.t2.unshift(k);
      return false;
    }
    if (this.b2.includes(k)) {
      this.p = Math.max(this.p - Math.max(this.b1.length / this.b2.length, 1), 0);
      del(this.b2, k);
      if (full) this.replace(true);
      this.t2.unshift(k);
      return false;
    }
    if (full) {
      if (this.t1.length + this.b1.length + 1 > this.C) {
        if (this.b1.length > 0) {
          this.b1.pop();
          this.replace(false);
        } else this.t1.pop();
      } else {
        if (this.t1.length + this.t2.length + this.b1.length + this.b2.length >= 2 * this.C && this.b2.length > 0) this.b2.pop();
        this.replace(false);
      }
    }
    this.t1.unshift(k);
    return false;
  }
}

// ---- 2Q -------------------------------------------------------------------
export class NaiveTwoQ implements Model {
  ain: number[] = [];
  am: number[] = [];
  aout: number[] = [];
  kin: number;
  kout: number;
  constructor(
    readonly C: number,
    inRatio = 0.25,
    outRatio = 0.5,
  ) {
    this.kin = Math.trunc(C * inRatio);
    this.kout = Math.trunc(C * outRatio);
  }
  size(): number {
    return this.ain.length + this.am.length;
  }
  access(k: number): boolean {
    if (this.ain.includes(k)) return true;
    if (this.am.includes(k)) {
      toHead(this.am, k);
      return true;
    }
    const ghostHit = this.aout.includes(k);
    if (ghostHit) del(this.aout, k);
    while (this.size() + 1 > this.C) {
      if (this.ain.length > this.kin) {
        const v = this.ain.pop()!;
        if (this.kout > 0) {
          this.aout.unshift(v);
          if (this.aout.length > this.kout) this.aout.pop();
        }
      } else this.am.pop();
    }
    if (ghostHit) {
      while (this.am.length + 1 > this.C - this.kin) this.am.pop();
      this.am.unshift(k);
    } else this.ain.unshift(k);
    return false;
  }
}

// ---- SLRU (also W-TinyLFU's main cache) ----------------------------------
export class NaiveSlruCore {
  segs: number[][];
  constructor(
    readonly caps: number[],
    readonly total: number,
  ) {
    this.segs = caps.map(() => []);
  }
  count(): number {
    return this.segs.reduce((n, s) => n + s.length, 0);
  }
  segOf(k: number): number {
    return this.segs.findIndex((s) => s.includes(k));
  }
  victim(): number {
    return last(this.segs.find((s) => s.length > 0)!);
  }
  evict(): void {
    this.segs.find((s) => s.length > 0)!.pop();
  }
  hit(k: number): void {
    const i = this.segOf(k);
    const top = this.segs.length - 1;
    del(this.segs[i], k);
    this.segs[Math.min(i + 1, top)].unshift(k);
    if (i < top) while (this.segs[i + 1].length > this.caps[i + 1]) this.cool(i + 1);
  }
  /** Segment j's tail moves down one segment (segment 0: leaves the cache), cascading. */
  cool(j: number): void {
    if (j === 0) {
      this.evict();
      return;
    }
    this.segs[j - 1].unshift(this.segs[j].pop()!);
    while (this.segs[j - 1].length > this.caps[j - 1]) this.cool(j - 1);
  }
  insert(k: number): void {
    let s = this.segs.findIndex((seg, i) => seg.length + 1 <= this.caps[i]);
    if (s < 0) {
      while (this.count() + 1 > this.total) this.evict();
      s = 0;
    }
    this.segs[s].unshift(k);
  }
}

export class NaiveSlru implements Model {
  core: NaiveSlruCore;
  constructor(
    readonly C: number,
    n = 4,
  ) {
    this.core = new NaiveSlruCore(new Array<number>(n).fill(Math.floor(C / n)), C);
  }
  size(): number {
    return this.core.count();
  }
  access(k: number): boolean {
    if (this.core.segOf(k) >= 0) {
      this.core.hit(k);
      return true;
    }
    if (this.core.caps[0] < 1) return false;
    while (this.core.count() + 1 > this.C) this.core.evict();
    this.core.insert(k);
    return false;
  }
}

// ---- W-TinyLFU --------------------------------------------------------------
function u64le(key: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(key), true);
  return b;
}

/** The sketch from the README's formulas, hashing with the BigInt XXH64. */
export class NaiveSketch {
  counters: number[];
  k: number;
  constructor(entries: number) {
    const bpe = -Math.log(0.001) / 0.480453013918201;
    this.k = Math.ceil(0.693147180559945 * bpe);
    let n = Math.ceil(bpe * entries);
    if (n < this.k) n = 2 * this.k;
    this.counters = new Array<number>(n).fill(0);
  }
  private positions(key: number): number[] {
    const a = xxh64(u64le(key), 0x12345678n) & 0xffffffffn;
    const b = xxh64(u64le(key), 0x12344321n) & 0xffffffffn;
    const out: number[] = [];
    for (let i = 0n; i < BigInt(this.k); i++) out.push(Number(((a + i * b) & 0xffffffffn) % BigInt(this.counters.length)));
    return out;
  }
  add(key: number): void {
    for (const p of this.positions(key)) this.counters[p]++;
  }
  estimate(key: number): number {
    return Math.min(...this.positions(key).map((p) => this.counters[p]));
  }
  halve(): void {
    this.counters = this.counters.map((c) => Math.floor(c / 2));
  }
}

export class NaiveWTinyLfu implements Model {
  window: number[] = [];
  main: NaiveSlruCore;
  W: number;
  M: number;
  sketch: NaiveSketch;
  hits = 0;
  constructor(
    readonly C: number,
    windowRatio = 0.01,
  ) {
    this.W = Math.trunc(C * windowRatio);
    this.M = C - this.W;
    this.main = new NaiveSlruCore([Math.trunc(0.2 * this.M), Math.trunc(0.8 * this.M)], this.M);
    this.sketch = new NaiveSketch(this.M);
  }
  size(): number {
    return this.window.length + this.main.count();
  }
  /** One call of libCacheSim's WTinyLFU_evict(): ends on a rejection or a main eviction. */
  private evictOnce(): void {
    for (;;) {
      if (this.window.length === 0) {
        this.main.evict();
        return;
      }
      const v = this.window.pop()!;
      if (this.main.count() + 1 <= this.M) {
        this.main.insert(v);
        this.sketch.add(v);
        continue;
      }
      const admit = this.sketch.estimate(v) > this.sketch.estimate(this.main.victim());
      if (admit) {
        this.main.evict();
        this.main.insert(v);
      }
      this.sketch.add(v);
      if (!admit) return;
    }
  }
  access(k: number): boolean {
    if (this.window.includes(k)) {
      toHead(this.window, k);
      return true;
    }
    if (this.main.segOf(k) >= 0) {
      this.main.hit(k);
      this.sketch.add(k);
      if (++this.hits >= 32 * this.M) {
        this.hits = 0;
        this.sketch.halve();
      }
      return true;
    }
    if (this.W < 1 || this.main.caps[0] < 1) return false;
    while (this.size() + 1 > this.C) this.evictOnce();
    this.window.unshift(k);
    this.sketch.add(k);
    return false;
  }
}

// ---- LIRS (libCacheSim's variant) -------------------------------------------
interface SEntry {
  key: number;
  lir: boolean;
  resident: boolean;
}
export class NaiveLirs implements Model {
  s: SEntry[] = []; // stack S, index 0 = top
  q: number[] = []; // resident HIR blocks, index 0 = top
  nh: number[] = []; // non-resident ids in S, index 0 = newest
  lirCount = 0;
  Lh: number;
  Ll: number;
  constructor(readonly C: number) {
    this.Lh = Math.max(1, Math.trunc(0.01 * C));
    this.Ll = C - this.Lh;
  }
  size(): number {
    return this.lirCount + this.q.length;
  }
  sFind(k: number): SEntry | undefined {
    return this.s.find((e) => e.key === k);
  }
  prune(): void {
    while (this.s.length > 1 && !last(this.s).lir) {
      const e = this.s.pop()!;
      if (!e.resident) del(this.nh, e.key);
    }
  }
  evictHir(): void {
    const k = this.q.pop()!;
    const e = this.sFind(k);
    if (e) {
      e.resident = false;
      this.nh.unshift(k);
    }
  }
  evictLir(): void {
    // The bottom of S is LIR except with one LIR slot (C = 2), where
    // libCacheSim demotes whatever is there; a non-resident id leaves NH too.
    const e = this.s.pop()!;
    if (!e.lir && !e.resident) del(this.nh, e.key);
    this.lirCount--;
    while (this.q.length + 1 > this.Lh) this.evictHir();
    if (this.q.includes(e.key)) del(this.q, e.key);
    this.q.unshift(e.key);
    this.prune();
  }
  access(k: number): boolean {
    const e = this.sFind(k);
    const inQ = this.q.includes(k);
    if (e) {
      this.s.splice(this.s.indexOf(e), 1);
      this.s.unshift(e);
    }
    if (inQ) toHead(this.q, k);
    let hit = true;
    if (e && e.lir) this.prune();
    else if (e && e.resident) {
      if (inQ) del(this.q, k);
      while (this.lirCount + 1 > this.Ll) this.evictLir();
      e.lir = true;
      this.lirCount++;
    } else if (e) {
      while (this.lirCount + 1 > this.Ll) this.evictLir();
      if (this.nh.includes(k)) del(this.nh, k);
      e.lir = true;
      e.resident = true;
      this.lirCount++;
      hit = false;
    } else if (inQ) {
      while (this.lirCount + 1 > this.Ll) this.evictLir();
      // Resident HIR on S; if the demotion evicted it from Q it stays only on S.
      this.s.unshift({ key: k, lir: false, resident: true });
    } else {
      if (this.lirCount + 1 > this.Ll && this.q.length + 1 > this.Lh) while (this.q.length + 1 > this.Lh) this.evictHir();
      if (this.lirCount + 1 <= this.Ll) {
        this.s.unshift({ key: k, lir: true, resident: true });
        this.lirCount++;
      } else {
        this.s.unshift({ key: k, lir: false, resident: true });
        this.q.unshift(k);
      }
      hit = false;
    }
    while (this.s.length > 2 * this.C && this.nh.length > 0) {
      const old = this.nh.pop()!;
      this.s.splice(
        this.s.findIndex((x) => x.key === old),
        1,
      );
    }
    return hit;
  }
}

// ---- LeCaR ------------------------------------------------------------------
export class NaiveLeCaR implements Model {
  lru: number[] = []; // index 0 = most recent
  freq = new Map<number, number>();
  arrival = new Map<number, number>(); // when the object reached its current frequency
  hLru: number[] = [];
  hLfu: number[] = [];
  evictedAt = new Map<number, number>();
  wLru = 0.5;
  wLfu = 0.5;
  nReq = 0;
  tick = 0;
  rng: Xoshiro128;
  constructor(
    readonly C: number,
    seed: number,
  ) {
    this.rng = new Xoshiro128(seed);
  }
  size(): number {
    return this.lru.length;
  }
  access(k: number): boolean {
    this.nReq++;
    if (this.lru.includes(k)) {
      toHead(this.lru, k);
      this.freq.set(k, this.freq.get(k)! + 1);
      this.arrival.set(k, this.tick++);
      return true;
    }
    const d = Math.pow(0.005, 1 / this.C);
    for (const [h, isLru] of [
      [this.hLru, true],
      [this.hLfu, false],
    ] as const) {
      if (!h.includes(k)) continue;
      const r = Math.pow(d, this.nReq - this.evictedAt.get(k)!);
      if (isLru) {
        const wu = this.wLru * Math.exp(-0.45 * r) + 1e-10;
        const s = wu + this.wLfu + 2e-10;
        this.wLru = wu / s;
        this.wLfu = (this.wLfu + 1e-10) / s;
      } else {
        const wu = this.wLfu * Math.exp(-0.45 * r) + 1e-10;
        const s = wu + this.wLru + 2e-10;
        this.wLfu = wu / s;
        this.wLru = (this.wLru + 1e-10) / s;
      }
      del(h, k);
    }
    if (this.lru.length >= this.C) {
      const lruV = last(this.lru);
      let lfuV = this.lru[0];
      for (const x of this.lru) {
        const fx = this.freq.get(x)!;
        const fb = this.freq.get(lfuV)!;
        if (fx < fb || (fx === fb && this.arrival.get(x)! < this.arrival.get(lfuV)!)) lfuV = x;
      }
      let v = lruV;
      let h: number[] | null = null;
      if (lruV !== lfuV) {
        if ((this.rng.nextU32() % 100) / 100 < this.wLru) h = this.hLru;
        else {
          v = lfuV;
          h = this.hLfu;
        }
      }
      del(this.lru, v);
      if (h) {
        h.unshift(v);
        this.evictedAt.set(v, this.nReq);
        while (h.length > Math.floor(this.C / 2)) h.pop();
      }
    }
    this.lru.unshift(k);
    this.freq.set(k, 1);
    this.arrival.set(k, this.tick++);
    return false;
  }
}

// ---- Linux two-list LRU ---------------------------------------------------
export class NaiveLinux implements Model {
  inactive: number[] = [];
  active: number[] = [];
  young = new Set<number>();
  referenced = new Set<number>();
  constructor(
    readonly C: number,
    readonly pageSize = 4096,
  ) {}
  size(): number {
    return this.inactive.length + this.active.length;
  }
  low(): boolean {
    const gb = Math.floor(((this.inactive.length + this.active.length) * this.pageSize) / 2 ** 30);
    const ratio = gb > 0 ? Math.floor(Math.sqrt(10 * gb)) : 1;
    return this.inactive.length * ratio < this.active.length;
  }
  access(k: number): boolean {
    if (this.inactive.includes(k) || this.active.includes(k)) {
      this.young.add(k);
      return true;
    }
    if (this.size() >= this.C) {
      for (;;) {
        while (this.low()) {
          const d = this.active.pop()!;
          this.young.delete(d);
          this.inactive.unshift(d);
        }
        const t = this.inactive.pop()!;
        const wasYoung = this.young.delete(t);
        const wasRef = this.referenced.delete(t);
        if (wasYoung) {
          this.referenced.add(t);
          (wasRef ? this.active : this.inactive).unshift(t);
          continue;
        }
        break;
      }
    }
    this.inactive.unshift(k);
    this.young.add(k);
    this.referenced.delete(k);
    return false;
  }
}

// ---- MGLRU-like generations -------------------------------------------------
export class NaiveMglru implements Model {
  gens = new Map<number, number[]>(); // seq -> pages, index 0 = newest
  young = new Set<number>();
  minSeq = 0;
  maxSeq = 1;
  constructor(readonly C: number) {
    this.gens.set(0, []);
    this.gens.set(1, []);
  }
  size(): number {
    let n = 0;
    for (const g of this.gens.values()) n += g.length;
    return n;
  }
  gen(seq: number): number[] {
    return this.gens.get(seq)!;
  }
  age(): void {
    const top = this.gen(this.maxSeq);
    // Order of the walk: pages referenced longest ago move first.
    for (const p of [...this.youngOrder]) {
      this.young.delete(p);
      for (const [seq, g] of this.gens)
        if (g.includes(p) && seq !== this.maxSeq) {
          del(g, p);
          top.unshift(p);
        }
    }
    this.youngOrder = [];
    this.maxSeq++;
    this.gens.set(this.maxSeq, []);
  }
  youngOrder: number[] = [];
  setYoung(p: number): void {
    if (!this.young.has(p)) {
      this.young.add(p);
      this.youngOrder.push(p);
    }
  }
  access(k: number): boolean {
    for (const g of this.gens.values())
      if (g.includes(k)) {
        this.setYoung(k);
        return true;
      }
    if (this.size() >= this.C) {
      const n = this.maxSeq - this.minSeq + 1;
      const total = this.size();
      if (n < 3 || (n === 3 && (this.gen(this.maxSeq).length * 2 > total || this.gen(this.maxSeq - 2).length * 4 < total))) this.age();
      for (;;) {
        const g = this.gen(this.minSeq);
        if (g.length === 0) {
          if (this.maxSeq - this.minSeq + 1 > 2) {
            this.gens.delete(this.minSeq);
            this.minSeq++;
          } else this.age();
          continue;
        }
        const p = g.pop()!;
        if (this.young.has(p)) {
          this.young.delete(p);
          del(this.youngOrder, p);
          this.gen(this.maxSeq).unshift(p);
          continue;
        }
        break;
      }
    }
    this.gen(this.maxSeq).unshift(k);
    this.setYoung(k);
    return false;
  }
}

// ---- Working set ------------------------------------------------------------
export class NaiveWs implements Model {
  last = new Map<number, number>(); // resident page -> time of last reference
  t = -1;
  constructor(
    readonly C: number,
    readonly tau: number,
  ) {}
  size(): number {
    return this.last.size;
  }
  access(k: number): boolean {
    this.t++;
    const hit = this.last.has(k);
    if (!hit && this.last.size >= this.C) {
      let oldest = -1;
      for (const [p, when] of this.last) if (oldest < 0 || when < this.last.get(oldest)!) oldest = p;
      this.last.delete(oldest);
    }
    this.last.set(k, this.t);
    for (const [p, when] of [...this.last]) if (when <= this.t - this.tau) this.last.delete(p);
    return hit;
  }
}

// ---- WSClock ------------------------------------------------------------------
export class NaiveWsClock implements Model {
  frames: { key: number; r: boolean; dirty: boolean; lastUse: number }[] = [];
  hand = 0;
  t = -1;
  writebacks = 0;
  constructor(
    readonly C: number,
    readonly tau: number,
  ) {}
  size(): number {
    return this.frames.length;
  }
  access(k: number, isWrite: boolean): boolean {
    this.t++;
    const f = this.frames.find((x) => x.key === k);
    if (f) {
      f.r = true;
      if (isWrite) f.dirty = true;
      return true;
    }
    const page = { key: k, r: true, dirty: isWrite, lastUse: this.t };
    if (this.frames.length < this.C) {
      this.frames.push(page);
      return false;
    }
    const v = this.victim();
    this.frames[v] = page;
    this.hand = (v + 1) % this.C;
    return false;
  }
  victim(): number {
    for (;;) {
      let writes = 0;
      for (let i = 0; i < this.C; i++) {
        const f = this.frames[this.hand];
        if (f.r) {
          f.r = false;
          f.lastUse = this.t;
        } else if (this.t - f.lastUse > this.tau) {
          if (!f.dirty) return this.hand;
          f.dirty = false;
          this.writebacks++;
          writes++;
        }
        this.hand = (this.hand + 1) % this.C;
      }
      if (writes > 0) continue;
      // Whole turn in the working set: oldest clean page, else the hand's page.
      let best = -1;
      for (let j = 0; j < this.C; j++) {
        const i = (this.hand + j) % this.C;
        const f = this.frames[i];
        if (!f.dirty && (best < 0 || f.lastUse < this.frames[best].lastUse)) best = i;
      }
      if (best >= 0) return best;
      this.frames[this.hand].dirty = false;
      this.writebacks++;
      return this.hand;
    }
  }
}
