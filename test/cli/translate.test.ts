// `mmsim translate` as a user runs it. The demo tables are built in the
// order of the demo mappings, from frame 1 (CR3 = 0x1000); the expected
// addresses are worked out by hand in the comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mmsim } from './helpers.js';

describe('cli/translate', () => {
  it('walks a PAE data page above 4 GiB and shows the CPU setting A and D', async () => {
    // PDPT at 0x1000; the text page 0x08048000 creates the PD (0x2000) and
    // the PT (0x3000). 0x0804a123: PDE index 0x40 at 0x2000 + 0x40*8 = 0x2200,
    // PTE index 0x4a at 0x3000 + 0x4a*8 = 0x3250 = XD | 0x123456000 | P RW US;
    // a write sets A (0x20) and D (0x40): ...007 -> ...067.
    const r = await mmsim('translate', '0x0804a123', '--mode', 'pae', '--write');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^PDE +\[0x040\] @ 0x00002200 = 0x0000000000003007 /m);
    assert.match(r.stdout, /^PTE +\[0x04a\] @ 0x00003250 = 0x8000000123456007 /m);
    assert.match(r.stdout, /CPU sets A and D: 0x8000000123456067$/m);
    assert.match(r.stdout, /^result +physical address 0x123456123 \(4 KiB page\)$/m);
  });

  it('spells out the #PF error code of a fetch from an XD page and of a user access to the kernel', async () => {
    // User fetch, XD: P=1 U=1 I=1 = 1 + 4 + 16 = 0x15.
    const x = await mmsim('translate', '0x0804a000', '--mode', 'pae', '--exec');
    assert.match(x.stdout, /^result +#PF, error code 0x15 \(P=1 W=0 U=1 RSVD=0 I=1\): instruction fetch from an execute-disable page/m);
    // i386: 0xc0123456 is in the kernel's 4 MiB page (PDE 0x300); a user read: P=1 U=1 = 0x5.
    const u = await mmsim('translate', '0xc0123456', '--mode', 'i386');
    assert.match(u.stdout, /^result +#PF, error code 0x5 \(P=1 W=0 U=1 RSVD=0 I=0\): user access to a supervisor page/m);
    // The kernel reading it: PA = 0 + (va & 0x3fffff) = 0x123456.
    const k = await mmsim('translate', '0xc0123456', '--mode', 'i386', '--kernel');
    assert.match(k.stdout, /^result +physical address 0x000123456 \(4 MiB page\)$/m);
  });

  it('lists the demo address space and refuses bad input with exit 2', async () => {
    const l = await mmsim('translate', '--list', '--mode', 'x86_64');
    assert.match(l.stdout, /0xffff888000000000 -> 0x0000000000000 +1 GiB/);
    const m = await mmsim('translate', '0x1000', '--mode', 'vax');
    assert.equal(m.code, 2);
    assert.match(m.stderr, /unknown mode 'vax'/);
    const b = await mmsim('translate', '0x100000000', '--mode', 'i386');
    assert.equal(b.code, 2);
    assert.match(b.stderr, /not a 32-bit address/);
  });
});
