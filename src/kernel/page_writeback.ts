// Dirty page limits and background writeback. Linux: mm/page-writeback.c
// (global_dirtyable_memory, domain_dirty_limits, balance_dirty_pages),
// fs/fs-writeback.c (wb_check_background_flush).
//
// A writer that leaves more dirty page-cache pages than the background
// threshold (dirty_background_ratio of the dirtyable memory) wakes the
// flusher, which writes back the oldest dirty inodes until the count is
// under it again. Writeback completes at once in the simulator, so writers
// never reach the hard limit (dirty_ratio) where the kernel makes them
// sleep; its time is the device's, charged to nobody (clock.ts).
import type { Kernel } from './kernel.js';
import { fsyncRange } from './msync.js';
import { totalreservePages } from './page_alloc.js';
import { VM } from './vmstat.js';

/** global_dirtyable_memory(): free pages above the reserves plus the file LRU, in pages. */
export function globalDirtyableMemory(k: Kernel): number {
  const v = k.vmstat;
  let x = v.get(VM.nr_free_pages);
  x -= Math.min(x, totalreservePages(k));
  x += v.get(VM.nr_inactive_file) + v.get(VM.nr_active_file);
  return x + 1;
}

/**
 * domain_dirty_limits() for the global domain: the ratios are first scaled
 * to pages (ratio × PAGE_SIZE / 100, truncated), as the kernel does, so
 * 20% is 819/4096 of the dirtyable memory. The background threshold is at
 * most half the limit.
 */
export function globalDirtyLimits(k: Kernel): { thresh: number; bgThresh: number } {
  const available = globalDirtyableMemory(k);
  const ratio = Math.floor((k.dirtyRatio * 4096) / 100);
  const bgRatio = Math.floor((k.dirtyBackgroundRatio * 4096) / 100);
  const thresh = Math.floor((ratio * available) / 4096);
  let bgThresh = Math.floor((bgRatio * available) / 4096);
  if (bgThresh >= thresh) bgThresh = Math.floor(thresh / 2);
  return { thresh, bgThresh };
}

/**
 * balance_dirty_pages(), as called after a task dirtied pages (at the end of
 * the fault or write): above the background threshold the flusher writes
 * back whole inodes, oldest dirtied first, until the dirty count is under it.
 */
export function balanceDirtyPages(k: Kernel): void {
  const dirty = (): number => k.vmstat.get(VM.nr_dirty) + k.vmstat.get(VM.nr_writeback);
  const { bgThresh } = globalDirtyLimits(k);
  if (dirty() <= bgThresh) return;
  const inodes = [...k.inodes.values()].filter((i) => i.dirtiedWhen >= 0 && !i.isShmem && i.fs !== 'hugetlbfs').sort((a, b) => a.dirtiedWhen - b.dirtiedWhen || a.id - b.id);
  for (const inode of inodes) {
    if (dirty() <= bgThresh) break;
    fsyncRange(k, inode, 0, inode.cache.length - 1);
  }
}
