// The zoned buddy allocator. Linux: mm/page_alloc.c (__alloc_pages,
// get_page_from_freelist, __free_one_page, setup_per_zone_wmarks), mmzone.h.
//
// Physical layout of the simulated x86-64 machine (pfn = physical page number):
//   DMA     [0, 4096)              0 - 16 MiB
//   DMA32   [4096, 786432)         16 MiB - 3 GiB (then a 1 GiB PCI hole)
//   Normal  [1048576, ...)         4 GiB and up
// RAM is filled in that order until MemTotal pages are placed.
// A 32-bit machine (kernel/arch.ts) has no DMA32 and adds HighMem:
//   DMA     [0, 4096)              0 - 16 MiB
//   Normal  [4096, 229376)         16 MiB - 896 MiB (lowmem, directly mapped)
//   HighMem [229376, ...)          above 896 MiB (no permanent kernel mapping)
// Simplification: no PCI hole on 32-bit machines; RAM is contiguous from 0.
// Zone ids are positions in the node's zone array, as zone_idx() is: on
// 32-bit, id 2 (ZONE_NORMAL's number on x86-64) is HighMem, the highest zone,
// which is what user allocations (GFP_HIGHUSER_MOVABLE) ask for; kernel
// allocations pass kernelZone(), the highest zone that is not HighMem.
// Free blocks are kept per zone and order 0..10 on lists threaded through the
// frames' LRU links (as Linux reuses page->lru). Memory never handed out yet
// is carved into blocks lazily from a per-zone "untouched" cursor, so a large
// idle machine costs nothing to set up.
// Simplification: no per-CPU page lists, migratetypes or compaction.
import { archInfo, lowmemPages, type Arch } from './arch.js';
import { NO_PFN, PG_buddy, PG_head, PG_tail, type PageArray } from './page.js';
import { VM, type Vmstat } from './vmstat.js';

export const MAX_PAGE_ORDER = 10;

export const ZONE_DMA = 0;
export const ZONE_DMA32 = 1;
export const ZONE_NORMAL = 2;
export const ZONE_NAMES = ['DMA', 'DMA32', 'Normal'] as const;
/** Zone names of a 32-bit machine with CONFIG_HIGHMEM. */
export const ZONE_NAMES_32 = ['DMA', 'Normal', 'HighMem'] as const;

/** sysctl vm.lowmem_reserve_ratio by zone name (HighMem and Movable: 0, no reserve). */
const LOWMEM_RESERVE_RATIO: Readonly<Record<string, number>> = { DMA: 256, DMA32: 256, Normal: 32, HighMem: 0 };

export const WMARK_MIN = 0;
export const WMARK_LOW = 1;
export const WMARK_HIGH = 2;
export const WMARK_PROMO = 3;

export interface Zone {
  readonly id: number;
  readonly name: string;
  /** First pfn and one past the last pfn the zone spans. */
  readonly startPfn: number;
  readonly endPfn: number;
  /** Pages given to the buddy allocator (managed_pages). */
  readonly managed: number;
  /** ZONE_HIGHMEM (is_highmem()): pages the kernel must kmap to touch. */
  readonly highmem: boolean;
  freePages: number;
  /** First free block of each order, NO_PFN when empty. */
  readonly freeHead: Int32Array;
  readonly nrFree: Float64Array;
  /** Frames at and above this pfn were never handed to the free lists. */
  untouched: number;
  /** WMARK_MIN, LOW, HIGH, PROMO in pages. */
  readonly watermark: Float64Array;
  /** lowmem_reserve[j]: pages kept back from requests whose highest zone is j. */
  readonly lowmemReserve: Float64Array;
}

/** The architecture and boot options that shape the zones. */
export interface ZoneLayoutOptions {
  arch?: Arch;
  /** The `highmem=` boot option, in kB (32-bit only). */
  highmemKb?: number;
}

/**
 * Zone boundaries of the layout above, for `totalPages` of RAM. Example
 * (i386, 2 GiB = 524,288 pages): DMA [0, 4096), Normal [4096, 229376),
 * HighMem [229376, 524288).
 */
