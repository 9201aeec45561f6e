// The vm sysctls, the passing of time, and swapoff. Linux: kernel/sysctl.c
// and mm/*.c (the vm_table entries and their proc handlers' ranges),
// fs/drop_caches.c, mm/page-writeback.c (wb_workfn: periodic writeback of
// inodes dirty for longer than dirty_expire_centisecs), mm/swapfile.c
// (swapoff, try_to_unuse).
import { EINVAL, ENOMEM } from './errno.js';
import { invalidateMappingPages } from './filemap.js';
import type { Kernel } from './kernel.js';
import { setupWatermarks } from './page_alloc.js';
import { setMaxHugePages, setOvercommitHugePages } from './hugetlb.js';
import { unuseSwap } from './swap.js';
import { vmEnoughMemory, vmUnacctMemory } from './util.js';

/** Writes /proc/sys/vm/KEY. Returns 0 or -EINVAL when the value is out of the handler's range. */
export function sysctlWrite(k: Kernel, key: string, value: number): number {
  const inRange = (lo: number, hi: number): boolean => value >= lo && value <= hi;
  const m = k.machine;
  switch (key) {
    case 'swappiness':
      if (!inRange(0, 200)) return -EINVAL;
      k.swappiness = value;
      return 0;
    case 'overcommit_memory':
      if (!inRange(0, 2)) return -EINVAL;
      m.overcommitMemory = value as 0 | 1 | 2;
      return 0;
    case 'overcommit_ratio':
      m.overcommitRatio = value;
      k.overcommitKbytes = 0; // writing one of them zeroes the other
      return 0;
    case 'overcommit_kbytes':
      if (value < 0) return -EINVAL;
      k.overcommitKbytes = value;
      return 0;
    case 'min_free_kbytes':
      if (value < 0) return -EINVAL;
      m.minFreeKbytes = value;
      setupWatermarks(k.buddy.zones, value, k.watermarkScaleFactor);
      return 0;
    case 'watermark_scale_factor':
      if (!inRange(1, 3000)) return -EINVAL;
      k.watermarkScaleFactor = value;
      setupWatermarks(k.buddy.zones, m.minFreeKbytes, value);
      return 0;
    case 'page-cluster':
      if (!inRange(0, 31)) return -EINVAL;
      k.pageCluster = value;
      return 0;
    case 'oom_kill_allocating_task':
      k.oomKillAllocatingTask = value;
      return 0;
    case 'panic_on_oom':
      if (!inRange(0, 2)) return -EINVAL;
      k.panicOnOom = value;
      return 0;
    case 'dirty_ratio':
    case 'dirty_background_ratio':
      if (!inRange(0, 100)) return -EINVAL;
      if (key === 'dirty_ratio') k.dirtyRatio = value;
      else k.dirtyBackgroundRatio = value;
      return 0;
    case 'dirty_expire_centisecs':
    case 'dirty_writeback_centisecs':
      if (value < 0) return -EINVAL;
      if (key === 'dirty_expire_centisecs') k.dirtyExpireCs = value;
      else k.dirtyWritebackCs = value;
      return 0;
    case 'drop_caches':
      if (!inRange(1, 4)) return -EINVAL;
      // 1: clean page cache; 2: slab (not simulated); 3: both.
      // hugetlbfs pages are not page cache that can be dropped.
      if (value & 1) for (const inode of [...k.inodes.values()]) if (inode.fs !== 'hugetlbfs') invalidateMappingPages(k, inode, 0, inode.cache.length);
      return 0;
    case 'nr_hugepages':
      if (!inRange(0, 2 ** 31)) return -EINVAL;
      setMaxHugePages(k, value);
      return 0;
    case 'nr_overcommit_hugepages':
      if (!inRange(0, 2 ** 31)) return -EINVAL;
      return setOvercommitHugePages(k.hstate, value);
    default:
      return -EINVAL;
  }
}

/**
 * Time passes for `ms` milliseconds with the processes asleep; the kernel's
 * timers (the flusher's periodic writeback, PSI averaging) run meanwhile.
 */
export function sleepMs(k: Kernel, ms: number): void {
  k.clock.settle(k);
  k.clock.idle(k, ms * 1e6);
}

/**
 * swapoff(2): every page swapped to the area comes back (swapping in, as
 * a fault would, in each process), then the area goes. -EINVAL if PATH is
 * not an active swap area, -ENOMEM if memory runs out on the way.
 */
export function sysSwapoff(k: Kernel, path: string): number {
  const si = k.swapAreas.find((s) => s.path === path);
  if (!si) return -EINVAL;
  // The pages must fit in memory by the overcommit rule, then come back one by one.
  if (vmEnoughMemory(k, k.current?.mm ?? null, si.usable) < 0) return -ENOMEM;
  vmUnacctMemory(k, si.usable);
  si.writeok = false;
  k.totalSwapPages -= si.usable;
  k.nrSwapPages -= si.usable - si.inuse;
  if (!unuseSwap(k, si.type) || si.inuse > 0) {
    // reinsert_swap_info(): the area stays in use.
    si.writeok = true;
    k.totalSwapPages += si.usable;
    k.nrSwapPages += si.usable - si.inuse;
    return -ENOMEM;
  }
  k.swapAreas.splice(k.swapAreas.indexOf(si), 1);
  return 0;
}
