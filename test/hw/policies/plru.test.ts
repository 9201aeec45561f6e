import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PlruPolicy } from '../../../src/hw/policies/plru.js';
import { LruPolicy } from '../../../src/hw/policies/lru.js';
import { RandomPolicy } from '../../../src/hw/policies/random.js';
import { makePolicy } from '../../../src/hw/policies/replacement.js';

describe('hw/policies', () => {
  it('tree-PLRU: after touching 0, 1, 2, 3 in a 4-way set the victim is 0; after touching 0 it is 2', () => {
    const p = new PlruPolicy(1, 4);
    for (const w of [0, 1, 2, 3]) p.touch(0, w);
    assert.equal(p.victim(0), 0); // root points left (3 was last), left node points to 0 (1 was last)
    p.touch(0, 0);
    assert.equal(p.victim(0), 2); // root now points right, right node points to 2
  });

  it('tree-PLRU never picks a way beyond a non-power-of-two associativity', () => {
    const p = new PlruPolicy(1, 3);
    for (const w of [0, 1, 2, 0, 1]) p.touch(0, w);
    assert.equal(p.victim(0), 2);
    p.touch(0, 2);
    assert.ok(p.victim(0) < 3);
  });

  it('LRU picks the least recently touched way', () => {
    const p = new LruPolicy(2, 4);
    for (const w of [3, 1, 0, 2, 1]) p.touch(1, w);
    assert.equal(p.victim(1), 3);
  });

  it('random replacement is reproducible from its seed', () => {
    const a = new RandomPolicy(8, 42);
    const b = new RandomPolicy(8, 42);
    const seqA = Array.from({ length: 20 }, () => a.victim(0));
    assert.deepEqual(Array.from({ length: 20 }, () => b.victim(0)), seqA);
    assert.ok(seqA.every((w) => w >= 0 && w < 8));
    assert.ok(new Set(seqA).size > 1);
  });

  it('builds policies by name and refuses unknown ones', () => {
    assert.equal(makePolicy('plru', { sets: 1, ways: 4 }).name, 'plru');
    assert.throws(() => makePolicy('fifo' as 'lru', { sets: 1, ways: 4 }), /unknown replacement policy 'fifo'/);
  });
});