export function layoutZones(totalPages: number, opts: ZoneLayoutOptions = {}): Zone[] {
  const spans: Array<[number, number]> = [];
  const high = archInfo(opts.arch).highmem;
  if (high) {
    const low = lowmemPages(totalPages, Math.floor((opts.highmemKb ?? 0) / 4));
    const dmaEnd = Math.min(4096, low);
    spans.push([0, dmaEnd], [dmaEnd, low], [low, totalPages]);
  } else {
    let left = totalPages;
    for (const [start, cap] of [
      [0, 4096],
      [4096, 786432],
      [1048576, Infinity],
    ] as Array<[number, number]>) {
      const n = Math.min(left, cap - start);
      spans.push([start, start + Math.max(0, n)]);
      left -= Math.max(0, n);
    }
  }
  const names = high ? ZONE_NAMES_32 : ZONE_NAMES;
  return spans.map(([s, e], id) => ({
    id,
    name: names[id]!,
    startPfn: s,
    endPfn: e,
    managed: e - s,
    highmem: high && id === 2,
    freePages: e - s,
    freeHead: new Int32Array(MAX_PAGE_ORDER + 1).fill(NO_PFN),
    nrFree: new Float64Array(MAX_PAGE_ORDER + 1),
    untouched: s,
    watermark: new Float64Array(4),
    lowmemReserve: new Float64Array(3),
  }));
}

/**
 * min_free_kbytes as the kernel sets it at boot for `memtotalKb` of RAM:
 * init_per_zone_wmark_min() takes isqrt(lowmem_kbytes × 16), clamped to
 * [128, 262144]; when THP is enabled, khugepaged's
 * set_recommended_min_free_kbytes() raises it to 11 pageblocks per populated
 * zone (2 + MIGRATE_PCPTYPES²), at most 5% of lowmem. 67584 kB on the
 * 24 GiB reference machine.
 */
export function bootMinFreeKbytes(memtotalKb: number, thpEnabled: boolean): number {
  const zones = layoutZones(Math.floor(memtotalKb / 4));
  const lowmem = zones.reduce((s, z) => s + z.managed, 0);
  let min = Math.min(Math.max(intSqrt(lowmem * 4 * 16), 128), 262144);
  if (thpEnabled) {
    // nr_free_buffer_pages() now leaves out the high watermarks just set.
    setupWatermarks(zones, min);
    const buffer = zones.reduce((s, z) => s + Math.max(z.managed - z.watermark[WMARK_HIGH]!, 0), 0);
    const populated = zones.filter((z) => z.managed > 0).length;
    const recommended = Math.min(512 * populated * (2 + 3 * 3), Math.floor(buffer / 20)) * 4;
    if (recommended > min) min = recommended;
  }
  return min;
}

/** totalreserve_pages: Σ over zones of min(high watermark + largest lowmem_reserve, managed). */
export function totalreservePages(k: { buddy: BuddyAllocator }): number {
  let total = 0;
  for (const z of k.buddy.zones) {
    const maxReserve = Math.max(0, ...z.lowmemReserve);
    total += Math.min(z.watermark[WMARK_HIGH]! + maxReserve, z.managed);
  }
  return total;
}

/**
 * The highest zone a kernel allocation (GFP_KERNEL) may use: Normal, which
 * is id 2 on x86-64 and id 1 on a 32-bit machine (gfp_zone()).
 */
export function kernelZone(zones: readonly Zone[]): number {
  let id = 0;
  for (const z of zones) if (!z.highmem) id = z.id;
  return id;
}

/**
 * The default min_free_kbytes the kernel computes at boot
 * (calc_min_free_kbytes in mm/page_alloc.c): from lowmem, the managed pages
 * of the zones up to Normal (watermarks are still 0 then),
 * clamp(int_sqrt(lowmem_kbytes * 16), 128, 262144). Used for 32-bit
 * machines, where the x86-64 host's figure does not apply.
 * Example: i386 with 2 GiB: lowmem 229,376 pages = 917,504 kB;
 * int_sqrt(14,680,064) = 3831 kB.
 */
