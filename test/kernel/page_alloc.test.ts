import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PageArray } from '../../src/kernel/page.js';
import { BuddyAllocator, bootMinFreeKbytes, layoutZones, setupWatermarks, WMARK_HIGH, WMARK_LOW, WMARK_MIN, ZONE_NORMAL, type Zone } from '../../src/kernel/page_alloc.js';
import { Vmstat, VM } from '../../src/kernel/vmstat.js';

function machine(pages: number): { zones: Zone[]; buddy: BuddyAllocator; vmstat: Vmstat } {
  const zones = layoutZones(pages);
  const vmstat = new Vmstat();
  const buddy = new BuddyAllocator(zones, new PageArray(zones[zones.length - 1]!.endPfn), vmstat);
  return { zones, buddy, vmstat };
}

describe('kernel/page_alloc', () => {
  it('lays out DMA, DMA32 below 3 GiB, and Normal from 4 GiB', () => {
    const z = layoutZones(2 * 1048576); // 8 GiB
    assert.deepEqual(
      z.map((x) => [x.name, x.startPfn, x.endPfn]),
      [
        ['DMA', 0, 4096],
        ['DMA32', 4096, 786432],
        ['Normal', 1048576, 1048576 + 2 * 1048576 - 786432],
      ],
    );
  });

  it('computes watermarks as __setup_per_zone_wmarks (worked example of LINUX-MM-FACTS 4.2)', () => {
    // One Normal zone of 4,000,000 pages, min_free_kbytes 16000: min 4000, low 8000, high 12000.
    const zone = { ...layoutZones(4096)[0]!, managed: 4000000 } as Zone;
    setupWatermarks([zone], 16000);
    assert.equal(zone.watermark[WMARK_MIN], 4000);
    assert.equal(zone.watermark[WMARK_LOW], 8000);
    assert.equal(zone.watermark[WMARK_HIGH], 12000);
  });

  it('merges buddies back into one block: 8 and 12 at order 2 become order-3 block 8', () => {
    const { buddy, zones } = machine(4096 + 1024);
    const a = buddy.alloc(2, 0, WMARK_MIN);
    const b = buddy.alloc(2, 0, WMARK_MIN);
    assert.equal(b, a ^ 4); // the second half of the order-3 block split for the first
    buddy.free(a, 2);
    buddy.free(b, 2);
    assert.equal(buddy.checkInvariants(), null);
    assert.equal(zones[0]!.freePages, zones[0]!.managed);
  });

  it('keeps free + used = total and consistent free lists under any alloc/free sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 10 }), fc.nat()), { maxLength: 200 }), (ops) => {
        const { buddy, zones, vmstat } = machine(1048576 + 8192);
        const total = zones.reduce((s, z) => s + z.managed, 0);
        const held: Array<[number, number]> = [];
        let used = 0;
        for (const [alloc, order, pick] of ops) {
          if (alloc || held.length === 0) {
            const pfn = buddy.alloc(order, ZONE_NORMAL, WMARK_MIN);
            if (pfn >= 0) {
              held.push([pfn, order]);
              used += 1 << order;
            }
          } else {
            const [pfn, order2] = held.splice(pick % held.length, 1)[0]!;
            buddy.free(pfn, order2);
            used -= 1 << order2;
          }
          assert.equal(buddy.freePages + used, total);
        }
        assert.equal(buddy.checkInvariants(), null);
        assert.equal(vmstat.get(VM.nr_free_pages), buddy.freePages);
        // Blocks handed out never overlap.
        const frames = new Set<number>();
        for (const [pfn, order] of held) {
          for (let i = 0; i < 1 << order; i++) {
            assert.ok(!frames.has(pfn + i));
            frames.add(pfn + i);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('refuses to go below the watermark and falls back to lower zones', () => {
    const { buddy, zones } = machine(4096 + 2048);
    setupWatermarks(zones, 1024);
    let n = 0;
    while (buddy.alloc(0, ZONE_NORMAL, WMARK_LOW) >= 0) n++;
    // DMA32 holds 2048 pages, DMA 4096; each keeps its low watermark plus the lowmem reserve.
    const kept = zones.reduce((s, z) => s + z.freePages, 0);
    assert.equal(n + kept, 6144);
    for (const z of zones) if (z.managed) assert.ok(z.freePages >= z.watermark[WMARK_LOW]!);
  });

  it('min_free_kbytes at boot follows init_per_zone_wmark_min and khugepaged', () => {
    // 24 GiB host (THP madvise): isqrt(24684084 × 16) = 19873 kB, raised by
    // khugepaged to 512 × 3 zones × 11 = 16896 pages = 67584 kB, the host's value.
    assert.equal(bootMinFreeKbytes(24684084, true), 67584);
    // 1 GiB: isqrt(1048576 × 16) = 4096 kB; two populated zones (DMA, DMA32)
    // → 11264 pages = 45056 kB, under 5% of lowmem (≈ 13000 pages).
    assert.equal(bootMinFreeKbytes(1048576, true), 45056);
    // 256 MiB: isqrt(262144 × 16) = 2048 kB → min 512 pages, high 768; 5% of
    // (65536 − 768) = 3238 pages = 12952 kB caps khugepaged's 11264 pages.
    assert.equal(bootMinFreeKbytes(262144, true), 12952);
    // THP never: no khugepaged, the square-root rule alone.
    assert.equal(bootMinFreeKbytes(262144, false), 2048);
  });
});
