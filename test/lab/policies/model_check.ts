// Replays random small traces through a fast policy and its naive model
// (naive_models.ts) and checks that every reference is a hit in both or a miss
// in both, and that both hold the same number of pages after each reference.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CachePolicy } from '../../../src/lab/policy.js';
import type { Model } from './naive_models.js';

export interface ModelCheckOptions {
  minCapacity: number;
  maxCapacity: number;
  /** Keys are drawn from this many distinct pages (some above 2^32). */
  nrKeys: number;
  maxLength?: number;
  numRuns?: number;
}

/** A page number for small integer k; every third one lies above 2^40. */
export const pageOf = (k: number): number => (k % 3 === 0 ? 2 ** 40 + k : k);

export function checkAgainstModel(
  fast: (capacity: number) => CachePolicy,
  model: (capacity: number) => Model,
  o: ModelCheckOptions,
): void {
  fc.assert(
    fc.property(
      fc.integer({ min: o.minCapacity, max: o.maxCapacity }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: o.nrKeys - 1 }), fc.boolean()), { maxLength: o.maxLength ?? 250 }),
      (capacity, refs) => {
        const p = fast(capacity);
        const m = model(capacity);
        refs.forEach(([k, w], t) => {
          const key = pageOf(k);
          const want = m.access(key, w);
          assert.equal(p.access(key, w, t, Infinity), want, `reference ${t} (page ${key}) at C=${capacity}`);
          assert.equal(p.size(), m.size(), `size after reference ${t}`);
        });
      },
    ),
    { numRuns: o.numRuns ?? 150 },
  );
}

/** Replays `keys` and returns the hit pattern as a string of H and m. */
export function hitPattern(p: CachePolicy, keys: number[], writes: boolean[] = []): string {
  return keys.map((k, t) => (p.access(k, writes[t] ?? false, t, Infinity) ? 'H' : 'm')).join('');
}
