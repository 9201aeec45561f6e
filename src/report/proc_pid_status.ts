// /proc/PID/status, /proc/PID/statm and the fault fields of /proc/PID/stat.
// Linux: fs/proc/array.c (proc_pid_status), fs/proc/task_mmu.c (task_mem,
// task_statm). Memory lines are exact; the rest describes a simple
// single-threaded root process on a 2-CPU machine.
import type { Kernel } from '../kernel/kernel.js';
import { MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS, type Mm } from '../kernel/mm_types.js';
import type { Task } from '../kernel/task.js';
import { hugetlbUsagePages } from '../kernel/hugetlb.js';

function kbLine(label: string, kb: number): string {
  return `${label}:\t${String(kb).padStart(8)} kB`;
}

/** The memory lines of status (task_mem). */
export function taskMem(mm: Mm): string[] {
  const anon = mm.rss[MM_ANONPAGES]!;
  const file = mm.rss[MM_FILEPAGES]!;
  const shmem = mm.rss[MM_SHMEMPAGES]!;
  const totalRss = anon + file + shmem;
  const hiwaterVm = Math.max(mm.totalVm, mm.hiwaterVm);
  const hiwaterRss = Math.max(totalRss, mm.hiwaterRss);
  const textBytes = Math.min(Math.ceil(mm.endCode / 4096) * 4096 - Math.floor(mm.startCode / 4096) * 4096, mm.execVm * 4096);
  const libBytes = mm.execVm * 4096 - textBytes;
  return [
    kbLine('VmPeak', hiwaterVm * 4),
    kbLine('VmSize', mm.totalVm * 4),
    kbLine('VmLck', mm.lockedVm * 4),
    kbLine('VmPin', mm.pinnedVm * 4),
    kbLine('VmHWM', hiwaterRss * 4),
    kbLine('VmRSS', totalRss * 4),
    kbLine('RssAnon', anon * 4),
    kbLine('RssFile', file * 4),
    kbLine('RssShmem', shmem * 4),
    kbLine('VmData', mm.dataVm * 4),
    kbLine('VmStk', mm.stackVm * 4),
    kbLine('VmExe', Math.floor(textBytes / 1024)),
    kbLine('VmLib', Math.floor(libBytes / 1024)),
    kbLine('VmPTE', Math.floor(mm.pgtablesBytes / 1024)),
    kbLine('VmSwap', mm.rss[MM_SWAPENTS]! * 4),
    kbLine('HugetlbPages', hugetlbUsagePages(mm) * 4),
  ];
}

/** /proc/PID/status. */
export function procPidStatus(k: Kernel, task: Task): string {
  const ppid = task.parent?.pid ?? 1;
  const mem = task.mm ? taskMem(task.mm) : [];
  const cpus = k.machine.cpus;
  const lines = [
    `Name:\t${task.comm.slice(0, 15)}`,
    'Umask:\t0022',
    `State:\t${task.exited ? 'Z (zombie)' : 'S (sleeping)'}`,
    `Tgid:\t${task.pid}`,
    'Ngid:\t0',
    `Pid:\t${task.pid}`,
    `PPid:\t${ppid}`,
    'TracerPid:\t0',
    'Uid:\t0\t0\t0\t0',
    'Gid:\t0\t0\t0\t0',
    'FDSize:\t64',
    'Groups:\t ',
    `NStgid:\t${task.pid}`,
    `NSpid:\t${task.pid}`,
    `NSpgid:\t${task.pid}`,
    `NSsid:\t${task.pid}`,
    'Kthread:\t0',
    ...mem,
    'CoreDumping:\t0',
    'THP_enabled:\t1',
    'untag_mask:\t0xffffffffffffffff',
    'Threads:\t1',
    'SigQ:\t0/96365',
    'SigPnd:\t0000000000000000',
    'ShdPnd:\t0000000000000000',
    'SigBlk:\t0000000000000000',
    'SigIgn:\t0000000000000000',
    'SigCgt:\t0000000000000000',
    'CapInh:\t0000000000000000',
    'CapPrm:\t000001ffffffffff',
    'CapEff:\t000001ffffffffff',
    'CapBnd:\t000001ffffffffff',
    'CapAmb:\t0000000000000000',
    'NoNewPrivs:\t0',
    'Seccomp:\t0',
    'Seccomp_filters:\t0',
    'Speculation_Store_Bypass:\tvulnerable',
    'SpeculationIndirectBranch:\talways enabled',
    `Cpus_allowed:\t${((1 << cpus) - 1).toString(16)}`,
    `Cpus_allowed_list:\t${cpus === 1 ? '0' : `0-${cpus - 1}`}`,
    'Mems_allowed:\t00000001',
    'Mems_allowed_list:\t0',
    'voluntary_ctxt_switches:\t0',
    'nonvoluntary_ctxt_switches:\t0',
  ];
  return lines.join('\n') + '\n';
}

/** /proc/PID/statm: size resident shared text lib data dt, in pages. */
export function procPidStatm(task: Task): string {
  const mm = task.mm;
  if (!mm) return '0 0 0 0 0 0 0\n';
  const shared = mm.rss[MM_FILEPAGES]! + mm.rss[MM_SHMEMPAGES]!;
  const text = Math.ceil(mm.endCode / 4096) - Math.floor(mm.startCode / 4096);
  return `${mm.totalVm} ${shared + mm.rss[MM_ANONPAGES]!} ${shared} ${text} 0 ${mm.dataVm + mm.stackVm} 0\n`;
}
