// Hand-computed translations for each x86 paging mode. Every expected value
// below is worked out in the comments from the SDM's formats (vol. 3A ch. 4),
// not taken from the code. Tables are built from frame 1 up: the first frame
// the allocator gives (the top table, CR3) is 0x1000, the next 0x2000, ...
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteMemory, FrameAllocator } from '../../src/hw/byte_mem.js';
import { PageTableBuilder } from '../../src/hw/paging_build.js';
import { PF_I, PF_P, PF_RSVD, PF_U, PF_W, translate, vaIndices, type PagingMode, type Translation } from '../../src/hw/paging_modes.js';

function builder(mode: PagingMode, opts: { maxPhyAddr?: number } = {}): PageTableBuilder {
  return new PageTableBuilder(mode, new FrameAllocator(new ByteMemory(1 << 20)), opts);
}

function ok(t: Translation): Extract<Translation, { kind: 'ok' }> {
  assert.equal(t.kind, 'ok', t.kind === 'page-fault' || t.kind === 'general-protection' ? t.reason : '');
  return t as Extract<Translation, { kind: 'ok' }>;
}

function pf(t: Translation): Extract<Translation, { kind: 'page-fault' }> {
  assert.equal(t.kind, 'page-fault');
  return t as Extract<Translation, { kind: 'page-fault' }>;
}

