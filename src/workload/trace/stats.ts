// Trace statistics for `mmsim trace stats`: length, footprint, reference kinds
// and the exact reuse-distance (LRU stack distance) histogram in log2 buckets.
// The reuse distance of a reference is the number of distinct pages touched
// since the previous reference to the same page; the first reference to a page
// is cold and counted apart. Computed in O(log n) per reference by the stack
// distance tracker of the miss-ratio curves (src/lab/mrc/stack_distance.ts),
// whose memory is proportional to the footprint, not to the trace length.
import { KeyStackDistance, StackDistance } from '../../lab/mrc/stack_distance.js';
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

/** Reads the whole trace and returns its statistics. Throws what the reader throws. */
export async function traceStats(reader: TraceReader, onProgress?: (requests: number) => void): Promise<TraceStats> {
  const st: TraceStats = { requests: 0, footprint: 0, instr: 0, loads: 0, stores: 0, modifies: 0, minPage: Infinity, maxPage: -Infinity, cold: 0, histogram: [] };
  const byId = new StackDistance();
  const byPage = new KeyStackDistance();
  const hist = new Float64Array(64);
  const kinds = new Float64Array(4);
  for await (const b of reader.batches()) {
    const ids = b.id;
    const pages = b.page.length >= b.length ? b.page : null; // mmsim fills pages only when asked
    for (let i = 0; i < b.length; i++) {
      const d = ids ? byId.touch(ids[i]!) : byPage.access(b.page[i]!);
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
  st.footprint = byId.size + byPage.size;
  st.instr = kinds[REF_INSTR]!;
  st.loads = kinds[1]!;
  st.stores = kinds[REF_STORE]!;
  st.modifies = kinds[REF_MODIFY]!;
  let last = hist.length - 1;
  while (last >= 0 && hist[last] === 0) last--;
  st.histogram = Array.from(hist.subarray(0, last + 1));
  return st;
}
