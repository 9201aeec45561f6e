import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyMap } from '../../src/lab/key_map.js';

describe('lab/key_map', () => {
  it('finds added keys, including ids above 2^32 that differ only in the high word', () => {
    const m = new KeyMap(4);
    const a = m.add(22906492244);
    const b = m.add(22906492244 + 2 ** 32);
    const c = m.add(0);
    assert.equal(m.get(22906492244), a);
    assert.equal(m.get(22906492244 + 2 ** 32), b);
    assert.equal(m.get(0), c);
    assert.equal(m.get(1), -1);
    assert.equal(m.size, 3);
  });

  it('hands out ids 0, 1, 2... and reuses the most recently freed id first', () => {
    const m = new KeyMap(3);
    assert.deepEqual([m.add(10), m.add(20), m.add(30)], [0, 1, 2]);
    m.delete(1);
    assert.equal(m.add(40), 1);
    assert.equal(m.get(20), -1);
    assert.equal(m.get(40), 1);
  });

  it('throws when more than maxIds keys are added', () => {
    const m = new KeyMap(2);
    m.add(1);
    m.add(2);
    assert.throws(() => m.add(3), RangeError);
  });

  it('grows when full and keeps every id', () => {
    const m = new KeyMap(3);
    const ids = [5, 6, 7].map((k) => m.add(k));
    m.grow(6);
    assert.deepEqual([5, 6, 7].map((k) => m.get(k)), ids);
    assert.equal(m.add(8), 3);
    assert.equal(m.maxIds, 6);
  });

  it('behaves like a Map under random add/delete/get sequences (backward-shift deletion)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'del', 'get'), fc.integer({ min: 0, max: 40 }), fc.boolean()), { maxLength: 300 }),
        (ops) => {
          const m = new KeyMap(24);
          const model = new Map<number, number>();
          for (const [op, small, high] of ops) {
            const key = high ? small * 2 ** 33 + 7 : small; // collide low words on purpose
            const id = m.get(key);
            assert.equal(id, model.get(key) ?? -1);
            if (op === 'add' && id < 0 && model.size < 24) model.set(key, m.add(key));
            else if (op === 'del' && id >= 0) {
              m.delete(id);
              model.delete(key);
            }
            assert.equal(m.size, model.size);
          }
          for (const [k, v] of model) assert.equal(m.get(k), v);
        },
      ),
    );
  });

  it('looks keys below directKeys up in the direct table, and the rest in the hash table', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'del', 'get'), fc.integer({ min: 0, max: 3000 })), { maxLength: 300 }),
        (ops) => {
          const m = new KeyMap(24, { directKeys: 1500 }); // keys 0..1499 direct, growing past 1024
          const model = new Map<number, number>();
          for (const [op, key] of ops) {
            const id = m.get(key);
            assert.equal(id, model.get(key) ?? -1);
            if (op === 'add' && id < 0 && model.size < 24) model.set(key, m.add(key));
            else if (op === 'del' && id >= 0) {
              m.delete(id);
              model.delete(key);
            }
          }
          for (const [k, v] of model) assert.equal(m.get(k), v);
          assert.ok(m.byteLength() <= m.maxByteLength());
        },
      ),
    );
  });

  it('keeps direct keys through grow()', () => {
    const m = new KeyMap(2, { directKeys: 100 });
    const ids = [5, 500].map((k) => m.add(k));
    m.grow(4);
    assert.deepEqual([5, 500].map((k) => m.get(k)), ids);
    assert.equal(m.get(6), -1);
  });
});
