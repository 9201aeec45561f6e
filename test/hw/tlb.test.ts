import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_ASID, TLB_EVICTIONS, TLB_GLOBAL, TLB_HITS, TLB_MISSES, TLB_WRITE, TlbArray, type TlbEntry } from '../../src/hw/tlb.js';
import { ReferenceTlb } from './tlb_reference.js';

const entry = (pageShift: number, pfn: number, flags = TLB_WRITE): TlbEntry => ({ pageShift, pfn, flags });

// Pages of a small pool, so that operations collide in sets; user pages are
// below 2^47, kernel (global) pages at the top of the 48-bit space.
const USER_PAGES = [0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 512, 513, 0x7ffffffff, 0x7fffffffe, 0x1fff000];
const KERNEL_PAGES = [0xfffffffff, 0xffffff000, 0xffffff001];

type Op =
  | { op: 'lookup'; page: number; off: number; asid: number }
  | { op: 'fill'; page: number; asid: number; huge: boolean; global: boolean }
  | { op: 'invlpg'; page: number; asid: number }
  | { op: 'flushAsid'; asid: number }
  | { op: 'flushAll'; keepGlobal: boolean };

const asidArb = fc.constantFrom(0, 1, 2, MAX_ASID);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('lookup' as const), page: fc.constantFrom(...USER_PAGES, ...KERNEL_PAGES), off: fc.integer({ min: 0, max: 4095 }), asid: asidArb }) },
  {
    weight: 4,
    arbitrary: fc.boolean().chain((kernel) =>
      fc.record({ op: fc.constant('fill' as const), page: fc.constantFrom(...(kernel ? KERNEL_PAGES : USER_PAGES)), asid: asidArb, huge: fc.boolean(), global: fc.constant(kernel) }),
    ),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('invlpg' as const), page: fc.constantFrom(...USER_PAGES, ...KERNEL_PAGES), asid: asidArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('flushAsid' as const), asid: asidArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('flushAll' as const), keepGlobal: fc.boolean() }) },
);

/** The frame a page maps to: any fixed function works; this one keeps frames distinct. */
const pfnOf = (vpn4k: number, shift: number) => (shift === 12 ? vpn4k + 0x1000 : Math.floor(vpn4k / 512) * 512 + 0x200000);

