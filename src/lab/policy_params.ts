// Reading and checking a policy's numeric parameters ("tau=1000",
// "fifo-size-ratio=0.1") and its capacity, once, at construction. Errors are
// RangeErrors whose message names the policy, the parameter and the rule, so
// the CLI can print them as one line.

export interface ParamSpec {
  /** Value when the parameter is not given. */
  readonly def: number;
  readonly min?: number;
  readonly max?: number;
  /** Lower bound excluded (e.g. a ratio that must be > 0). */
  readonly minExclusive?: boolean;
  /** Upper bound excluded (e.g. a ratio that must be < 1). */
  readonly maxExclusive?: boolean;
  readonly integer?: boolean;
}

/**
 * Parses `given` against `spec` for `policy`: every given name must be in
 * `spec` (names are case-insensitive, as libCacheSim's), every value a finite
 * number within bounds. Returns all parameters, defaults filled in. Throws
 * RangeError.
 */
export function readParams<K extends string>(
  policy: string,
  spec: Record<K, ParamSpec>,
  given?: Record<string, string>,
): Record<K, number> {
  const names = Object.keys(spec) as K[];
  const out = {} as Record<K, number>;
  for (const name of names) out[name] = spec[name].def;
  for (const [rawName, raw] of Object.entries(given ?? {})) {
    const name = names.find((n) => n.toLowerCase() === rawName.toLowerCase());
    if (name === undefined) {
      const known = names.length > 0 ? names.join(', ') : 'none';
      throw new RangeError(`${policy}: unknown parameter "${rawName}" (known: ${known})`);
    }
    const s = spec[name];
    const v = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(v)) throw new RangeError(`${policy}: parameter ${name}="${raw}" is not a number`);
    if (s.integer === true && !Number.isInteger(v)) throw new RangeError(`${policy}: parameter ${name}=${raw} must be an integer`);
    if (s.min !== undefined && (s.minExclusive === true ? v <= s.min : v < s.min)) {
      throw new RangeError(`${policy}: parameter ${name}=${raw} must be ${s.minExclusive === true ? '>' : '>='} ${s.min}`);
    }
    if (s.max !== undefined && (s.maxExclusive === true ? v >= s.max : v > s.max)) {
      throw new RangeError(`${policy}: parameter ${name}=${raw} must be ${s.maxExclusive === true ? '<' : '<='} ${s.max}`);
    }
    out[name] = v;
  }
  return out;
}

/** Throws unless `capacity` is an integer ≥ 1 that typed arrays can index. */
export function checkCapacity(policy: string, capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 2 ** 28) {
    throw new RangeError(`${policy}: cache size must be an integer from 1 to ${2 ** 28} pages, got ${capacity}`);
  }
}
