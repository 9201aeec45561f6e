// The /sys/kernel/mm files mmsim models: the multi-gen LRU's switches and
// the hugetlb pool of each huge page size. Linux: mm/vmscan.c
// (enabled_show/enabled_store, min_ttl_ms_show/_store), mm/hugetlb_sysfs.c
// (nr_hugepages_store, nr_overcommit_hugepages_store, ..._show),
// Documentation/admin-guide/mm/multigen_lru.rst and hugetlbpage.rst.
import { EINVAL, ENOENT } from './errno.js';
import { hstateByName, setMaxHugePages, setOvercommitHugePages } from './hugetlb.js';
import type { Kernel } from './kernel.js';
import { parseCUint } from './lru_gen.js';

/** The writable files, relative to /sys/kernel/mm. */
export const SYSFS_FILES = [
  'lru_gen/enabled',
  'lru_gen/min_ttl_ms',
  'hugepages/hugepages-2048kB/nr_hugepages',
  'hugepages/hugepages-2048kB/nr_overcommit_hugepages',
  'hugepages/hugepages-4096kB/nr_hugepages',
  'hugepages/hugepages-4096kB/nr_overcommit_hugepages',
  'hugepages/hugepages-1048576kB/nr_hugepages',
  'hugepages/hugepages-1048576kB/nr_overcommit_hugepages',
] as const;

/** The read-only files of a hugepages-<size>kB directory, besides the two writable ones. */
const HUGEPAGES_READ = ['free_hugepages', 'resv_hugepages', 'surplus_hugepages'];

/** kstrtoul(buf, 10): a decimal number, an optional + and a trailing newline allowed; null otherwise. */
function parseDecimal(value: string): number | null {
  const m = /^\+?(\d+)\n?$/.exec(value);
  return m ? Number(m[1]) : null;
}

/** hugepages/hugepages-<size>kB/FILE: the hstate and FILE, or null. */
function hugepagesFile(k: Kernel, key: string): [ReturnType<typeof hstateByName>, string] | null {
  const m = /^hugepages\/(hugepages-\d+kB)\/(\w+)$/.exec(key);
  if (!m) return null;
  const h = hstateByName(k, m[1]!);
  return h ? [h, m[2]!] : null;
}

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
    default: {
      // __nr_hugepages_store_common(): the write succeeds even when fewer pages could be allocated.
      const f = hugepagesFile(k, key);
      if (!f) return -ENOENT;
      const [h, file] = f;
      const n = parseDecimal(value);
      if (file === 'nr_hugepages') {
        if (n === null) return -EINVAL;
        setMaxHugePages(k, n, h!);
        return 0;
      }
      if (file === 'nr_overcommit_hugepages') return n === null ? -EINVAL : setOvercommitHugePages(h!, n);
      return -ENOENT;
    }
  }
}

/** Reads /sys/kernel/mm/KEY ("0x0007\n", "1000\n"), or null for an unknown file. */
export function sysfsRead(k: Kernel, key: string): string | null {
  switch (key) {
    case 'lru_gen/enabled':
      return k.lruGen.readEnabled();
    case 'lru_gen/min_ttl_ms':
      return `${k.lruGen.minTtlMs}\n`;
    default: {
      const f = hugepagesFile(k, key);
      if (!f || !(f[1] === 'nr_hugepages' || f[1] === 'nr_overcommit_hugepages' || HUGEPAGES_READ.includes(f[1]))) return null;
      const h = f[0]!;
      const v = { nr_hugepages: h.nrHugePages, nr_overcommit_hugepages: h.nrOvercommitHugePages, free_hugepages: h.freeHugePages, resv_hugepages: h.resvHugePages, surplus_hugepages: h.surplusHugePages }[f[1]]!;
      return `${v}\n`;
    }
  }
}