export function calcMinFreeKbytes(totalPages: number, opts: ZoneLayoutOptions = {}): number {
  const lowmemKb = layoutZones(totalPages, opts).reduce((s, z) => s + (z.highmem ? 0 : z.managed), 0) * 4;
  return Math.min(Math.max(intSqrt(lowmemKb * 16), 128), 262144);
}

/** Integer square root, as the kernel's int_sqrt(). */
export function intSqrt(x: number): number {
  let r = Math.floor(Math.sqrt(x));
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}

/**
 * Per-zone watermarks from min_free_kbytes and watermark_scale_factor
 * (__setup_per_zone_wmarks), and lowmem_reserve (setup_per_zone_lowmem_reserve).
 * Worked example: one 4,000,000-page zone, min_free_kbytes 16000 →
 * min 4000, delta max(1000, 4000) = 4000, low 8000, high 12000.
 * HighMem shares out min_free_kbytes like the others (its share still sets
 * the low/high distance), but its own WMARK_MIN is only
 * clamp(managed / 1024, 32, 128): atomic and PF_MEMALLOC allocations, which
 * the min reserve is for, rarely can use HighMem.
 */
export function setupWatermarks(zones: Zone[], minFreeKbytes: number, scaleFactor = 10): void {
  const pagesMin = Math.floor(minFreeKbytes / 4);
  const lowmem = zones.reduce((s, z) => s + (z.highmem ? 0 : z.managed), 0);
  for (const z of zones) {
    const share = lowmem === 0 ? 0 : Math.floor((pagesMin * z.managed) / lowmem);
    const delta = Math.max(Math.floor(share / 4), Math.floor((z.managed * scaleFactor) / 10000));
    const min = z.highmem ? Math.min(Math.max(Math.floor(z.managed / 1024), 32), 128) : share;
    z.watermark[WMARK_MIN] = min;
    z.watermark[WMARK_LOW] = min + delta;
    z.watermark[WMARK_HIGH] = min + 2 * delta;
    z.watermark[WMARK_PROMO] = min + 3 * delta;
  }
  for (let i = 0; i < zones.length; i++) {
    const ratio = LOWMEM_RESERVE_RATIO[zones[i]!.name] ?? 0;
    let sum = 0;
    for (let j = i + 1; j < zones.length; j++) {
      sum += zones[j]!.managed;
      zones[i]!.lowmemReserve[j] = ratio === 0 ? 0 : Math.floor(sum / ratio);
    }
  }
}

/**
 * The buddy allocator over a set of zones. Callers pass the highest zone a
 * request may use; the zonelist is walked from there downward, as for a
 * GFP_HIGHUSER_MOVABLE (Normal) or GFP_DMA32 request.
 */
export class BuddyAllocator {
  constructor(
    readonly zones: Zone[],
    private readonly pages: PageArray,
    private readonly vmstat: Vmstat,
  ) {
    vmstat.add(VM.nr_free_pages, zones.reduce((s, z) => s + z.freePages, 0));
  }

  /** Total free pages (NR_FREE_PAGES). */
  get freePages(): number {
    return this.zones.reduce((s, z) => s + z.freePages, 0);
  }

  private listAdd(z: Zone, pfn: number, order: number): void {
    const p = this.pages;
    p.flags[pfn] = PG_buddy;
    p.order[pfn] = order;
    const head = z.freeHead[order]!;
    p.lruPrev[pfn] = NO_PFN;
    p.lruNext[pfn] = head;
    if (head !== NO_PFN) p.lruPrev[head] = pfn;
    z.freeHead[order] = pfn;
    z.nrFree[order]!++;
  }

  private listDel(z: Zone, pfn: number, order: number): void {
    const p = this.pages;
    const prev = p.lruPrev[pfn]!;
    const next = p.lruNext[pfn]!;
    if (prev !== NO_PFN) p.lruNext[prev] = next;
    else z.freeHead[order] = next;
    if (next !== NO_PFN) p.lruPrev[next] = prev;
    p.flags[pfn] = 0;
    z.nrFree[order]!--;
  }

