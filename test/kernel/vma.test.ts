// VMA split and merge, as mprotect, munmap and mmap drive them.
// Diagrams: one column per page, letters name VMAs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Machine, type Process } from '../../src/index.js';

function vmas(p: Process): string[] {
  return p.task.mm!.vmas.filter((v) => v.start >= 0x100000000000 && v.start < 0x200000000000).map((v) => `${(v.start - BASE) / 4096}-${(v.end - BASE) / 4096}`);
}
const BASE = 0x100000000000;

function setup(): { m: Machine; p: Process } {
  const m = new Machine({ memtotal: '1G' });
  return { m, p: m.spawn('t', { image: null }) };
}

describe('kernel/vma', () => {
  it('splits in three on mprotect of the middle and merges back when restored', () => {
    //   AAAAAAAA  →  AA BB AAAA  →  AAAAAAAA
    const { m, p } = setup();
    const a = p.mmap({ addr: BASE, pages: 8, prot: 'rw', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    p.mprotect(a + 2 * 4096, 2 * 4096, 'r');
    assert.deepEqual(vmas(p), ['0-2', '2-4', '4-8']);
    p.mprotect(a + 2 * 4096, 2 * 4096, 'rw');
    assert.deepEqual(vmas(p), ['0-8']);
    assert.deepEqual(m.checkInvariants(), []);
  });

  it('merges a new adjacent mapping with compatible flags, not with different ones', () => {
    //   AAAA + BBBB (same flags) → AAAAAAAA ;  + CCCC (read-only) → AAAAAAAA CCCC
    const { p } = setup();
    p.mmap({ addr: BASE, pages: 4, prot: 'rw', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    p.mmap({ addr: BASE + 4 * 4096, pages: 4, prot: 'rw', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    assert.deepEqual(vmas(p), ['0-8']);
    p.mmap({ addr: BASE + 8 * 4096, pages: 4, prot: 'r', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    assert.deepEqual(vmas(p), ['0-8', '8-12']);
  });

  it('leaves a hole on munmap of the middle and fills it back by merging', () => {
    //   AAAAAAAA → AAA__AAA → AAAAAAAA
    const { m, p } = setup();
    const a = p.mmap({ addr: BASE, pages: 8, prot: 'rw', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    p.touch(a, 8, { write: true });
    p.munmap(a + 3 * 4096, 2 * 4096);
    assert.deepEqual(vmas(p), ['0-3', '5-8']);
    p.mmap({ addr: a + 3 * 4096, pages: 2, prot: 'rw', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    assert.deepEqual(vmas(p), ['0-8']);
    assert.deepEqual(m.checkInvariants(), []);
  });

  it('re-merges the two halves of a forked VMA, which share one anon_vma', () => {
    // The child's VMA is chained to the parent's anon_vma and its own; a split
    // keeps that chain on both halves, so they are compatible again.
    const { m, p } = setup();
    const a = p.mmap({ addr: BASE, pages: 8, prot: 'rw', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    p.touch(a, 8, { write: true });
    const c = p.fork('c');
    c.mprotect(a + 4 * 4096, 4 * 4096, 'r');
    c.mprotect(a + 4 * 4096, 4 * 4096, 'rw');
    assert.deepEqual(vmas(c), ['0-8']); // same anon_vma on both sides: merges
    assert.deepEqual(m.checkInvariants(), []);
  });

  it('refuses mprotect(PROT_WRITE) of a shared mapping of a file opened read-only (no VM_MAYWRITE)', () => {
    const { m, p } = setup();
    m.file('ro.bin', 4);
    const a = p.mmap({ pages: 4, prot: 'r', flags: ['shared'], file: 'ro.bin' });
    assert.throws(() => p.mprotect(a, 4 * 4096, 'rw'), /EACCES/);
  });

  it('fails mprotect with ENOMEM over a hole, keeping the change made before it', () => {
    //   AAAA____BBBB : mprotect over all of it changes A, then stops at the hole
    const { p } = setup();
    const a = p.mmap({ addr: BASE, pages: 4, prot: 'rw', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    p.mmap({ addr: BASE + 8 * 4096, pages: 4, prot: 'rw', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    assert.throws(() => p.mprotect(a, 12 * 4096, 'r'), /ENOMEM/);
    assert.equal(p.maps().split('\n')[0]!.split(' ')[1], 'r--p');
  });
});
