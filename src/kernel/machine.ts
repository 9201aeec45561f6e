// The simulated machine: memory size, swap, CPUs and the vm sysctls that the
// scenario language's `machine` line sets. Defaults are those of the machines
// mmsim is checked on (x86-64, 24 GiB, Linux 6.18, THP in madvise mode, as
// `mmsim kernel --print-machine` prints there), so that a scenario without a
// machine line simulates the host it is diffed against. A 32-bit machine
// (`arch=i386` or `arch=i386-pae`, kernel/arch.ts) is simulator only.
import { archInfo, MAXMEM_PFN, MIN_LOWMEM_PAGES, type Arch } from './arch.js';
import { bootMinFreeKbytes, calcMinFreeKbytes } from './page_alloc.js';

export type ThpMode = 'always' | 'madvise' | 'never';
export type ThpDefrag = 'always' | 'defer' | 'defer+madvise' | 'madvise' | 'never';

export interface MachineConfig {
  /** MemTotal in kB (= totalram_pages * 4). */
  memtotalKb: number;
  /** Swap size in kB (0 = no swap). */
  swapKb: number;
  cpus: number;
  /** vm.overcommit_memory: 0 heuristic, 1 always, 2 never. */
  overcommitMemory: 0 | 1 | 2;
  overcommitRatio: number;
  /** /sys/kernel/mm/transparent_hugepage/enabled */
  thp: ThpMode;
  thpDefrag: ThpDefrag;
  /** transparent_hugepage/use_zero_page */
  thpZeroPage: boolean;
  /** fault_around_bytes / 1024 */
  faultAroundKb: number;
  /** Block-device read_ahead_kb, which sets a file's ra_pages. */
  readAheadKb: number;
  minFreeKbytes: number;
  /** Architecture; absent means x86_64. */
  arch?: Arch;
  /** CONFIG_HIGHPTE on a 32-bit machine: user PTE tables may come from HighMem. */
  highpte?: boolean;
  /** The `highmem=` boot option in kB (32-bit, MemTotal at most 896 MiB): RAM moved from lowmem to HighMem. */
  highmemKb?: number;
  /**
   * /sys/kernel/mm/lru_gen/enabled at boot (lru_gen.ts): 0 (absent) keeps
   * the classic LRU; 0x1 the multi-gen LRU; 0x2 and 0x4 its page-table
   * walks and non-leaf accessed bits (0x7 = 'y', CONFIG_LRU_GEN_ENABLED).
   */
  lruGen?: number;
  /** /sys/kernel/mm/lru_gen/min_ttl_ms (thrashing prevention; needs lru_gen). */
  minTtlMs?: number;
}

export const DEFAULT_MACHINE: Readonly<MachineConfig> = Object.freeze({
  memtotalKb: 24684084,
  swapKb: 0,
  cpus: 2,
  overcommitMemory: 0,
  overcommitRatio: 50,
  thp: 'madvise',
  thpDefrag: 'madvise',
  thpZeroPage: true,
  faultAroundKb: 64,
  readAheadKb: 8192,
  minFreeKbytes: 67584,
});

/**
 * The machine as one `machine` line of the scenario language. The x86-64
 * line is a contract (the real-kernel runner compares it with the host's):
 * `arch=`, `highmem=` and `highpte=` appear only on 32-bit machines,
 * `lru_gen=` and `min_ttl_ms=` only when the multi-gen LRU is on.
 */
export function machineLine(m: MachineConfig): string {
  const arch = m.arch !== undefined && m.arch !== 'x86_64' ? ` arch=${m.arch}` : '';
  const highmem = m.highmemKb ? ` highmem=${m.highmemKb}K` : '';
  const highpte = m.highpte ? ' highpte=1' : '';
  const lruGen = m.lruGen ? ` lru_gen=0x${m.lruGen.toString(16).padStart(4, '0')}` : '';
  const minTtl = m.minTtlMs ? ` min_ttl_ms=${m.minTtlMs}` : '';
  return (
    `machine${arch} memtotal=${m.memtotalKb}K swap=${m.swapKb}K cpus=${m.cpus}` +
    ` overcommit_memory=${m.overcommitMemory} overcommit_ratio=${m.overcommitRatio}` +
    ` thp=${m.thp} thp_defrag=${m.thpDefrag} thp_zero_page=${m.thpZeroPage ? 1 : 0}` +
    ` fault_around_kb=${m.faultAroundKb} read_ahead_kb=${m.readAheadKb} min_free_kbytes=${m.minFreeKbytes}` +
    highmem +
    highpte +
    lruGen +
    minTtl
  );
}

/**
 * Fills in the settings the kernel derives at boot, for those not given
 * explicitly (`given` holds the machine-line keys that were): min_free_kbytes
 * from the RAM size (init_per_zone_wmark_min, raised by khugepaged when THP
 * is on: 67584 kB on the 24 GiB host); on a 32-bit machine THP is off
 * (mmsim does not model transparent huge pages there) and min_free_kbytes
 * comes from lowmem alone (calc_min_free_kbytes).
 */
export function applyArchDefaults(m: MachineConfig, given: ReadonlySet<string>): void {
  if (!archInfo(m.arch).highmem) {
    if (!given.has('min_free_kbytes')) m.minFreeKbytes = bootMinFreeKbytes(m.memtotalKb, m.thp !== 'never');
    return;
  }
  if (!given.has('thp')) m.thp = 'never';
  if (!given.has('min_free_kbytes')) m.minFreeKbytes = calcMinFreeKbytes(Math.floor(m.memtotalKb / 4), m);
}

/**
 * What is wrong with a machine configuration, in words, or null if nothing.
 * 32-bit limits: 4 GiB of RAM without PAE, 64 GiB with it; no THP;
 * highmem= only on a machine with at most 896 MiB, leaving 64 MiB of lowmem.
 */
export function checkMachine(m: MachineConfig): string | null {
  const info = archInfo(m.arch);
  if (m.memtotalKb < 16 * 1024) return 'memtotal must be at least 16M';
  if (m.lruGen !== undefined && (m.lruGen < 0 || m.lruGen > 0x7 || !Number.isInteger(m.lruGen))) return `lru_gen must be a mask of 0x1, 0x2 and 0x4 (or y or n), got ${m.lruGen}`;
  if (m.minTtlMs && !(m.lruGen! & 1)) return 'min_ttl_ms needs the multi-gen LRU (lru_gen=y)';
  if (!info.highmem) {
    if (m.highpte) return 'highpte applies only to 32-bit machines (arch=i386 or arch=i386-pae)';
    if (m.highmemKb) return 'highmem applies only to 32-bit machines (arch=i386 or arch=i386-pae)';
    return null;
  }
  if (m.memtotalKb > info.maxMemKb) {
    return info.pae
      ? `memtotal=${m.memtotalKb}K is more than PAE can address (64 GiB of physical memory)`
      : `memtotal=${m.memtotalKb}K is more than i386 without PAE can address (4 GiB); use arch=i386-pae for up to 64 GiB`;
  }
  if (m.thp !== 'never') return `thp=${m.thp}: mmsim does not model transparent huge pages on 32-bit machines (thp must be never)`;
  if (m.highmemKb) {
    const total = Math.floor(m.memtotalKb / 4);
    const high = Math.floor(m.highmemKb / 4);
    if (total > MAXMEM_PFN) return 'highmem= applies only to machines with at most 896M of RAM (above that, lowmem is always 896M)';
    if (total - high < MIN_LOWMEM_PAGES) return `highmem=${m.highmemKb}K leaves less than 64M of lowmem`;
  }
  return null;
}