  /** Hands the next never-used block of the zone to the free lists; false if none is left. */
  private carve(z: Zone): boolean {
    const at = z.untouched;
    if (at >= z.endPfn) return false;
    let order = MAX_PAGE_ORDER;
    while (order > 0 && (at % (1 << order) !== 0 || at + (1 << order) > z.endPfn)) order--;
    z.untouched = at + (1 << order);
    this.listAdd(z, at, order);
    return true;
  }

  /** True if the zone can give 2^order pages and stay above `mark` (zone_watermark_ok). */
  watermarkOk(z: Zone, order: number, mark: number, highestZone: number): boolean {
    const reserve = highestZone > z.id ? z.lowmemReserve[highestZone]! : 0;
    return z.freePages - ((1 << order) - 1) > mark + reserve;
  }

  private takeFrom(z: Zone, order: number): number {
    let o = order;
    while (o <= MAX_PAGE_ORDER && z.freeHead[o] === NO_PFN) o++;
    if (o > MAX_PAGE_ORDER) {
      if (!this.carve(z)) return NO_PFN;
      return this.takeFrom(z, order);
    }
    const pfn = z.freeHead[o]!;
    this.listDel(z, pfn, o);
    // Split: give back the upper halves (expand()).
    while (o > order) {
      o--;
      this.listAdd(z, pfn + (1 << o), o);
    }
    z.freePages -= 1 << order;
    return pfn;
  }

  /**
   * Allocates 2^order contiguous frames from `highestZone` or below, keeping
   * each zone above watermark `wmark`. Returns the first pfn, or NO_PFN.
   * Frames come back with flags 0 and refcount 1 on the first frame.
   */
  alloc(order: number, highestZone: number, wmark: number): number {
    if (order === 0) {
      // Fast path: an order-0 page straight off the free list of the preferred zone.
      const z = this.zones[Math.min(highestZone, this.zones.length - 1)]!;
      const pfn = z.freeHead[0]!;
      if (pfn !== NO_PFN && z.freePages > z.watermark[wmark]! + (highestZone > z.id ? z.lowmemReserve[highestZone]! : 0)) {
        this.listDel(z, pfn, 0);
        z.freePages--;
        const p = this.pages;
        p.flags[pfn] = 0;
        p.mapcount[pfn] = 0;
        p.mapping[pfn] = 0;
        p.head[pfn] = pfn;
        p.refcount[pfn] = 1;
        p.order[pfn] = 0;
        p.memcg[pfn] = 0;
        this.vmstat.v[VM.nr_free_pages]!--;
        this.vmstat.v[VM.pgalloc_dma + z.id]!++;
        return pfn;
      }
    }
    for (let zi = Math.min(highestZone, this.zones.length - 1); zi >= 0; zi--) {
      const z = this.zones[zi]!;
      if (z.managed === 0) continue;
      if (!this.watermarkOk(z, order, z.watermark[wmark]!, highestZone)) continue;
      const pfn = this.takeFrom(z, order);
      if (pfn === NO_PFN) continue;
      const n = 1 << order;
      const p = this.pages;
      for (let i = 0; i < n; i++) {
        p.flags[pfn + i] = 0;
        p.mapcount[pfn + i] = 0;
        p.mapping[pfn + i] = 0;
        p.head[pfn + i] = pfn;
      }
      p.refcount[pfn] = 1;
      p.order[pfn] = 0;
      p.memcg[pfn] = 0;
      this.vmstat.add(VM.nr_free_pages, -n);
      this.vmstat.add(VM.pgalloc_dma + z.id, n);
      return pfn;
    }
    return NO_PFN;
  }

