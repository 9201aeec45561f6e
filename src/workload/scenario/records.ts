// What a runner reports for each operation, before formatting. Both runners
// (the simulator and the C runner on the real kernel) produce these records,
// and one formatter (format.ts) turns them into the scenario output, so the
// two outputs can differ only where the kernels differ.
import type { SmapsVma } from '../../report/smaps_parse.js';

/** A named scenario mapping as the runner placed it. */
export interface MappingPlace {
  name: string;
  /** Start address (bytes). */
  addr: number;
  pages: number;
}

export type OpRecord =
  /** mmap, munmap, mprotect, madvise, mlock, munlock, msync, mremap: "ok" or an errno name. */
  | { kind: 'ret'; value: string }
  /** touch, peek or expect_segv raised a signal at page `page` of the mapping (touch/peek). */
  | { kind: 'signal'; sig: 'SIGSEGV' | 'SIGBUS'; page: number }
  /** expect_segv that completed. */
  | { kind: 'ok' }
  /** peek / fpeek: first byte of each page; -1 = past EOF (fpeek). */
  | { kind: 'values'; values: number[] }
  /** fpeek of a missing file, and the like: an errno name. */
  | { kind: 'errno'; value: string }
  /**
   * report / vmas: the whole /proc/self/smaps text, the live scenario
   * mappings, and the fault counts accumulated around scenario operations.
   * The simulator may hand over `parsed` (the same VMAs, already read) instead
   * of text, to spare printing and re-reading it.
   */
  | { kind: 'smaps'; text: string; maps: MappingPlace[]; minflt: number; majflt: number; parsed?: SmapsVma[] }
  /** status: /proc/self/status now, and at the process's baseline. */
  | { kind: 'status'; text: string; baseline: string }
  /** pagemap: one code per page. */
  | { kind: 'pagemap'; codes: string }
  /** A runtime script error (e.g. a mapping whose mmap failed). Stops the run. */
  | { kind: 'error'; message: string }
  /** Operations that print nothing (and touch without a signal). */
  | { kind: 'none' }
  /** The running process was killed by the OOM killer during this line. */
  | { kind: 'killed' }
  /**
   * hugepages: the hugetlb pool (HugePages_*, or with size= that size's
   * sysfs counts and meminfo's Hugetlb) and the running process's HugetlbPages.
   */
  | { kind: 'hugepages'; total: number; free: number; rsvd: number; surp: number; hugetlbKb: number; meminfoHugetlbKb?: number }
  /** oom_score. */
  | { kind: 'oom_score'; score: number; adj: number }
  /** cgstat: a memory cgroup's counters, in kB (limit -1 = unlimited). */
  | { kind: 'cgstat'; usageKb: number; maxUsageKb: number; limitKb: number; memswUsageKb: number; failcnt: number; oomKill: number }
  /** events: scenario processes killed by the OOM killer since the last events. */
  | { kind: 'events'; killed: string[] }
  /** zoneinfo (simulator only): each zone's state, page tables and kmaps so far. */
  | { kind: 'zoneinfo'; zones: ZoneState[]; pagetablesKb: number; kmaps: number }
  /** tlbstat, cachestat (simulator only): named counters, in order. */
  | { kind: 'hwstat'; fields: Array<[string, string]> }
  /** lru_gen (simulator only): the multi-gen LRU's generations, as /sys/kernel/debug/lru_gen. */
  | { kind: 'lru_gen'; gens: LruGenState[] };

/** One generation of one memcg's lruvec (a line of /sys/kernel/debug/lru_gen). */
export interface LruGenState {
  /** The cgroup path: / for the root, /NAME for a cgroup. */
  memcg: string;
  seq: number;
  ageMs: number;
  anonKb: number;
  fileKb: number;
}

/** One zone of a zoneinfo record, in kB. */
export interface ZoneState {
  name: string;
  managedKb: number;
  freeKb: number;
  minKb: number;
  lowKb: number;
  highKb: number;
  /** lowmem_reserve[j] for each zone j of the node (zoneinfo's "protection"). */
  protectionKb: number[];
}

/** The records of a run, by operation index. A run stopped by an error has fewer. */
export type RunRecords = OpRecord[];
