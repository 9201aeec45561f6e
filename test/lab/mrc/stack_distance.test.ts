import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyStackDistance, StackDistance } from '../../../src/lab/mrc/stack_distance.js';

// Naive LRU stack, most recent first: a key's stack distance is its index
// (the distinct keys referenced since); forget() takes a key out of it.
class NaiveStack {
  private stack: number[] = [];
  access(k: number): number {
    const i = this.stack.indexOf(k);
    if (i >= 0) this.stack.splice(i, 1);
    this.stack.unshift(k);
    return i;
  }
  forget(k: number): void {
    this.stack.splice(this.stack.indexOf(k), 1);
  }
  has(k: number): boolean {
    return this.stack.includes(k);
  }
  get size(): number {
    return this.stack.length;
  }
}

describe('lab/mrc/stack_distance', () => {
  it('gives the hand-worked distances of a b a c b a', () => {
    // a b a c b a: cold a, b, c; a -> 1 (b), b -> 2 (a c), a -> 2 (c b)
    const sd = new KeyStackDistance();
    assert.deepEqual([1, 2, 1, 3, 2, 1].map((k) => sd.access(k)), [-1, -1, 1, -1, 2, 2]);
    assert.equal(sd.size, 3);
  });

  it('computes exact distances over pages and dense ids, through many compactions', () => {
    // At most 20 live keys and 1,024 positions: a compaction every ~1,000 references.
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 18 }), fc.constant(2 ** 36), fc.constant(2 ** 53 - 1)), { minLength: 1, maxLength: 2500, size: 'max' }), (trace) => {
        const naive = new NaiveStack();
        const want = trace.map((p) => naive.access(p));
        const byKey = new KeyStackDistance({ positions: 1 });
        assert.deepEqual(
          trace.map((p) => byKey.access(p)),
          want,
        );
        byKey.checkInvariants();
        // Dense ids in order of first appearance, as mmsim traces store them.
        const ids = new Map<number, number>();
        const byId = new StackDistance({ positions: 1, ids: 1 });
        assert.deepEqual(
          trace.map((p) => {
            if (!ids.has(p)) ids.set(p, ids.size);
            return byId.touch(ids.get(p)!);
          }),
          want,
        );
        byId.checkInvariants();
        assert.equal(byId.size, new Set(trace).size);
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('counts a distance across a compaction that grows the positions', () => {
    // 3,000 distinct keys outgrow 1,024 positions; then key 0 again sees all 2,999 others.
    const sd = new StackDistance({ positions: 1024 });
    for (let id = 0; id < 3000; id++) assert.equal(sd.touch(id), -1);
    assert.equal(sd.touch(0), 2999);
    assert.equal(sd.touch(2999), 1);
    sd.checkInvariants();
  });

  it('forgets keys: they leave the stack and come back cold, and their ids are reused', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 })), { maxLength: 3000, size: 'max' }), (ops) => {
        const sd = new KeyStackDistance({ positions: 1 });
        const naive = new NaiveStack();
        for (const [forget, k] of ops) {
          const key = k * 2 ** 33 + 7; // keys above 2^32
          if (forget) {
            if (!naive.has(key)) continue;
            naive.forget(key);
            sd.forget(key);
          } else assert.equal(sd.access(key), naive.access(key));
        }
        sd.checkInvariants();
        assert.equal(sd.size, naive.size);
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('ignores drop() of an id never touched', () => {
    const sd = new StackDistance();
    sd.drop(5);
    sd.drop(1e6);
    assert.equal(sd.touch(5), -1);
    assert.equal(sd.size, 1);
    sd.checkInvariants();
  });

  it('keeps memory bounded by the keys tracked, not the references', () => {
    const sd = new StackDistance();
    for (let i = 0; i < 10_000; i++) sd.touch(i % 100);
    const small = sd.bytes;
    for (let i = 0; i < 2_000_000; i++) sd.touch(i % 100);
    assert.equal(sd.bytes, small);
  });
});