describe('hw/paging_modes: i386 (32-bit paging)', () => {
  it('walks PDE then PTE for a 4 KiB page and sets A, then D on a write', () => {
    const b = builder('i386');
    b.map(0x0804a000, 0x00123000, { write: true, user: true });
    // CR3 = 0x1000. va 0x0804a123: PDE index = 0x0804a123 >> 22 = 0x20 (32),
    // at 0x1000 + 32*4 = 0x1080; the page table is the next frame, 0x2000, so
    // PDE = 0x2000 | P|RW|US = 0x2007. PTE index = (va >> 12) & 0x3ff = 0x04a
    // (74), at 0x2000 + 74*4 = 0x2128; PTE = 0x00123000 | P|RW|US = 0x00123007.
    // PA = 0x00123000 + offset 0x123.
    const cpu = b.cpu();
    const t = ok(translate(cpu, 0x0804a123, { user: true }));
    assert.equal(t.pa, 0x00123123);
    assert.equal(t.pageSize, 4096);
    assert.deepEqual(
      t.steps.map((s) => [s.level, s.index, s.entryAddr, s.value, s.written]),
      [
        ['PDE', 0x20, 0x1080, 0x2007n, 0x2027n], // A (0x20) set
        ['PTE', 0x4a, 0x2128, 0x00123007n, 0x00123027n],
      ],
    );
    // A write: A is already set everywhere; the leaf gains D (0x40): 0x27 | 0x40 = 0x67.
    const w = ok(translate(cpu, 0x0804a456, { user: true, write: true }));
    assert.equal(w.pa, 0x00123456);
    assert.deepEqual(
      w.steps.map((s) => s.written),
      [null, 0x00123067n],
    );
    assert.equal(cpu.mem.read32(0x2128), 0x00123067);
  });

  it('maps 4 MiB with PS in the PDE (CR4.PSE), and ignores PS without it', () => {
    const b = builder('i386');
    b.map(0xc0000000, 0, { pageSize: 4 * 2 ** 20, write: true, global: true });
    // PDE index = 0xc0000000 >> 22 = 0x300 (768), at 0x1000 + 768*4 = 0x1c00;
    // PDE = 0 | P|RW|PS|G = 0x183. PA = bits 31:22 of the PDE + va bits 21:0
    // = 0 + 0x123456.
    const t = ok(translate(b.cpu(), 0xc0123456));
    assert.equal(t.pa, 0x00123456);
    assert.equal(t.pageSize, 4 * 2 ** 20);
    assert.deepEqual(
      t.steps.map((s) => [s.level, s.entryAddr, s.value]),
      [['PDE', 0x1c00, 0x183n]],
    );
    // With CR4.PSE = 0 the PDE points to a page table at 0x0 (its bits
    // 31:12); frame 0 is all zero, so the PTE (index 0x123) is not present.
    const f = pf(translate(b.cpu({ pse: false }), 0xc0123456));
    assert.equal(f.errorCode, 0);
    assert.deepEqual(
      f.steps.map((s) => [s.level, s.entryAddr]),
      [
        ['PDE', 0x1c00],
        ['PTE', 0x123 * 4],
      ],
    );
  });

  it('reaches above 4 GiB with a PSE-36 4 MiB page, and checks its reserved bits', () => {
    const b = builder('i386'); // MAXPHYADDR 36
    b.map(0xd0000000, 2 ** 32 + 0x00400000, { pageSize: 4 * 2 ** 20, write: true });
    // PDE index = 0xd0000000 >> 22 = 0x340 (832), at 0x1000 + 832*4 = 0x1d00.
    // PA 0x1_0040_0000: bits 31:22 = 0x001 stay in place (0x00400000), PA bit
    // 32 goes to PDE bit 13 (0x2000): PDE = 0x00402000 | P|RW|PS = 0x00402083.
    assert.equal(b.mem.read32(0x1d00), 0x00402083);
    assert.equal(ok(translate(b.cpu(), 0xd0000010)).pa, 2 ** 32 + 0x00400010);
    // With M = 36, PDE bits 21:(36-19) = 21:17 are reserved. PDE 0x350
    // (va 0xd4000000) at 0x1000 + 0x350*4 = 0x1d40 = bit 21 | PS | RW | P.
    b.mem.write32(0x1d40, 0x00200083);
    const f = pf(translate(b.cpu(), 0xd4000000));
    assert.equal(f.errorCode, PF_P | PF_RSVD); // 0b01001 = 9
    assert.equal(f.level, 'PDE');
  });

  it('faults with the SDM error codes: not present, read-only, supervisor page', () => {
    const b = builder('i386');
    b.map(0x0804a000, 0x00123000, { write: true, user: true });
    b.map(0x08050000, 0x00200000, { user: true }); // read-only user page
    b.map(0xc0000000, 0, { pageSize: 4 * 2 ** 20, write: true }); // supervisor
    const cpu = b.cpu();
    // PDE 0x21 (va 0x08400000) is empty: a user read -> P=0 W=0 U=1: 0b100 = 4.
    assert.equal(pf(translate(cpu, 0x08400000, { user: true })).errorCode, PF_U);
    // A user write to the read-only page: P=1 W=1 U=1 = 7.
    assert.equal(pf(translate(cpu, 0x08050000, { user: true, write: true })).errorCode, PF_P | PF_W | PF_U);
    // The kernel writing it: with CR0.WP = 1, P=1 W=1 = 3; with WP = 0 it succeeds.
    assert.equal(pf(translate(cpu, 0x08050000, { write: true })).errorCode, PF_P | PF_W);
    assert.equal(ok(translate(b.cpu({ wp: false }), 0x08050000, { write: true })).pa, 0x00200000);
    // A user read of the kernel's 4 MiB page: P=1 U=1 = 5.
    assert.equal(pf(translate(cpu, 0xc0000000, { user: true })).errorCode, PF_P | PF_U);
    // 32-bit paging has no XD: a fetch succeeds, and a fetch fault never sets I.
    assert.equal(ok(translate(cpu, 0x0804a000, { user: true, exec: true })).pa, 0x00123000);
    assert.equal(pf(translate(cpu, 0x08400000, { user: true, exec: true })).errorCode, PF_U);
  });

  it('sets no A or D bit when the access faults', () => {
    const b = builder('i386');
    b.map(0x08050000, 0x00200000, { user: true });
    translate(b.cpu(), 0x08050000, { user: true, write: true });
    // PDE at 0x1000 + 0x20*4 = 0x1080 and PTE at 0x2000 + 0x50*4 = 0x2140 unchanged.
    assert.equal(b.mem.read32(0x1080), 0x2007);
    assert.equal(b.mem.read32(0x2140), 0x00200005);
  });
});

