// Reading a policy's `--param k=v` values: each policy names the parameters it
// takes, and anything else is an error that names the policy and the choices.
import type { PolicyOptions } from './policy.js';

/** A bad policy name, size or parameter. The CLI prints its message as one line. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/**
 * Throws PolicyError if `opts.params` holds a name not in `known` (aliases
 * included). Call once in a policy's constructor.
 */
export function checkParams(policy: string, opts: PolicyOptions, known: readonly string[]): void {
  for (const name of Object.keys(opts.params)) {
    if (!known.includes(name)) {
      const list = known.length ? `known: ${known.join(', ')}` : 'it takes none';
      throw new PolicyError(`policy ${policy}: unknown parameter '${name}' (${list})`);
    }
  }
}

/**
 * The integer value of the first of `names` present in opts.params, else
 * `fallback`. Throws PolicyError if it is not an integer in [min, max].
 */
export function intParam(policy: string, opts: PolicyOptions, names: readonly string[], fallback: number, min: number, max: number): number {
  for (const name of names) {
    const raw = opts.params[name];
    if (raw === undefined) continue;
    const v = Number(raw);
    if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new PolicyError(`policy ${policy}: parameter ${name}=${raw} must be an integer from ${min} to ${max}`);
    }
    return v;
  }
  return fallback;
}

/** Throws PolicyError unless capacity is an integer from 1 to 2^31 - 1. */
export function checkCapacity(policy: string, capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 0x7fffffff) {
    throw new PolicyError(`policy ${policy}: cache size must be an integer from 1 to 2147483647 pages, got ${capacity}`);
  }
}
