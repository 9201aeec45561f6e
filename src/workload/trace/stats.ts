// Trace statistics for `mmsim trace stats`: length, footprint, reference kinds
// and the exact reuse-distance (LRU stack distance) histogram in log2 buckets.
// The reuse distance of a reference is the number of distinct pages touched
// since the previous reference to the same page; the first reference to a page
// is cold and counted apart. Computed in O(log n) per reference with a Fenwick
// tree over "last access" positions: a position holds 1 while it is some
// page's latest reference, so the distance is the number of 1s after the
// page's previous position. Positions are compacted when the tree fills, so
// memory is proportional to the footprint, not to the trace length.
import { KeyIndex } from '../../lab/key_index.js';
import { REF_INSTR, REF_MODIFY, REF_STORE } from './ref.js';
import type { TraceReader } from './reader.js';

export interface TraceStats {
  requests: number;
  /** Distinct pages. */
  footprint: number;
  /** References by kind: instruction fetches, loads, stores, modifies. */
  instr: number;
  loads: number;
  stores: number;
  modifies: number;
  minPage: number;
  maxPage: number;
  /** First references to a page (infinite reuse distance). */
  cold: number;
  /**
   * histogram[0] counts distance 0 (same page again at once); histogram[b],
   * b >= 1, counts distances in [2^(b-1), 2^b - 1].
   */
  histogram: number[];
}

/** Bucket of a reuse distance d >= 0. Example: 0 -> 0, 1 -> 1, 2..3 -> 2, 4..7 -> 3. */
export function reuseBucket(d: number): number {
  return d === 0 ? 0 : d < 4294967296 ? 32 - Math.clz32(d) : 32 + (32 - Math.clz32(Math.floor(d / 4294967296)));
}

/** Exact reuse distances, one reference at a time; memory grows with the footprint only. */
export class ReuseTracker {
  private readonly ids = new KeyIndex(1 << 12);
  private posOf = new Float64Array(1 << 12); // by id: current position
  private cap: number;
  private tree: Int32Array;
  private owner: Int32Array;
  private t = 0;
  private live = 0;

  /** `positions`: initial tree size (a power of two); tests make it small to exercise compaction. */
  constructor(positions = 1 << 16) {
    this.cap = positions;
    this.tree = new Int32Array(positions + 1);
    this.owner = new Int32Array(positions).fill(-1);
  }

  /** Distinct pages seen. */
  get footprint(): number {
    return this.ids.size;
  }

  /** Records a reference to `page`; returns its reuse distance, or -1 if cold. */
  access(page: number): number {
    let id = this.ids.get(page);
    let d = -1;
    if (id < 0) {
      id = this.ids.size;
      this.ids.set(page, id);
      if (id === this.posOf.length) {
        const bigger = new Float64Array(this.posOf.length * 2);
        bigger.set(this.posOf);
        this.posOf = bigger;
      }
    } else {
      const s = this.posOf[id]!;
      d = this.live - this.prefix(s);
      this.add(s, -1);
      this.owner[s] = -1;
      this.live--;
    }
    if (this.t === this.cap) this.compact();
    const t = this.t++;
    this.add(t, 1);
    this.owner[t] = id;
    this.posOf[id] = t;
    this.live++;
    return d;
  }

  // Number of marks at positions 0..i.
  private prefix(i: number): number {
    let s = 0;
    for (let j = i + 1; j > 0; j -= j & -j) s += this.tree[j]!;
    return s;
  }

  private add(i: number, v: number): void {
    const tree = this.tree;
    for (let j = i + 1; j <= this.cap; j += j & -j) tree[j]! += v;
  }

  // Renumbers live positions 0..live-1 in order; doubles the tree if it is over half full.
  private compact(): void {
    const old = this.owner;
    if (this.live * 2 > this.cap) this.cap *= 2;
    this.owner = new Int32Array(this.cap).fill(-1);
    let k = 0;
    for (let i = 0; i < old.length; i++) {
      const id = old[i]!;
      if (id < 0) continue;
      this.owner[k] = id;
      this.posOf[id] = k++;
    }
    // Linear-time Fenwick build over k leading ones.
    const tree = new Int32Array(this.cap + 1);
    for (let j = 1; j <= k; j++) tree[j]! += 1;
    for (let j = 1; j <= this.cap; j++) {
      const up = j + (j & -j);
      if (up <= this.cap) tree[up]! += tree[j]!;
    }
    this.tree = tree;
    this.t = k;
  }
}

/** Reads the whole trace and returns its statistics. Throws what the reader throws. */
export async function traceStats(reader: TraceReader, onProgress?: (requests: number) => void): Promise<TraceStats> {
  const st: TraceStats = { requests: 0, footprint: 0, instr: 0, loads: 0, stores: 0, modifies: 0, minPage: Infinity, maxPage: -Infinity, cold: 0, histogram: [] };
  const tracker = new ReuseTracker();
  const hist = new Float64Array(64);
  const kinds = new Float64Array(4);
  for await (const b of reader.batches()) {
    const keys = b.id ?? b.page;
    const pages = b.page.length >= b.length ? b.page : null; // mmsim fills pages only when asked
    for (let i = 0; i < b.length; i++) {
      const d = tracker.access(keys[i]!);
      if (d < 0) st.cold++;
      else hist[reuseBucket(d)]!++;
      kinds[b.kind[i]!]!++;
      if (pages) {
        const p = pages[i]!;
        if (p < st.minPage) st.minPage = p;
        if (p > st.maxPage) st.maxPage = p;
      }
    }
    st.requests += b.length;
    onProgress?.(st.requests);
  }
  st.footprint = tracker.footprint;
  st.instr = kinds[REF_INSTR]!;
  st.loads = kinds[1]!;
  st.stores = kinds[REF_STORE]!;
  st.modifies = kinds[REF_MODIFY]!;
  let last = hist.length - 1;
  while (last >= 0 && hist[last] === 0) last--;
  st.histogram = Array.from(hist.subarray(0, last + 1));
  return st;
}
