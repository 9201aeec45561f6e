// The flusher threads' periodic writeback. Linux: fs/fs-writeback.c
// (wb_workfn → wb_check_old_data_flush): every dirty_writeback_centisecs
// the flusher wakes and writes back the inodes that have been dirty for
// longer than dirty_expire_centisecs.
import type { Timer } from './clock.js';
import type { Kernel } from './kernel.js';
import { fsyncRange } from './msync.js';

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
