// One unit of work for `mmsim mrc` and `mmsim sweep`: replay one trace through
// one policy at several cache sizes in one pass. A task is plain data, so it
// can run in-process or be posted to a worker thread (curve_pool.ts).
import { asInputError, openInput, type InputFlags } from './trace_input.js';
import { policyCurve } from '../lab/mrc/policy_curve.js';
import { needsPageKeys } from '../lab/policies/index.js';

export interface CurveTask {
  trace: string;
  /** How to read the trace (--format, --unit...), as given on the command line. */
  input: InputFlags;
  policy: string;
  sizes: number[];
  seed: number;
  params: Record<string, string>;
}

export interface CurveResult {
  requests: number;
  /** Misses at each of the task's sizes, in order. */
  misses: number[];
  format: string;
  /** Malformed lines skipped (--skip-bad). */
  skipped: number;
}

/** The trace-input options of a command's flags, as a task carries them. */
export function inputFlags(flags: InputFlags): InputFlags {
  return { format: flags.format, unit: flags.unit, column: flags.column, header: flags.header, skipBad: flags.skipBad };
}

/**
 * Deals `sizes` round-robin into at most `groups` groups, one task each, so
 * that large and small sizes mix and tasks take about the same time.
 * Example: 1 2 3 4 5 into 2 -> [1 3 5] [2 4].
 */
export function splitSizes(sizes: readonly number[], groups: number): number[][] {
  const out: number[][] = Array.from({ length: Math.min(groups, sizes.length) }, () => []);
  sizes.forEach((s, i) => out[i % out.length]!.push(s));
  return out;
}

/** Runs a task. Throws InputError for bad input (malformed trace, bad policy parameter). */
export async function runCurveTask(task: CurveTask, onProgress?: (requests: number) => void): Promise<CurveResult> {
  const reader = await openInput(task.trace, task.input, { pages: needsPageKeys(task.policy) });
  try {
    const r = await policyCurve(reader, task.policy, task.sizes, { seed: task.seed, params: task.params, onProgress });
    return { requests: r.requests, misses: r.misses, format: reader.format, skipped: reader.badRecords };
  } catch (e) {
    throw asInputError(e, task.trace);
  }
}
