// The textbook CLOCK (Corbató 1968; Tanenbaum's "clock" and "second chance",
// Silberschatz's "second-chance"): frames on a circle, a hand at the oldest.
// Loading a page references it, so its bit starts set; a hit sets the bit; on a
// fault the hand clears set bits as it passes and replaces the first page whose
// bit is clear. Second chance is the same algorithm kept as a FIFO list
// (Tanenbaum: "differs only in the implementation"), so `second-chance` is an
// alias of this policy. It differs from libCacheSim's Clock (clock.ts) only in
// the starting bit; libCacheSim names its Clock "second-chance" too.
import type { CachePolicy, PolicyOptions } from '../policy.js';
import { ClockPolicy } from './clock.js';

export function createClockHand(capacity: number, opts: PolicyOptions): CachePolicy {
  return new ClockPolicy(capacity, opts, { name: 'clock-hand', insertReferenced: true });
}
