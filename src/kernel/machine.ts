// The simulated machine: memory size, swap, CPUs and the vm sysctls that the
// scenario language's `machine` line sets. Defaults are those of the machines
// mmsim is checked on (x86-64, 24 GiB, Linux 6.18, THP in madvise mode, as
// `mmsim kernel --print-machine` prints there), so that a scenario without a
// machine line simulates the host it is diffed against.

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

/** The machine as one `machine` line of the scenario language. */
export function machineLine(m: MachineConfig): string {
  return (
    `machine memtotal=${m.memtotalKb}K swap=${m.swapKb}K cpus=${m.cpus}` +
    ` overcommit_memory=${m.overcommitMemory} overcommit_ratio=${m.overcommitRatio}` +
    ` thp=${m.thp} thp_defrag=${m.thpDefrag} thp_zero_page=${m.thpZeroPage ? 1 : 0}` +
    ` fault_around_kb=${m.faultAroundKb} read_ahead_kb=${m.readAheadKb} min_free_kbytes=${m.minFreeKbytes}`
  );
}
