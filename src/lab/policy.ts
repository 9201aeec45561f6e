// The interface every replacement policy of the trace lab implements, in the
// spirit of libCacheSim's per-policy function table: the policy is chosen once
// at construction, and the replay loop calls `access` for every reference.
// Keys are page numbers (or object ids), exact doubles below 2^53.

export interface PolicyOptions {
  /** Seed for policies that draw random numbers (RAND, CLOCK variants...). */
  seed: number;
  /** Policy-specific parameters by name, as given on the command line (e.g. "tau=1000"). */
  params: Record<string, string>;
}

export interface CachePolicy {
  /** The policy's name as the CLI spells it ("lru", "s3fifo"...). */
  readonly name: string;
  /** Capacity in pages. */
  readonly capacity: number;
  /**
   * Processes one reference at virtual time `time` (0, 1, 2... per request).
   * `nextUse` is the time of the next reference to the same key, or Infinity;
   * only offline policies (OPT, UNOPT) read it, others ignore it.
   * Returns true on a hit. Must not allocate per call.
   */
  access(key: number, isWrite: boolean, time: number, nextUse: number): boolean;
  /** Number of keys resident now. */
  size(): number;
}

export type PolicyFactory = (capacity: number, opts: PolicyOptions) => CachePolicy;
