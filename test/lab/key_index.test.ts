import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyIndex } from '../../src/lab/key_index.js';

describe('lab/key_index', () => {
  it('behaves like a Map under random set/delete/get, across growth and wrap-around', () => {
    const keyArb = fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 36 - 1));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('set', 'del', 'get'), keyArb), { maxLength: 400 }), (ops) => {
        const idx = new KeyIndex(4);
        const ref = new Map<number, number>();
        let v = 0;
        for (const [op, k] of ops) {
          if (op === 'set' && !ref.has(k)) {
            idx.set(k, v);
            ref.set(k, v++);
          } else if (op === 'del' && ref.has(k)) {
            idx.delete(k);
            ref.delete(k);
          }
          assert.equal(idx.get(k), ref.get(k) ?? -1);
          assert.equal(idx.size, ref.size);
        }
        for (const [k, val] of ref) assert.equal(idx.get(k), val);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every key findable after heavy churn at full load (backward-shift deletion)', () => {
    const idx = new KeyIndex(1000);
    const live: number[] = [];
    for (let i = 0; i < 1000; i++) {
      idx.set(i * 4096, i);
      live.push(i * 4096);
    }
    for (let i = 1000; i < 50000; i++) {
      const victim = live[i % 1000]!;
      idx.delete(victim);
      idx.set(i * 4096, i);
      live[i % 1000] = i * 4096;
    }
    for (let j = 0; j < 1000; j++) assert.equal(idx.get(live[j]!), live[j]! / 4096);
    assert.equal(idx.size, 1000);
    assert.ok(idx.bytes <= 2048 * 12, 'no growth while the key count stays within the sizing');
  });
});
