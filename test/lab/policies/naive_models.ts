// Naive reference models of the replacement policies: plain arrays (index 0 =
// head = newest), indexOf and splice, written straight from the rules in
// docs/policies.md and fixtures/libcachesim/README.md. Slow and obviously
// correct; the property tests compare the fast policies against them.
import { xxh64 } from '../../../src/lab/xxh64.js';

export interface Model {
  access(key: number, isWrite: boolean, time: number): boolean;
  size(): number;
}

const remove = (a: number[], k: number): void => {
  const i = a.indexOf(k);
  if (i < 0) throw new Error(`model bug: ${k} not in list`);
  a.splice(i, 1);
};
const last = (a: number[]): number => a[a.length - 1];

// ---- W-TinyLFU ----------------------------------------------------------

function u64le(key: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(key), true);
  return b;
}

/** The sketch, from the README's formulas, hashing with the BigInt XXH64. */
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
  seg: number[][] = [[], []];
  caps: number[];
  W: number;
  M: number;
  sketch: NaiveSketch;
  hits = 0;
  constructor(readonly C: number) {
    this.W = Math.trunc(C * 0.01);
    this.M = C - this.W;
    this.caps = [Math.trunc(0.2 * this.M), Math.trunc(0.8 * this.M)];
    this.sketch = new NaiveSketch(this.M);
  }
  mainCount(): number {
    return this.seg[0].length + this.seg[1].length;
  }
  size(): number {
    return this.window.length + this.mainCount();
  }
  segOf(k: number): number {
    return this.seg[0].includes(k) ? 0 : this.seg[1].includes(k) ? 1 : -1;
  }
  mainVictim(): number {
    return this.seg[0].length > 0 ? last(this.seg[0]) : last(this.seg[1]);
  }
  mainEvict(): void {
    if (this.seg[0].length > 0) this.seg[0].pop();
    else this.seg[1].pop();
  }
  mainInsert(k: number): void {
    let s = this.seg.findIndex((l, i) => l.length + 1 <= this.caps[i]);
    if (s < 0) {
      while (this.mainCount() + 1 > this.M) this.mainEvict();
      s = 0;
    }
    this.seg[s].unshift(k);
  }
  access(key: number): boolean {
    if (this.window.includes(key)) {
      remove(this.window, key);
      this.window.unshift(key);
      return true;
    }
    const s = this.segOf(key);
    if (s >= 0) {
      remove(this.seg[s], key);
      const to = Math.min(s + 1, 1);
      this.seg[to].unshift(key);
      if (to !== s) {
        while (this.seg[1].length > this.caps[1]) {
          this.seg[0].unshift(this.seg[1].pop()!);
          while (this.seg[0].length > this.caps[0]) this.mainEvict();
        }
      }
      this.sketch.add(key);
      if (++this.hits >= 32 * this.M) {
        this.hits = 0;
        this.sketch.halve();
      }
      return true;
    }
    if (this.W < 1 || this.caps[0] < 1) return false;
    while (this.size() + 1 > this.C) {
      if (this.window.length === 0) {
        this.mainEvict();
        break;
      }
      const v = last(this.window);
      if (this.mainCount() + 1 <= this.M) {
        this.window.pop();
        this.mainInsert(v);
        this.sketch.add(v);
        continue;
      }
      const admit = this.sketch.estimate(v) > this.sketch.estimate(this.mainVictim());
      if (admit) this.mainEvict();
      this.window.pop();
      if (admit) this.mainInsert(v);
      this.sketch.add(v);
      if (!admit) break;
    }
    this.window.unshift(key);
    this.sketch.add(key);
    return false;
  }
}