describe('hw/paging_modes: PAE', () => {
  it('walks PDPTE, PDE, PTE to a page above 4 GiB and honours XD', () => {
    const b = builder('pae');
    b.map(0x0804a000, 0x123456000, { write: true, user: true, nx: true });
    // CR3 = 0x1000 (the 32-byte PDPT at the start of frame 1). va 0x0804a123:
    // PDPTE index = va >> 30 = 0, at 0x1000: PD at 0x2000, PDPTE = 0x2001 (P only).
    // PDE index = (va >> 21) & 511 = 0x40 (64), at 0x2000 + 64*8 = 0x2200: PT at
    // 0x3000, PDE = 0x3007. PTE index = (va >> 12) & 511 = 0x4a (74), at
    // 0x3000 + 74*8 = 0x3250: PTE = XD | 0x123456000 | 7 = 0x8000000123456007.
    const cpu = b.cpu();
    const t = ok(translate(cpu, 0x0804a123, { user: true, write: true }));
    assert.equal(t.pa, 0x123456123);
    assert.deepEqual(
      t.steps.map((s) => [s.level, s.index, s.entryAddr, s.value, s.written]),
      [
        ['PDPTE', 0, 0x1000, 0x2001n, null], // PDPTEs have no A bit
        ['PDE', 0x40, 0x2200, 0x3007n, 0x3027n],
        ['PTE', 0x4a, 0x3250, 0x8000000123456007n, 0x8000000123456067n], // A|D
      ],
    );
    // A user fetch from the XD page: P=1 U=1 I=1 = 0b10101 = 21.
    assert.equal(pf(translate(cpu, 0x0804a000, { user: true, exec: true })).errorCode, PF_P | PF_U | PF_I);
    // Without EFER.NXE bit 63 is reserved: a user read is P=1 U=1 RSVD=1 = 13,
    // and a fetch fault no longer sets I.
    assert.equal(pf(translate(b.cpu({ nxe: false }), 0x0804a000, { user: true })).errorCode, PF_P | PF_U | PF_RSVD);
    assert.equal(pf(translate(b.cpu({ nxe: false }), 0x0804a000, { user: true, exec: true })).errorCode, PF_P | PF_U | PF_RSVD);
  });

  it('maps 2 MiB with PS in a PDE', () => {
    const b = builder('pae');
    b.map(0xc0000000, 0x00200000, { pageSize: 2 ** 21, write: true, global: true });
    // PDPTE index 0xc0000000 >> 30 = 3, at 0x1000 + 3*8 = 0x1018: PD at 0x2000.
    // PDE index 0, at 0x2000: 0x00200000 | P|RW|PS|G = 0x200183. PA = 0x200000
    // + (va & 0x1fffff) = 0x200000 + 0x1fffff = 0x3fffff.
    const t = ok(translate(b.cpu(), 0xc01fffff));
    assert.equal(t.pa, 0x3fffff);
    assert.equal(t.pageSize, 2 ** 21);
    assert.deepEqual(
      t.steps.map((s) => [s.level, s.entryAddr, s.value]),
      [
        ['PDPTE', 0x1018, 0x2001n],
        ['PDE', 0x2000, 0x200183n],
      ],
    );
    // PDE bits 20:13 are reserved in a 2 MiB entry: set bit 13 -> P=1 RSVD=1 = 9.
    b.mem.write64(0x2000, 0x200183n | (1n << 13n));
    assert.equal(pf(translate(b.cpu(), 0xc0000000)).errorCode, PF_P | PF_RSVD);
  });

  it('raises #GP, not #PF, for a PDPTE with reserved bits (checked at MOV to CR3)', () => {
    const b = builder('pae');
    b.map(0x0804a000, 0x5000, { user: true });
    // PDPTE 1 at 0x1008 with R/W (bit 1) set: bits 2:1 are reserved in a PDPTE.
    b.mem.write64(0x1008, 0x7003n);
    const t = translate(b.cpu(), 0x0804a000, { user: true });
    assert.equal(t.kind, 'general-protection');
    // A not-present PDPTE is fine (no reserved-bit check): a #PF with P=0.
    b.mem.write64(0x1008, 0n);
    assert.equal(pf(translate(b.cpu(), 0x40000000, { user: true })).errorCode, PF_U);
  });
});

