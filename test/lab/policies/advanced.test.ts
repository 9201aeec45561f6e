import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { advancedPolicies, hasStats } from '../../../src/lab/policies/advanced.js';

const NAMES = ['twoq', 'arc', 'lirs', 's3fifo', 'sieve', 'slru', 'wtinylfu', 'lecar', 'linux', 'mglru', 'ws', 'wsclock'];

describe('lab/policies/advanced', () => {
  it('registers the twelve policies under their CLI names', () => {
    assert.deepEqual(Object.keys(advancedPolicies).sort(), [...NAMES].sort());
    for (const name of NAMES) {
      const p = advancedPolicies[name](128, { seed: 1, params: {} });
      assert.equal(p.name, name);
      assert.equal(p.capacity, 128);
      assert.equal(p.size(), 0);
    }
  });

  it('rejects a bad cache size or parameter with one line naming the policy', () => {
    for (const name of NAMES) {
      assert.throws(() => advancedPolicies[name](0, { seed: 1, params: {} }), (e: Error) => e instanceof RangeError && e.message.startsWith(`${name}: `));
      assert.throws(() => advancedPolicies[name](64, { seed: 1, params: { bogus: '1' } }), (e: Error) => /unknown parameter "bogus"/.test(e.message));
    }
    assert.throws(() => advancedPolicies.ws(64, { seed: 1, params: { tau: '0' } }), /tau=0 must be >= 1/);
    assert.throws(() => advancedPolicies.s3fifo(64, { seed: 1, params: { 'fifo-size-ratio': 'x' } }), /is not a number/);
    assert.throws(() => advancedPolicies.slru(64, { seed: 1, params: { 'n-seg': '2.5' } }), /must be an integer/);
  });

  it('never holds more pages than the capacity, and replays are deterministic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 400 }), (c, keys) => {
        for (const name of NAMES) {
          const a = advancedPolicies[name](c, { seed: 3, params: {} });
          const b = advancedPolicies[name](c, { seed: 3, params: {} });
          keys.forEach((k, t) => {
            assert.equal(a.access(k, t % 3 === 0, t, Infinity), b.access(k, t % 3 === 0, t, Infinity));
            assert.ok(a.size() <= c, `${name}: ${a.size()} > ${c}`);
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('exposes extra statistics for linux, mglru, ws and wsclock', () => {
    const withStats = NAMES.filter((n) => hasStats(advancedPolicies[n](8, { seed: 1, params: {} })));
    assert.deepEqual(withStats.sort(), ['linux', 'mglru', 'ws', 'wsclock']);
  });
});
