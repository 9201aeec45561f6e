// Miss-ratio curves of the policies that have no stack property (FIFO, CLOCK,
// ARC...): one simulation per cache size, all sizes in one pass over the
// trace, so each batch is read and decoded once and then run through every
// size's policy in turn. Time grows with the number of sizes, memory with
// their sum (at most 64 bytes per page each). The CLI spreads the sizes over
// worker threads for parallelism (src/cli/curve_pool.ts).
import { createPolicy, isOfflinePolicy, needsPageKeys } from '../policies/index.js';
import { replayEach } from '../replay.js';
import type { TraceReader } from '../../workload/trace/reader.js';

export interface PolicyCurveOptions {
  seed?: number;
  params?: Record<string, string>;
  onProgress?: (requests: number) => void;
}

/**
 * Misses of policy `name` at each of `sizes` (positive integers), from one
 * pass over `reader`. Throws PolicyError for a bad name, size or parameter
 * (before reading anything), and what the reader throws.
 */
export async function policyCurve(reader: TraceReader, name: string, sizes: readonly number[], opts: PolicyCurveOptions = {}): Promise<{ requests: number; misses: number[] }> {
  const policies = sizes.map((size) => createPolicy(name, size, { seed: opts.seed ?? 1, params: opts.params ?? {} }));
  const results = await replayEach(reader, policies, { offline: isOfflinePolicy(name), pageKeys: needsPageKeys(name), onProgress: opts.onProgress });
  return { requests: results[0]?.requests ?? 0, misses: results.map((r) => r.misses) };
}
