// The advanced replacement policies of the trace lab, by CLI name, to merge
// into the main registry (src/lab/policies/index.ts). The first eight follow
// libCacheSim's implementations (and defaults) exactly; linux, mglru, ws and
// wsclock model Linux's reclaim and the working-set family (docs/policies.md).
// Constructors throw RangeError with a one-line message on a bad capacity or
// parameter; the CLI turns that into an InputError.

import type { CachePolicy, PolicyFactory } from '../policy.js';
import { TwoQ } from './twoq.js';
import { Arc } from './arc.js';
import { Lirs } from './lirs.js';
import { S3Fifo } from './s3fifo.js';
import { Sieve } from './sieve.js';
import { Slru } from './slru.js';
import { WTinyLfu } from './wtinylfu.js';
import { LeCaR } from './lecar.js';
import { LinuxLru } from './linux.js';
import { Mglru } from './mglru.js';
import { WorkingSet } from './ws.js';
import { WsClock } from './wsclock.js';

export const advancedPolicies: Record<string, PolicyFactory> = {
  twoq: (capacity, opts) => new TwoQ(capacity, opts),
  arc: (capacity, opts) => new Arc(capacity, opts),
  lirs: (capacity, opts) => new Lirs(capacity, opts),
  s3fifo: (capacity, opts) => new S3Fifo(capacity, opts),
  sieve: (capacity, opts) => new Sieve(capacity, opts),
  slru: (capacity, opts) => new Slru(capacity, opts),
  wtinylfu: (capacity, opts) => new WTinyLfu(capacity, opts),
  lecar: (capacity, opts) => new LeCaR(capacity, opts),
  linux: (capacity, opts) => new LinuxLru(capacity, opts),
  mglru: (capacity, opts) => new Mglru(capacity, opts),
  ws: (capacity, opts) => new WorkingSet(capacity, opts),
  wsclock: (capacity, opts) => new WsClock(capacity, opts),
};

/** Extra per-policy figures (linux's vmstat counters, ws's resident-set sizes...). */
export interface PolicyWithStats extends CachePolicy {
  stats(): object;
}

/** Whether a policy reports extra statistics (`--json` can print them). */
export function hasStats(p: CachePolicy): p is PolicyWithStats {
  return typeof (p as Partial<PolicyWithStats>).stats === 'function';
}
