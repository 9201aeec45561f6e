import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PGDIR_SHIFT, PMD_SHIFT, PUD_SHIFT, pageOf, pageOffset, roundDown, roundUp, tableIndex } from '../../src/hw/addr.js';

describe('hw/addr', () => {
  it('keeps page numbers exact above 32 bits, where >> would not', () => {
    assert.equal(pageOf(0x1fff000688), 33550336);
    assert.equal(0x1fff000688 >> 12, -4096); // why addr.ts exists
    assert.equal(pageOffset(0x1fff000688), 0x688);
  });

  it('splits 16 TiB into PGD 32 with zero lower indices', () => {
    const a = 0x100000000000;
    assert.equal(tableIndex(a, PGDIR_SHIFT), 32);
    assert.equal(tableIndex(a, PUD_SHIFT), 0);
    assert.equal(tableIndex(a, PMD_SHIFT), 0);
    assert.equal(tableIndex(a, 12), 0);
  });

  it('recomposes any 48-bit address from its four indices and offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (a) => {
        const back =
          tableIndex(a, 39) * 2 ** 39 + tableIndex(a, 30) * 2 ** 30 + tableIndex(a, 21) * 2 ** 21 + tableIndex(a, 12) * 4096 + pageOffset(a);
        assert.equal(back, a);
      }),
    );
  });

  it('rounds to powers of two', () => {
    assert.equal(roundUp(4097, 4096), 8192);
    assert.equal(roundUp(8192, 4096), 8192);
    assert.equal(roundDown(2 ** 40 + 5, 2 ** 21), 2 ** 40);
  });
});
