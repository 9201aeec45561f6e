// The two mm-id slots of a large folio, by hand against the kernel's rules
// (include/linux/mm.h folio_add_return_large_mapcount,
// folio_sub_return_large_mapcount, folio_maybe_mapped_shared).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kernel } from '../../src/kernel/kernel.js';
import type { Mm } from '../../src/kernel/mm_types.js';
import { addLargeMapcount, largeMaybeShared, setLargeMapcount, subLargeMapcount } from '../../src/kernel/mm_id.js';

const fakeKernel = (): Kernel => ({ mmIds: new Map() }) as unknown as Kernel;
const mm = (): Mm => ({}) as Mm;
const HEAD = 4096;

describe('kernel/mm_id: which mms map a large folio', () => {
  it('one mm, mapped by PMD then by its 512 PTEs after a split, is exclusive', () => {
    const k = fakeKernel();
    const a = mm();
    setLargeMapcount(k, HEAD, 1, a);
    addLargeMapcount(k, HEAD, 512, a);
    subLargeMapcount(k, HEAD, 1, a);
    assert.equal(largeMaybeShared(k, HEAD), false);
    assert.equal(k.mmIds.get(HEAD)!.large + 1, 512);
  });

  it('a second mm sets the bit; it clears when the first unmaps everything', () => {
    const k = fakeKernel();
    const a = mm();
    const b = mm();
    setLargeMapcount(k, HEAD, 1, a);
    addLargeMapcount(k, HEAD, 1, b); // fork: the child's PMD
    assert.equal(largeMaybeShared(k, HEAD), true);
    subLargeMapcount(k, HEAD, 1, a); // the parent exits
    assert.equal(largeMaybeShared(k, HEAD), false);
  });

  it('with both slots taken, a third mapper left alone still reads as shared', () => {
    const k = fakeKernel();
    const [a, b, c] = [mm(), mm(), mm()];
    setLargeMapcount(k, HEAD, 1, a);
    addLargeMapcount(k, HEAD, 1, b);
    addLargeMapcount(k, HEAD, 1, c); // no slot for c
    subLargeMapcount(k, HEAD, 1, a); // slot 0 freed; b's slot holds 1 of 2 mappings
    assert.equal(largeMaybeShared(k, HEAD), true);
    subLargeMapcount(k, HEAD, 1, b); // only c maps it, but c has no slot
    assert.equal(largeMaybeShared(k, HEAD), true);
    // c maps it again: it takes the free slot 0, other mappings exist, so the bit is set anew.
    addLargeMapcount(k, HEAD, 1, c);
    assert.equal(largeMaybeShared(k, HEAD), true);
  });

  it('an mm whose slot still holds mappings leaves the bit as it is when it unmaps some', () => {
    const k = fakeKernel();
    const [a, b] = [mm(), mm()];
    setLargeMapcount(k, HEAD, 512, a); // PTE-mapped by a
    addLargeMapcount(k, HEAD, 512, b); // and by b after fork
    subLargeMapcount(k, HEAD, 100, b); // b unmaps part: its slot stays, no check
    assert.equal(largeMaybeShared(k, HEAD), true);
    subLargeMapcount(k, HEAD, 412, b); // b's last: slot freed, a owns all 512
    assert.equal(largeMaybeShared(k, HEAD), false);
  });
});
