import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeNextUse } from '../../src/lab/next_use.js';

describe('lab/next_use', () => {
  it('finds the next reference to the same key, Infinity when none', () => {
    assert.deepEqual(Array.from(computeNextUse(Float64Array.from([7, 8, 7, 7]))), [2, Infinity, 3, Infinity]);
  });

  it('agrees with a forward scan on random traces, ids above 2^32 included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(2 ** 36 + 1)), { maxLength: 3000 }), (trace) => {
        const nu = computeNextUse(Float64Array.from(trace));
        trace.forEach((k, i) => {
          const j = trace.indexOf(k, i + 1);
          assert.equal(nu[i], j < 0 ? Infinity : j);
        });
      }),
      { numRuns: 50 },
    );
  });
});
