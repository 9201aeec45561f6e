import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPolicy, isOfflinePolicy, policyNames } from '../../../src/lab/policies/index.js';
import { computeNextUse } from '../../../src/lab/next_use.js';
import { PolicyError } from '../../../src/lab/params.js';
import type { CachePolicy } from '../../../src/lab/policy.js';
import { naiveClock, naiveFifo, naiveLfu, naiveLru, naiveMru, naiveOffline, naiveRand, type NaiveFactory } from './naive.js';

const BELADY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
const OSTEP = [0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1];

function misses(name: string, cap: number, trace: readonly number[], params: Record<string, string> = {}, writes?: readonly boolean[]): number {
  const p = createPolicy(name, cap, { params, seed: 7 });
  const nu = computeNextUse(Float64Array.from(trace));
  let m = 0;
  trace.forEach((k, t) => {
    if (!p.access(k, writes?.[t] ?? false, t, nu[t]!)) m++;
  });
  return m;
}

describe('lab/policies: hand-computed cases', () => {
  it("shows Belady's anomaly for FIFO (9 misses with 3 frames, 10 with 4)", () => {
    assert.equal(misses('fifo', 3, BELADY), 9);
    assert.equal(misses('fifo', 4, BELADY), 10);
  });

  it('gives LRU 10 and 8 misses and OPT 7 and 6 on the same string', () => {
    assert.equal(misses('lru', 3, BELADY), 10);
    assert.equal(misses('lru', 4, BELADY), 8);
    assert.equal(misses('opt', 3, BELADY), 7);
    assert.equal(misses('opt', 4, BELADY), 6);
  });

  it('gives MRU 7 and 6 misses on it (as OSTEP paging-policy.py prints)', () => {
    // C=3: 1 2 3 miss; 4 evicts 3; 1 2 hit; 5 evicts 2; 1 hit; 2 evicts 1; 3 evicts 2; 4 5 hit.
    assert.equal(misses('mru', 3, BELADY), 7);
    assert.equal(misses('mru', 4, BELADY), 6);
  });

  it('gives UNOPT 9 misses on the OSTEP chapter string with 3 frames (11 with 2, 4 with 4)', () => {
    // t5 3 evicts 0 (next at 6); t6 0 evicts 3 (7); t7 3 evicts 1 (8); t8 1 evicts 2 (9); t9 2 evicts 1 (10); t10 1 misses.
    assert.equal(misses('unopt', 3, OSTEP), 9);
    assert.equal(misses('unopt', 2, OSTEP), 11);
    assert.equal(misses('unopt', 4, OSTEP), 4);
  });

  it('separates libCacheSim Clock (new page at 0) from the textbook hand (new page referenced)', () => {
    // C=2, 1 2 1 3 1. Clock: 1 has count 1 and survives, 2 goes; the last 1 hits (3 misses).
    // Hand: all bits set, the hand clears both and replaces 1; the last 1 misses (4).
    assert.equal(misses('clock', 2, [1, 2, 1, 3, 1]), 3);
    assert.equal(misses('clock-hand', 2, [1, 2, 1, 3, 1]), 4);
    assert.equal(misses('second-chance', 2, [1, 2, 1, 3, 1]), 4);
    assert.equal(misses('fifo-reinsertion', 2, [1, 2, 1, 3, 1]), 3);
  });

  it('has NRU evict from the lowest class and clear R every interval references', () => {
    const p = createPolicy('nru', 2, { params: { interval: '3' } }) as CachePolicy & { classOf(k: number): number };
    p.access(1, false, 0, 0); // class 2 (R)
    p.access(2, true, 1, 0); // class 3 (R M)
    assert.equal(p.classOf(1), 2);
    assert.equal(p.classOf(2), 3);
    p.access(3, false, 2, 0); // evicts 1 (class 2 < 3); then 3 refs -> R cleared
    assert.equal(p.classOf(1), -1);
    assert.equal(p.classOf(2), 1);
    assert.equal(p.classOf(3), 0);
    p.access(4, false, 3, 0); // evicts 3, the only class-0 page
    assert.equal(p.classOf(3), -1);
    assert.equal(p.classOf(4), 2);
    p.access(3, false, 4, 0); // 2 is class 1, 4 is class 2: evicts 2
    assert.equal(p.classOf(2), -1);
    assert.equal(p.size(), 2);
  });

  it('keeps RAND deterministic per seed and exact when everything fits', () => {
    const trace = Array.from({ length: 2000 }, (_, i) => (i * 7919) % 37);
    const run = (seed: number): boolean[] => {
      const p = createPolicy('rand', 10, { seed });
      return trace.map((k, t) => p.access(k, false, t, 0));
    };
    assert.deepEqual(run(3), run(3));
    assert.notDeepEqual(run(3), run(4));
    assert.equal(misses('rand', 37, trace), 37);
  });

  it('treats ids above 2^32 and 2^53 - 1 as distinct pages', () => {
    // 128 pages: room for all five (W-TinyLFU admits nothing below 100 pages).
    const big = [2 ** 32, 0, 2 ** 32 + 1, 2 ** 53 - 1, 1, 2 ** 32, 2 ** 53 - 1];
    for (const name of policyNames()) assert.equal(misses(name, 128, big), 5, name);
  });

  it('keeps its state within 64 bytes per resident page (caches of 1000 pages and more)', () => {
    // The policies that report their state size (the basic ones; see docs/policies.md for the others).
    for (const name of policyNames().filter((n) => typeof (createPolicy(n, 1000) as { stateBytes?: unknown }).stateBytes === 'function')) {
      for (const cap of [1000, 4096, 4097, 10000, 65537, 100000, 1 << 20]) {
        const p = createPolicy(name, cap) as CachePolicy & { stateBytes(): number };
        assert.ok(p.stateBytes() / cap <= 64, `${name} ${cap}: ${p.stateBytes() / cap} B/page`);
      }
    }
  });

  it('rejects unknown policies, bad sizes and bad parameters with one clear message', () => {
    assert.throws(() => createPolicy('lruu', 10), { message: /^unknown policy 'lruu' \(known: fifo, lru,/ });
    assert.throws(() => createPolicy('lru', 0), PolicyError);
    assert.throws(() => createPolicy('lru', 1.5), PolicyError);
    assert.throws(() => createPolicy('clock', 4, { params: { bits: '9' } }), { message: 'policy clock: parameter bits=9 must be an integer from 1 to 8' });
    assert.throws(() => createPolicy('lru', 4, { params: { x: '1' } }), { message: "policy lru: unknown parameter 'x' (it takes none)" });
    assert.equal(isOfflinePolicy('belady'), true);
    assert.equal(isOfflinePolicy('lru'), false);
  });
});

// Model-based: the fast policy and its naive model see the same random trace
// and must agree on every hit/miss and on the final resident set.
const MODELS: Array<[string, Record<string, string>, NaiveFactory]> = [
  ['lru', {}, naiveLru],
  ['mru', {}, naiveMru],
  ['fifo', {}, naiveFifo],
  ['clock', {}, naiveClock(1, 0)],
  ['clock', { bits: '2' }, naiveClock(2, 0)],
  ['clock-hand', {}, naiveClock(1, 1)],
  ['clock-hand', { bits: '3' }, naiveClock(3, 1)],
  ['lfu', {}, naiveLfu],
  ['opt', {}, naiveOffline(true)],
  ['unopt', {}, naiveOffline(false)],
  ['rand', {}, naiveRand(7)],
];

const traceArb = fc.record({
  cap: fc.integer({ min: 1, max: 8 }),
  trace: fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(2 ** 32 + 3, 2 ** 40)), { maxLength: 120 }),
});

