// The flusher threads' periodic writeback. Linux: fs/fs-writeback.c
// (wb_workfn → wb_check_old_data_flush): every dirty_writeback_centisecs
// the flusher wakes and writes back the inodes that have been dirty for
// longer than dirty_expire_centisecs. Also the writeback ext4 starts when
// a file truncated to size 0 is closed (ext4_release_file).
import type { Timer } from './clock.js';
import { cachedFolios } from './filemap.js';
import type { Inode } from './fs.js';
import type { Kernel } from './kernel.js';
import { fsyncRange } from './msync.js';
import { PG_dirty } from './page.js';

/**
 * The last close of an open file (->release: the last fput of a struct
 * file, whether an fd or the VMAs of one mmap). Linux: fs/ext4/file.c
 * ext4_release_file(). auto_da_alloc's "replace via truncate" heuristic:
 * ext4_truncate() to size 0 sets EXT4_STATE_DA_ALLOC_CLOSE, and the next
 * release of any open file of the inode clears it, first starting writeback
 * of the whole file (ext4_alloc_da_blocks -> filemap_flush) if it has
 * delayed-allocation blocks, i.e. dirty pages over holes. The pages are
 * clean and shared mappings write-protected when it returns.
 * Simplification: the writeback completes at once.
 */
export function ext4ReleaseFile(k: Kernel, inode: Inode): void {
  if (!inode.daAllocClose) return;
  inode.daAllocClose = false;
  const p = k.pages;
  const delalloc = cachedFolios(k, inode, 0).some((head) => {
    if (!(p.flags[head]! & PG_dirty)) return false;
    for (let i = 0; i < p.nrPages(head); i++) {
      const index = p.index[head]! + i;
      if (index < inode.sizePages && !inode.data.allocated(index)) return true;
    }
    return false;
  });
  if (delalloc) fsyncRange(k, inode, 0, Math.max(inode.cache.length, inode.sizePages));
}

export class PeriodicWriteback implements Timer {
  /** When the flusher last woke, in ns. */
  private last = 0;

  constructor(private readonly k: Kernel) {}

  at(): number | null {
    const period = this.k.dirtyWritebackCs * 10 * 1e6;
    if (period <= 0) return null;
    return (Math.floor(this.last / period) + 1) * period;
  }

  fire(k: Kernel, now: number): void {
    this.last = now;
    const nowMs = now / 1e6;
    for (const inode of k.inodes.values()) {
      if (inode.dirtiedWhen < 0 || inode.dirtiedWhen + k.dirtyExpireCs * 10 > nowMs) continue;
      fsyncRange(k, inode, 0, inode.cache.length - 1);
    }
  }
}
