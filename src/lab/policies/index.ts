// The registry of replacement policies: one line per policy file. The CLI and
// the sweeps create policies only through createPolicy, by name.
import type { CachePolicy, PolicyFactory, PolicyOptions } from '../policy.js';
import { PolicyError } from '../params.js';
import { createClock } from './clock.js';
import { createClockHand } from './clock_hand.js';
import { createFifo } from './fifo.js';
import { createLfu } from './lfu.js';
import { createLru } from './lru.js';
import { createMru } from './mru.js';
import { createNru } from './nru.js';
import { createOpt } from './opt.js';
import { createRand } from './rand.js';
import { createUnopt } from './unopt.js';
import { advancedPolicies } from './advanced.js';

interface Entry {
  create: PolicyFactory;
  /** Needs each reference's next-use time (offline policies). */
  offline?: boolean;
  /** Hashes its keys, so it must see the trace's page numbers, not dense ids. */
  pageKeys?: boolean;
}

const POLICIES: Record<string, Entry> = {
  fifo: { create: createFifo },
  lru: { create: createLru },
  mru: { create: createMru },
  rand: { create: createRand },
  opt: { create: createOpt, offline: true },
  unopt: { create: createUnopt, offline: true },
  clock: { create: createClock },
  'clock-hand': { create: createClockHand },
  nru: { create: createNru },
  lfu: { create: createLfu },
  ...Object.fromEntries(Object.entries(advancedPolicies).map(([n, create]) => [n, { create, pageKeys: n === 'wtinylfu' }])),
};

/** Other names for the same policies (libCacheSim's and the textbooks'). */
const ALIASES: Record<string, string> = {
  belady: 'opt',
  min: 'opt',
  random: 'rand',
  'fifo-reinsertion': 'clock',
  'second-chance': 'clock-hand',
  '2q': 'twoq',
  's3-fifo': 's3fifo',
  'w-tinylfu': 'wtinylfu',
  'lru-2list': 'linux',
};

function lookup(name: string): Entry | undefined {
  const key = name.toLowerCase();
  return POLICIES[ALIASES[key] ?? key];
}

/**
 * A new policy instance. Throws PolicyError for an unknown name, a capacity
 * that is not a positive integer, or a bad parameter.
 */
export function createPolicy(name: string, capacity: number, opts: Partial<PolicyOptions> = {}): CachePolicy {
  const entry = lookup(name);
  if (!entry) throw new PolicyError(`unknown policy '${name}' (known: ${policyNames().join(', ')})`);
  try {
    return entry.create(capacity, { seed: opts.seed ?? 1, params: opts.params ?? {} });
  } catch (e) {
    // The advanced policies check their sizes and parameters with RangeError.
    if (e instanceof RangeError) throw new PolicyError(e.message);
    throw e;
  }
}

/** Canonical policy names, in registry order (aliases not included). */
export function policyNames(): string[] {
  return Object.keys(POLICIES);
}

/** Alias -> canonical name pairs, for help text. */
export function policyAliases(): Record<string, string> {
  return { ...ALIASES };
}

/**
 * True if the policy's decisions depend on key values (W-TinyLFU hashes
 * them, as libCacheSim does): it must replay page numbers, not dense ids.
 */
export function needsPageKeys(name: string): boolean {
  return lookup(name)?.pageKeys === true;
}

/** True if the policy needs next-use times (OPT, UNOPT). Unknown names: false. */
export function isOfflinePolicy(name: string): boolean {
  return lookup(name)?.offline === true;
}