  /**
   * alloc_contig_pages() for a gigantic page: the first 2^order-aligned
   * range of 2^order free frames in `highestZone` or below, the zones tried
   * highest first as the zonelist goes. Frames come back as from alloc().
   * Simplification: only ranges already wholly free; the kernel also
   * migrates movable pages out of the way (alloc_contig_range). Example: a
   * 1 GiB page (order 18) on the x86-64 layout is tried at pfn 1048576,
   * 1310720, ... in Normal, then at 262144 and 524288 in DMA32.
   */
  allocContig(order: number, highestZone: number): number {
    const n = 2 ** order;
    for (let zi = Math.min(highestZone, this.zones.length - 1); zi >= 0; zi--) {
      const z = this.zones[zi]!;
      if (z.freePages < n) continue;
      for (let start = Math.ceil(z.startPfn / n) * n; start + n <= z.endPfn; start += n) {
        if (!this.rangeFree(z, start, start + n)) continue;
        // Hand out the never-used part of the range, then take its blocks
        // off the free lists (isolate_freepages_range).
        while (z.untouched < start + n) this.carve(z);
        for (let pfn = start; pfn < start + n; ) {
          const o = this.pages.order[pfn]!;
          this.listDel(z, pfn, o);
          pfn += 1 << o;
        }
        z.freePages -= n;
        const p = this.pages;
        p.flags.fill(0, start, start + n);
        p.mapcount.fill(0, start, start + n);
        p.mapping.fill(0, start, start + n);
        p.head.fill(start, start, start + n);
        p.refcount[start] = 1;
        p.order[start] = 0;
        p.memcg[start] = 0;
        this.vmstat.add(VM.nr_free_pages, -n);
        return start;
      }
    }
    return NO_PFN;
  }

  /** True if every frame of [start, end) in `z` is free (on a free list or never used). */
  private rangeFree(z: Zone, start: number, end: number): boolean {
    const p = this.pages;
    for (let pfn = start; pfn < end; ) {
      if (pfn >= z.untouched) return true;
      if (!(p.flags[pfn]! & PG_buddy)) return false;
      pfn += 1 << p.order[pfn]!;
    }
    return true;
  }

  /** free_contig_range(): gives back 2^order frames from allocContig(), in blocks of the largest order. */
  freeContig(pfn: number, order: number): void {
    const step = 1 << MAX_PAGE_ORDER;
    for (let i = 0; i < 2 ** order; i += step) this.free(pfn + i, MAX_PAGE_ORDER);
  }

  /** The zone holding `pfn`. */
  zoneOf(pfn: number): Zone {
    for (const z of this.zones) if (pfn >= z.startPfn && pfn < z.endPfn) return z;
    throw new Error(`pfn ${pfn} is outside memory`);
  }

  /**
   * Frees 2^order frames starting at `pfn`, merging with free buddies
   * (__free_one_page). The buddy of block B at order O is B ^ (1 << O):
   * e.g. blocks 8 and 12 are order-2 buddies and merge into order-3 block 8.
   */
  free(pfn: number, order: number): void {
    const z = this.zoneOf(pfn);
    const n = 1 << order;
    const p = this.pages;
    for (let i = 0; i < n; i++) p.flags[pfn + i] &= ~(PG_head | PG_tail);
    z.freePages += n;
    this.vmstat.add(VM.nr_free_pages, n);
    this.vmstat.add(VM.pgfree, n);
    let o = order;
    let at = pfn;
    while (o < MAX_PAGE_ORDER) {
      const buddy = at ^ (1 << o);
      if (buddy < z.startPfn || buddy + (1 << o) > z.untouched) break;
      if (!(p.flags[buddy]! & PG_buddy) || p.order[buddy] !== o) break;
      this.listDel(z, buddy, o);
      at = Math.min(at, buddy);
      o++;
    }
    this.listAdd(z, at, o);
  }

  /**
   * Checks that free counts match the free lists plus untouched memory.
   * Returns a description of the first problem, or null.
   */
  checkInvariants(): string | null {
    for (const z of this.zones) {
      let listed = 0;
      for (let o = 0; o <= MAX_PAGE_ORDER; o++) {
        let count = 0;
        for (let pfn = z.freeHead[o]!; pfn !== NO_PFN; pfn = this.pages.lruNext[pfn]!) {
          if (!(this.pages.flags[pfn]! & PG_buddy) || this.pages.order[pfn] !== o) return `zone ${z.name}: bad free block ${pfn}`;
          count++;
        }
        if (count !== z.nrFree[o]) return `zone ${z.name}: order ${o} count ${count} != ${z.nrFree[o]}`;
        listed += count << o;
      }
      const free = listed + (z.endPfn - z.untouched);
      if (free !== z.freePages) return `zone ${z.name}: free ${z.freePages} but lists hold ${free}`;
    }
    return null;
  }
}
