// The operations of the scenario language v1 (docs/scenario-format.md), after
// parsing: page arguments resolved to page counts, processes resolved to the
// static process tree. Both runners (simulator and real kernel) execute these.

export type Prot = { read: boolean; write: boolean; exec: boolean };

export const MADVICES = [
  'normal',
  'random',
  'sequential',
  'willneed',
  'dontneed',
  'free',
  'remove',
  'dontfork',
  'dofork',
  'wipeonfork',
  'keeponfork',
  'hugepage',
  'nohugepage',
  'mergeable',
  'unmergeable',
  'cold',
  'pageout',
  'populate_read',
  'populate_write',
  'collapse',
] as const;
export type Madvice = (typeof MADVICES)[number];

export type MsyncMode = 'sync' | 'async' | 'invalidate';

/** The vm sysctls a scenario may set (docs/scenario-format.md, version 2). */
export const SYSCTL_KEYS = [
  'swappiness',
  'overcommit_memory',
  'overcommit_ratio',
  'overcommit_kbytes',
  'min_free_kbytes',
  'watermark_scale_factor',
  'page-cluster',
  'oom_kill_allocating_task',
  'dirty_ratio',
  'dirty_background_ratio',
  'dirty_expire_centisecs',
  'dirty_writeback_centisecs',
  'drop_caches',
  'panic_on_oom',
  'nr_hugepages',
  'nr_overcommit_hugepages',
] as const;
export type SysctlKey = (typeof SYSCTL_KEYS)[number];

interface OpBase {
  /** 1-based line number in the scenario file. */
  line: number;
  /** The operation as written, comment and surrounding blanks removed. */
  text: string;
  /** Index of the process that runs the operation (0 = main). */
  proc: number;
}

export type Op = OpBase &
  (
    | { op: 'file'; path: string; pages: number; fill: number; chunk: number }
    | { op: 'truncate'; path: string; pages: number; extraBytes: number }
    | { op: 'dropcache'; path: string }
    | { op: 'unlink'; path: string }
    | {
        op: 'mmap';
        name: string;
        pages: number;
        file: string | null;
        shared: boolean;
        prot: Prot;
        populate: boolean;
        noreserve: boolean;
        /** MAP_HUGETLB: anonymous memory from the hugetlb pool. */
        hugetlb: boolean;
        /** log2 of the huge page size asked for with `hugetlb=SIZE` (MAP_HUGE_2MB: 21, MAP_HUGE_1GB: 30); 0 = the default size. */
        hugeSizeLog: number;
        offset: number;
        after: string | null;
      }
    | { op: 'munmap'; name: string; first: number; count: number }
    | { op: 'mprotect'; name: string; first: number; count: number; prot: Prot }
    | { op: 'madvise'; name: string; first: number; count: number; advice: Madvice }
    | { op: 'mlock' | 'munlock'; name: string; first: number; count: number }
    | { op: 'msync'; name: string; first: number; count: number; mode: MsyncMode }
    | { op: 'mremap'; name: string; newPages: number; move: boolean }
    | { op: 'touch'; name: string; first: number; count: number; write: boolean; value: number; step: number }
    | { op: 'peek'; name: string; first: number; count: number }
    | { op: 'fpeek'; path: string; first: number; count: number }
    | { op: 'expect_segv'; name: string; page: number; write: boolean }
    | { op: 'report' | 'vmas' | 'hugetlb_vmas'; label: string; names: string[] }
    | { op: 'status'; label: string }
    | { op: 'pagemap'; name: string; first: number; count: number }
    | { op: 'fork'; child: number }
    | { op: 'in'; target: number }
    | { op: 'exit'; target: number }
    | { op: 'echo'; words: string[] }
    | { op: 'exec'; path: string; textPages: number; dataPages: number; bssPages: number; stackPages: number }
    | { op: 'swapon'; path: string; pages: number; prio: number | null }
    | { op: 'swapoff'; path: string }
    | { op: 'sysctl'; settings: Array<[SysctlKey, number]> }
    | { op: 'cgroup'; name: string; limit: number; memsw: number | null; swappiness: number | null }
    | { op: 'join'; name: string }
    | { op: 'oom_score_adj'; value: number }
    | { op: 'oom_score'; label: string }
    | { op: 'hugepages'; label: string; /** `size=`: that size's pool from sysfs, in kB; 0 = the default size from /proc/meminfo. */ sizeKb: number }
    | { op: 'cgstat'; label: string; name: string }
    | { op: 'events'; label: string }
    | { op: 'sleep'; ms: number }
    | { op: 'zoneinfo'; label: string }
    | {
        op: 'access';
        name: string;
        first: number;
        count: number;
        kind: 'read' | 'write' | 'fetch';
        strideBytes: number;
        repeat: number;
        random: boolean;
        seed: number;
        cpu: number;
      }
    | { op: 'tlbstat' | 'cachestat'; label: string; cpu: number }
    | { op: 'lru_gen'; label: string }
    | { op: 'sysfs'; settings: Array<[string, string]> }
  );

/** The simulator-only operations that run on the simulated hardware (docs/scenario-format.md). */
export const HARDWARE_OPS: ReadonlySet<string> = new Set(['access', 'tlbstat', 'cachestat']);

export type OpName = Op['op'];

/** A process of the scenario's static process tree. */
export interface ScenarioProc {
  name: string;
  /** Index of the parent process, -1 for main. */
  parent: number;
}

export function protString(p: Prot): string {
  const s = (p.read ? 'r' : '') + (p.write ? 'w' : '') + (p.exec ? 'x' : '');
  return s === '' ? 'none' : s;
}
