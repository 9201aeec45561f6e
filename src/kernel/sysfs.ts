// The /sys/kernel/mm files mmsim models: the multi-gen LRU's switches.
// Linux: mm/vmscan.c (enabled_show/enabled_store, min_ttl_ms_show/_store),
// Documentation/admin-guide/mm/multigen_lru.rst.
import { EINVAL, ENOENT } from './errno.js';
import type { Kernel } from './kernel.js';
import { parseCUint } from './lru_gen.js';

/** The files, relative to /sys/kernel/mm. */
export const SYSFS_FILES = ['lru_gen/enabled', 'lru_gen/min_ttl_ms'] as const;

/**
 * Writes /sys/kernel/mm/KEY. lru_gen/enabled takes y, n or a mask of
 * 0x1 (the multi-gen LRU), 0x2 (page-table walks) and 0x4 (non-leaf
 * accessed bits); lru_gen/min_ttl_ms an unsigned number of milliseconds.
 * Returns 0, -EINVAL for a bad value or -ENOENT for an unknown file.
 */
export function sysfsWrite(k: Kernel, key: string, value: string): number {
  switch (key) {
    case 'lru_gen/enabled':
      return k.lruGen.writeEnabled(value) ? 0 : -EINVAL;
    case 'lru_gen/min_ttl_ms': {
      const ms = parseCUint(value.trim());
      if (ms === null) return -EINVAL;
      k.lruGen.setMinTtlMs(ms);
      return 0;
    }
    default:
      return -ENOENT;
  }
}

/** Reads /sys/kernel/mm/KEY ("0x0007\n", "1000\n"), or null for an unknown file. */
export function sysfsRead(k: Kernel, key: string): string | null {
  switch (key) {
    case 'lru_gen/enabled':
      return k.lruGen.readEnabled();
    case 'lru_gen/min_ttl_ms':
      return `${k.lruGen.minTtlMs}\n`;
    default:
      return null;
  }
}