describe('hw/tlb', () => {
  it('hits after a fill and returns frame + offset, for 48-bit addresses where >> would break', () => {
    const t = new TlbArray({ entries: 64, ways: 4, pageShifts: [12] });
    const va = 0x7fff_ffff_f688;
    assert.equal(t.lookup(va, 1), -1);
    t.fill(va, 1, entry(12, 0xabcde));
    assert.equal(t.lookup(va, 1), 0xabcde * 4096 + 0x688);
    assert.equal(t.lookup(va + 4096, 1), -1);
    assert.equal(t.counts[TLB_HITS], 1);
    assert.equal(t.counts[TLB_MISSES], 2);
  });

  it('keeps ASIDs apart, except for global entries', () => {
    const t = new TlbArray({ entries: 16, ways: 4, pageShifts: [12] });
    t.fill(0x1000, 1, entry(12, 7));
    t.fill(0xffff_ffff_f000, 1, entry(12, 9, TLB_GLOBAL));
    assert.equal(t.lookup(0x1000, 2), -1);
    assert.equal(t.lookup(0x1000, 1), 7 * 4096);
    assert.equal(t.lookup(0xffff_ffff_f010, 2), 9 * 4096 + 0x10);
  });

  it('translates inside a 2 MiB entry of a shared 4K+2M array', () => {
    const t = new TlbArray({ entries: 48, ways: 12, pageShifts: [12, 21] });
    t.fill(0x4020_0000, 3, entry(21, 0x80000)); // 2 MiB page at 1 GiB + 2 MiB -> frame 0x80000 (2 GiB)
    assert.equal(t.lookup(0x4020_0000 + 0x12345, 3), 0x8000_0000 + 0x12345);
    assert.equal(t.lookup(0x4040_0000, 3), -1);
  });

  it('evicts the least recently used way of a full set (hand example, 1 set x 2 ways)', () => {
    const t = new TlbArray({ entries: 2, ways: 2, pageShifts: [12] });
    t.fill(0x1000, 1, entry(12, 1));
    t.fill(0x2000, 1, entry(12, 2));
    t.lookup(0x1000, 1); // page 2 is now LRU
    t.fill(0x3000, 1, entry(12, 3));
    assert.equal(t.lookup(0x2000, 1), -1);
    assert.equal(t.lookup(0x1000, 1), 4096);
    assert.equal(t.counts[TLB_EVICTIONS], 1);
  });

  it('flushes in proportion to what was filled, keeping global entries on request', () => {
    const t = new TlbArray({ entries: 1536, ways: 12, pageShifts: [12, 21] });
    t.fill(0x1000, 1, entry(12, 1));
    t.fill(0x2000, 2, entry(12, 2));
    t.fill(0xffff_8000_0000, 1, entry(12, 3, TLB_GLOBAL));
    assert.equal(t.flushAsid(1), 1);
    assert.equal(t.validCount(), 2);
    assert.equal(t.flushAll({ keepGlobal: true }), 1);
    assert.equal(t.validCount(), 1);
    assert.equal(t.flushAll(), 1);
    assert.equal(t.validCount(), 0);
    t.checkInvariants();
  });

  it('counts a miss, without a search, in an array emptied by a flush or never filled', () => {
    const t = new TlbArray({ entries: 8, ways: 2, pageShifts: [21] });
    assert.equal(t.lookup(0x4000_0000, 1), -1);
    t.fill(0x4000_0000, 1, entry(21, 0x400));
    assert.equal(t.lookup(0x4000_1234, 1), 0x400 * 4096 + 0x1234);
    t.flushAsid(1);
    assert.equal(t.lookup(0x4000_0000, 1), -1);
    assert.deepEqual([t.counts[TLB_HITS], t.counts[TLB_MISSES]], [1, 2]);
  });

  it('matches a naive timestamped reference model under random fills, lookups, invlpg and flushes', () => {
    fc.assert(
      fc.property(
        fc.record({ sets: fc.constantFrom(1, 2, 4, 8), ways: fc.constantFrom(1, 2, 4), shared: fc.boolean() }),
        fc.array(opArb, { maxLength: 200 }),
        (geo, ops) => {
          const shifts = geo.shared ? [12, 21] : [12];
          const t = new TlbArray({ entries: geo.sets * geo.ways, ways: geo.ways, pageShifts: shifts });
          const ref = new ReferenceTlb(geo.sets, geo.ways, shifts);
          for (const o of ops) {
            if (o.op === 'lookup') {
              const va = o.page * 4096 + o.off;
              assert.equal(t.lookup(va, o.asid), ref.lookup(va, o.asid), `lookup ${va.toString(16)} asid ${o.asid}`);
            } else if (o.op === 'fill') {
              const shift = o.huge ? 21 : 12;
              const va = o.page * 4096;
              const pfn = pfnOf(o.page, shift);
              t.fill(va, o.asid, entry(shift, pfn, o.global ? TLB_GLOBAL : 0));
              ref.fill(va, o.asid, shift, pfn, o.global);
            } else if (o.op === 'invlpg') {
              t.invlpg(o.page * 4096, o.asid);
              ref.invlpg(o.page * 4096, o.asid);
            } else if (o.op === 'flushAsid') {
              t.flushAsid(o.asid);
              ref.flush((e) => e.asid === o.asid);
            } else {
              t.flushAll({ keepGlobal: o.keepGlobal });
              ref.flush((e) => !(o.keepGlobal && e.asid === -1));
            }
          }
          t.checkInvariants();
          const got = t
            .validEntries()
            .map((e) => `${Math.floor(e.slot / geo.ways)}:${e.pageShift}:${e.vpn}:${e.asid}:${e.pfn}`)
            .sort();
          assert.deepEqual(got, ref.valid());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never returns a stale translation after invlpg or a flush', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ page: fc.constantFrom(...USER_PAGES), asid: asidArb, huge: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.constantFrom('invlpg', 'flushAsid', 'flushAll'),
        (fills, pick, how) => {
          const t = new TlbArray({ entries: 32, ways: 4, pageShifts: [12, 21] });
          for (const f of fills) t.fill(f.page * 4096, f.asid, entry(f.huge ? 21 : 12, pfnOf(f.page, f.huge ? 21 : 12)));
          const victim = fills[pick % fills.length];
          const va = victim.page * 4096 + 123;
          if (how === 'invlpg') t.invlpg(va, victim.asid);
          else if (how === 'flushAsid') t.flushAsid(victim.asid);
          else t.flushAll();
          assert.equal(t.lookup(va, victim.asid), -1);
        },
      ),
    );
  });

  it('never lets one ASID hit another ASID\'s non-global entry', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ page: fc.constantFrom(...USER_PAGES), asid: fc.integer({ min: 0, max: MAX_ASID }) }), { maxLength: 60 }),
        fc.constantFrom(...USER_PAGES),
        fc.integer({ min: 0, max: MAX_ASID }),
        (fills, page, asid) => {
          const t = new TlbArray({ entries: 16, ways: 4, pageShifts: [12] });
          for (const f of fills) if (f.asid !== asid) t.fill(f.page * 4096, f.asid, entry(12, f.page + 1));
          assert.equal(t.lookup(page * 4096, asid), -1);
        },
      ),
    );
  });

  it('rejects a geometry without a power-of-two number of sets', () => {
    assert.throws(() => new TlbArray({ entries: 48, ways: 4, pageShifts: [12] }), /power-of-two/);
    assert.throws(() => new TlbArray({ entries: 64, ways: 4, pageShifts: [13] }), /unsupported page shift/);
  });
});
