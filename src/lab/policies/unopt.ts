// UNOPT (OSTEP's "worst" policy): on a fault with memory full, evict the page
// whose next reference comes soonest. Offline like OPT and built on the same
// heap with the order reversed. Ties (pages never used again, only when every
// resident page is one) do not change the miss count.
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { NextUseHeapPolicy } from './opt.js';

export function createUnopt(capacity: number, opts: PolicyOptions): CachePolicy {
  return new NextUseHeapPolicy(capacity, opts, { name: 'unopt', farthest: false });
}