describe('hw/paging_modes: x86-64', () => {
  it('walks the four levels of a stack page', () => {
    const b = builder('x86_64');
    b.map(0x7ffffffde000, 0xabc000, { write: true, user: true, nx: true });
    // va 0x7ffffffde000 = 0111 1111 1111 1111 1111 1111 1111 1101 1110 0000 0000 0000:
    // PML4 index bits 47:39 = 0 1111 1111 = 255, PDPT bits 38:30 = 511,
    // PD bits 29:21 = 511, PT bits 20:12 = 1 1101 1110 = 0x1de (478).
    // PML4E at 0x1000 + 255*8 = 0x17f8 -> 0x2000; PDPTE at 0x2000 + 511*8 = 0x2ff8
    // -> 0x3000; PDE at 0x3ff8 -> 0x4000; PTE at 0x4000 + 478*8 = 0x4ef0.
    assert.deepEqual(vaIndices('x86_64', 0x7ffffffde000), [255, 511, 511, 478]);
    const t = ok(translate(b.cpu(), 0x7ffffffde123, { user: true, write: true }));
    assert.equal(t.pa, 0xabc123);
    assert.deepEqual(
      t.steps.map((s) => [s.level, s.entryAddr, s.value]),
      [
        ['PML4E', 0x17f8, 0x2007n],
        ['PDPTE', 0x2ff8, 0x3007n],
        ['PDE', 0x3ff8, 0x4007n],
        ['PTE', 0x4ef0, 0x8000000000abc007n],
      ],
    );
  });

  it('maps 1 GiB with PS in a PDPTE (the direct map) and 2 MiB with PS in a PDE', () => {
    const b = builder('x86_64');
    b.map(0xffff888000000000n, 0, { pageSize: 2 ** 30, write: true, global: true, nx: true });
    b.map(0x200000, 0x40000000, { pageSize: 2 ** 21, user: true });
    // 0xffff888000000000: bits 47:36 = 1000 1000 1000, so PML4 index (47:39) =
    // 1 0001 0001 = 0x111 (273), PDPT index (38:30) = 0. PA = 0 + (va & (1 GiB - 1)).
    const g = ok(translate(b.cpu(), 0xffff888012345678n));
    assert.equal(g.pa, 0x12345678);
    assert.equal(g.pageSize, 2 ** 30);
    assert.deepEqual(
      g.steps.map((s) => [s.level, s.index]),
      [
        ['PML4E', 0x111],
        ['PDPTE', 0],
      ],
    );
    // User access to the supervisor 1 GiB page: P=1 U=1 = 5; a kernel fetch
    // from it (XD): P=1 I=1 = 17.
    assert.equal(pf(translate(b.cpu(), 0xffff888000000000n, { user: true })).errorCode, PF_P | PF_U);
    assert.equal(pf(translate(b.cpu(), 0xffff888000000000n, { exec: true })).errorCode, PF_P | PF_I);
    // Without 1 GiB-page support, PS in a PDPTE is reserved: P=1 RSVD=1 = 9.
    assert.equal(pf(translate(b.cpu({ gbPages: false }), 0xffff888000000000n)).errorCode, PF_P | PF_RSVD);
    // 0x2abcde: PD index 1, a 2 MiB page at 0x40000000: PA = 0x40000000 + 0xabcde.
    assert.equal(ok(translate(b.cpu(), 0x2abcde, { user: true })).pa, 0x400abcde);
  });

  it('raises #GP for a non-canonical address', () => {
    const b = builder('x86_64');
    // 0x0000_8000_0000_0000: bit 47 set, bits 63:48 clear.
    assert.equal(translate(b.cpu(), 0x800000000000).kind, 'general-protection');
    // The same address is canonical with 5-level paging (57-bit addresses).
    assert.equal(translate(builder('la57').cpu(), 0x800000000000).kind, 'page-fault');
  });

  it('walks five levels with LA57', () => {
    const b = builder('la57');
    b.map(0x00f0000000001000n, 0x7000, { user: true });
    // Bits 56:48 of 0x00f0_0000_0000_1000 = 0 1111 0000 = 0xf0 (240): the
    // PML5 index; PML4, PDPT, PD indices 0; PT index 1.
    const t = ok(translate(b.cpu(), 0x00f0000000001abcn, { user: true }));
    assert.equal(t.pa, 0x7abc);
    assert.deepEqual(
      t.steps.map((s) => [s.level, s.index]),
      [
        ['PML5E', 0xf0],
        ['PML4E', 0],
        ['PDPTE', 0],
        ['PDE', 0],
        ['PTE', 1],
      ],
    );
  });

  it('agrees with offset arithmetic for any mapped 4 KiB page, in every mode', () => {
    const modes: Array<[PagingMode, number]> = [
      ['i386', 2 ** 32],
      ['pae', 2 ** 32],
      ['x86_64', 2 ** 47],
    ];
    for (const [mode, top] of modes) {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: top / 4096 - 1 }), fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 0, max: 2 ** 20 - 1 }), (vpn, off, pfn) => {
          const b = builder(mode);
          b.map(vpn * 4096, pfn * 4096, { user: true, write: true });
          assert.equal(ok(translate(b.cpu(), vpn * 4096 + off, { user: true })).pa, pfn * 4096 + off);
        }),
        { numRuns: 50 },
      );
    }
  });
});
