import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IdLists, NIL } from '../../src/lab/id_lists.js';

describe('lab/id_lists', () => {
  it('keeps head = newest, tail = oldest, and lengths per list', () => {
    const l = new IdLists(8, 2);
    l.pushHead(0, 1);
    l.pushHead(0, 2);
    l.pushTail(0, 3);
    l.pushHead(1, 4);
    assert.deepEqual(l.toArray(0), [2, 1, 3]);
    assert.deepEqual(l.toArray(1), [4]);
    assert.equal(l.len[0], 3);
    assert.equal(l.tail[0], 3);
  });

  it('moves to head, removes from the middle and pops the tail', () => {
    const l = new IdLists(8, 1);
    for (const id of [1, 2, 3, 4]) l.pushHead(0, id);
    l.moveToHead(0, 2);
    assert.deepEqual(l.toArray(0), [2, 4, 3, 1]);
    l.remove(0, 4);
    assert.deepEqual(l.toArray(0), [2, 3, 1]);
    assert.equal(l.popTail(0), 1);
    assert.equal(l.popTail(0), 3);
    assert.equal(l.popTail(0), 2);
    assert.equal(l.popTail(0), NIL);
    assert.equal(l.len[0], 0);
    assert.equal(l.head[0], NIL);
  });

  it('copies lists and links when grown', () => {
    const l = new IdLists(3, 1);
    for (const id of [0, 1, 2]) l.pushHead(0, id);
    const g = l.grown(6);
    g.pushHead(0, 5);
    assert.deepEqual(g.toArray(0), [5, 2, 1, 0]);
  });
});
