// Replaying a trace through one policy (or several at once, for miss-ratio
// curves): the loop every `mmsim sim` run spends its time in. Batches arrive as typed arrays; each key kind gets its own tight
// loop (dense u32 ids from mmsim files, page numbers from the others), so the
// policy's access() call site stays monomorphic and inlinable.
// Offline policies (OPT, UNOPT) need next-use times: taken from the trace when
// it stores them, else computed by a backward pass over the whole trace, which
// is then held in memory (8 bytes per reference plus the key map).
import type { CachePolicy } from './policy.js';
import { computeNextUse } from './next_use.js';
import { REF_STORE, type RefBatch } from '../workload/trace/ref.js';
import type { TraceReader } from '../workload/trace/reader.js';
import { TraceError } from '../workload/trace/errors.js';

export interface ReplayResult {
  requests: number;
  misses: number;
  /** References of kind S or M. */
  writes: number;
}

export interface ReplayOptions {
  /** The policy reads next-use times (isOfflinePolicy). */
  offline?: boolean;
  /** Called after each batch with the requests replayed so far. */
  onProgress?: (requests: number) => void;
  /** Give the policy page numbers even where the trace has dense ids (needsPageKeys). */
  pageKeys?: boolean;
}

function runIds(p: CachePolicy, ids: Uint32Array, kind: Uint8Array, n: number, t0: number): number {
  let misses = 0;
  for (let i = 0; i < n; i++) if (!p.access(ids[i]!, kind[i]! >= REF_STORE, t0 + i, Infinity)) misses++;
  return misses;
}

function runPages(p: CachePolicy, pages: Float64Array, kind: Uint8Array, n: number, t0: number): number {
  let misses = 0;
  for (let i = 0; i < n; i++) if (!p.access(pages[i]!, kind[i]! >= REF_STORE, t0 + i, Infinity)) misses++;
  return misses;
}

function runFuture(p: CachePolicy, keys: Float64Array | Uint32Array, kind: Uint8Array, nextUse: Float64Array, n: number, t0: number): number {
  let misses = 0;
  for (let i = 0; i < n; i++) if (!p.access(keys[i]!, kind[i]! >= REF_STORE, t0 + i, nextUse[i]!)) misses++;
  return misses;
}

function countWrites(kind: Uint8Array, n: number): number {
  let w = 0;
  for (let i = 0; i < n; i++) if (kind[i]! >= REF_STORE) w++;
  return w;
}

/**
 * Replays every reference of `reader` through `policy` (fresh, empty).
 * Returns the counts. Throws TraceError from the reader, or for an offline
 * policy on a trace whose stored next-use times are missing.
 */
export async function replay(reader: TraceReader, policy: CachePolicy, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const [r] = await replayEach(reader, [policy], opts);
  return r!;
}

/**
 * Replays the trace once through each of `policies` (fresh, empty; one policy
 * at several cache sizes, for a miss-ratio curve): each batch is decoded once
 * and run through every policy in turn. Returns one result per policy, in
 * order. The policies should share one class, so that the loops' access()
 * call sites stay monomorphic. Throws as replay() does.
 */
export async function replayEach(reader: TraceReader, policies: readonly CachePolicy[], opts: ReplayOptions = {}): Promise<ReplayResult[]> {
  let requests = 0;
  const misses = new Float64Array(policies.length);
  let writes = 0;
  let buffered: { keys: Float64Array; kind: Uint8Array; n: number } | null = null;
  for await (const b of reader.batches()) {
    const n = b.length;
    if (opts.offline && !b.nextUse) {
      buffered = append(buffered, b);
      requests += n;
      opts.onProgress?.(requests);
      continue;
    }
    if (opts.offline) checkNextUse(reader, b, requests);
    for (let j = 0; j < policies.length; j++) {
      const policy = policies[j]!;
      if (opts.offline) misses[j]! += runFuture(policy, opts.pageKeys ? b.page : (b.id ?? b.page), b.kind, b.nextUse!, n, requests);
      else if (b.id && !opts.pageKeys) misses[j]! += runIds(policy, b.id, b.kind, n, requests);
      else misses[j]! += runPages(policy, b.page, b.kind, n, requests);
    }
    if (!b.loadsOnly) writes += countWrites(b.kind, n);
    requests += n;
    opts.onProgress?.(requests);
  }
  if (buffered) {
    const { keys, kind, n } = buffered;
    const nextUse = computeNextUse(keys, n);
    for (let j = 0; j < policies.length; j++) misses[j] = runFuture(policies[j]!, keys, kind, nextUse, n, 0);
    writes = countWrites(kind, n);
    opts.onProgress?.(requests);
  }
  return policies.map((_, j) => ({ requests, misses: misses[j]!, writes }));
}

function checkNextUse(reader: TraceReader, b: RefBatch, before: number): void {
  const nu = b.nextUse!;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(nu[i])) throw new TraceError(reader.path, 0, `record ${before + i + 1}: next-use time not computed (negative); convert the trace with mmsim trace convert to get OPT`);
  }
}

// Grows the in-memory copy of the trace that offline policies need.
function append(buf: { keys: Float64Array; kind: Uint8Array; n: number } | null, b: RefBatch): { keys: Float64Array; kind: Uint8Array; n: number } {
  let cur = buf ?? { keys: new Float64Array(1 << 16), kind: new Uint8Array(1 << 16), n: 0 };
  if (cur.n + b.length > cur.keys.length) {
    let size = cur.keys.length * 2;
    while (size < cur.n + b.length) size *= 2;
    const keys = new Float64Array(size);
    keys.set(cur.keys.subarray(0, cur.n));
    const kind = new Uint8Array(size);
    kind.set(cur.kind.subarray(0, cur.n));
    cur = { keys, kind, n: cur.n };
  }
  const src = b.id ?? b.page;
  for (let i = 0; i < b.length; i++) cur.keys[cur.n + i] = src[i]!;
  cur.kind.set(b.kind.subarray(0, b.length), cur.n);
  cur.n += b.length;
  return cur;
}
