// MRU: evict the page referenced most recently (good for loops larger than
// memory, bad almost everywhere else). Same list as LRU; the victim is the
// head instead of the tail. libCacheSim's cachesim does not expose MRU; OSTEP's
// paging-policy.py evicts the same page (the last one touched).
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { LruPolicy } from './lru.js';

export function createMru(capacity: number, opts: PolicyOptions): CachePolicy {
  return new LruPolicy(capacity, opts, { name: 'mru', evictMostRecent: true });
}