describe('lab/policies: agree with naive models on random traces', () => {
  for (const [name, params, model] of MODELS) {
    it(`${name} ${JSON.stringify(params)}`, () => {
      fc.assert(
        fc.property(traceArb, ({ cap, trace }) => {
          const fast = createPolicy(name, cap, { params, seed: 7 });
          const slow = model(cap, trace);
          const nu = computeNextUse(Float64Array.from(trace));
          trace.forEach((k, t) => {
            assert.equal(fast.access(k, false, t, nu[t]!), slow.access(k, false, t), `t=${t}`);
          });
          assert.equal(fast.size(), slow.resident().length);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('nru evicts only from the lowest non-empty class', () => {
    fc.assert(
      fc.property(traceArb, fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }), fc.integer({ min: 1, max: 10 }), ({ cap, trace }, writes, interval) => {
        const p = createPolicy('nru', cap, { params: { interval: String(interval) }, seed: 5 }) as CachePolicy & { classOf(k: number): number };
        // The model keeps R/M bits per resident page.
        const bits = new Map<number, number>();
        trace.forEach((k, t) => {
          const before = new Map(bits);
          const hit = p.access(k, writes[t]!, t, 0);
          assert.equal(hit, bits.has(k));
          if (!hit && before.size === cap) {
            const gone = [...before.keys()].filter((x) => p.classOf(x) < 0);
            assert.equal(gone.length, 1);
            const lowest = Math.min(...before.values());
            assert.equal(before.get(gone[0]!), lowest);
            bits.delete(gone[0]!);
          }
          bits.set(k, (bits.get(k) ?? 0) | 2 | (writes[t] ? 1 : 0));
          if ((t + 1) % interval === 0) for (const [x, c] of bits) bits.set(x, c & 1);
          for (const [x, c] of bits) assert.equal(p.classOf(x), c, `class of ${x} at t=${t}`);
        });
      }),
      { numRuns: 300 },
    );
  });
});
