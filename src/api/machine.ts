// The library API: a simulated machine and its processes, with system calls
// as methods and /proc files as strings. A thin, typed layer over kernel/.
//
//   const m = new Machine({ memtotal: '8G' });
//   const p = m.spawn('app');
//   const a = p.mmap({ pages: 64, prot: 'rw', flags: ['private', 'anonymous'] });
//   p.write(a, 1); p.read(a);
//   const c = p.fork('child');
//   p.smaps(); m.meminfo();
import { userAccess } from '../kernel/access.js';
import { errnoName } from '../kernel/errno.js';
import { DEFAULT_IMAGE, execve, sysBrk, type ProgramImage } from '../kernel/exec.js';
import { createFile, fadviseDontneed, fsync, openFile, preadByte, truncateFile, unlinkFile } from '../kernel/file_io.js';
import { Kernel } from '../kernel/kernel.js';
import type { Arch } from '../kernel/arch.js';
import { kmapCount } from '../kernel/highmem.js';
import { applyArchDefaults, checkMachine, DEFAULT_MACHINE, type MachineConfig, type ThpDefrag, type ThpMode } from '../kernel/machine.js';
import { WMARK_HIGH, WMARK_LOW, WMARK_MIN } from '../kernel/page_alloc.js';
import { sysMadvise, type Advice } from '../kernel/madvise.js';
import { ACCESS_OOM, ACCESS_SIGBUS } from '../kernel/memory.js';
import { sysMlock, sysMunlock } from '../kernel/mlock.js';
import {
  doMmap,
  doMunmap,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_HUGETLB,
  MAP_LOCKED,
  MAP_NORESERVE,
  MAP_POPULATE,
  MAP_PRIVATE,
  MAP_SHARED,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from '../kernel/mmap.js';
import { sysMprotect } from '../kernel/mprotect.js';
import { MREMAP_FIXED, MREMAP_MAYMOVE, sysMremap } from '../kernel/mremap.js';
import { MS_ASYNC, MS_INVALIDATE, MS_SYNC, sysMsync } from '../kernel/msync.js';
import type { Task } from '../kernel/task.js';
import { procMeminfo, procVmstat } from '../report/proc_meminfo.js';
import { procPressure } from '../report/proc_pressure.js';
import type { CostModel } from '../kernel/clock.js';
import { memcgAttach, memcgCreate } from '../kernel/memcontrol.js';
import { OOM_SCORE_ADJ_MAX, OOM_SCORE_ADJ_MIN, oomScore } from '../kernel/oom_kill.js';
import { procSwaps, swapon } from '../kernel/swapfile.js';
import { sleepMs, sysctlWrite, sysSwapoff } from '../kernel/sysctl.js';
import { pagemapCode } from '../report/proc_pid_pagemap.js';
import { procPidMaps, procPidSmaps, procPidSmapsRollup } from '../report/proc_pid_smaps.js';
import { procPidStatm, procPidStatus } from '../report/proc_pid_status.js';
import { debugfsLruGen } from '../report/debugfs_lru_gen.js';
import { LRU_GEN_CAPS_ALL, parseLruGenEnabled } from '../kernel/lru_gen.js';
import { lruGenDebugfsWrite } from '../kernel/lru_gen_evict.js';
import { sysfsRead, sysfsWrite } from '../kernel/sysfs.js';

/** A size: bytes as a number, or a string with a K, M, G or T suffix ("8G"). */
export type Size = number | string;

/** Bytes of a Size. `parseSize('2M')` is 2097152. */
export function parseSize(s: Size): number {
  if (typeof s === 'number') return s;
  const m = /^(\d+)([KMGT]?)$/i.exec(s.trim());
  if (!m) throw new RangeError(`bad size '${s}' (expected N, NK, NM, NG or NT)`);
  const mult = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * mult;
}

export interface MachineOptions {
  /** RAM (MemTotal). Default: the reference machine's 24 GiB. */
  memtotal?: Size;
  swap?: Size;
  cpus?: number;
  overcommitMemory?: 0 | 1 | 2;
  overcommitRatio?: number;
  thp?: ThpMode;
  thpDefrag?: ThpDefrag;
  thpZeroPage?: boolean;
  faultAroundKb?: number;
  readAheadKb?: number;
  /** Default: the host's 67584 on x86-64; on 32-bit, what the kernel computes from lowmem. */
  minFreeKbytes?: number;
  /** What simulated events cost, in ns (kernel/clock.ts); unset fields keep the measured defaults. */
  costs?: Partial<CostModel>;
  /** 'x86_64' (default), or a 32-bit machine: 'i386' (2-level paging, up to 4G) or 'i386-pae' (up to 64G). */
  arch?: Arch;
  /** CONFIG_HIGHPTE (32-bit only): user PTE tables may come from HighMem. */
  highpte?: boolean;
  /** The `highmem=` boot option (32-bit, at most 896M of RAM): RAM given to HighMem instead of lowmem. */
  highmem?: Size;
  /**
   * The multi-gen LRU instead of the classic active/inactive lists:
   * /sys/kernel/mm/lru_gen/enabled at boot. `true` or 'y' is every component
   * (0x0007); a number is the mask (0x1 the MGLRU itself, 0x2 page-table
   * walks, 0x4 non-leaf accessed bits). Default off.
   */
  lruGen?: boolean | number | 'y' | 'n';
  /** /sys/kernel/mm/lru_gen/min_ttl_ms: protect the working set of the last N ms (OOM kill instead). */
  minTtlMs?: number;
}

/** A memory cgroup's limits (cgroup v1 memory controller). */
export interface CgroupOptions {
  /** memory.limit_in_bytes. */
  limit: Size;
  /** memory.memsw.limit_in_bytes (memory + swap); unlimited by default. */
  memsw?: Size;
  /** memory.swappiness (default 60). */
  swappiness?: number;
}

/** A memory cgroup's counters, in kB as memory.*_in_bytes / 1024. */
export interface CgroupStat {
  usageKb: number;
  maxUsageKb: number;
  limitKb: number;
  memswUsageKb: number;
  failcnt: number;
  oomKill: number;
}


/** One zone's state, in pages, as /proc/zoneinfo shows it. */
export interface ZoneInfo {
  name: string;
  managed: number;
  free: number;
  min: number;
  low: number;
  high: number;
  /** lowmem_reserve ("protection") against requests whose highest zone is each zone of the node. */
  protection: number[];
}

/** A system call failed: `errno` is its symbolic name (ENOMEM, EINVAL...). */
export class SyscallError extends Error {
  constructor(
    readonly syscall: string,
    readonly errno: string,
  ) {
    super(`${syscall}: ${errno}`);
    this.name = 'SyscallError';
  }
}

/** An access raised a signal (SIGSEGV or SIGBUS) at `address`. */
export class SignalError extends Error {
  constructor(
    readonly signal: 'SIGSEGV' | 'SIGBUS' | 'OOM',
    readonly address: number,
  ) {
    super(`${signal} at 0x${address.toString(16)}`);
    this.name = 'SignalError';
  }
}

export type ProtString = 'none' | 'r' | 'w' | 'x' | 'rw' | 'rx' | 'wx' | 'rwx';
export type MapFlag = 'private' | 'shared' | 'anonymous' | 'fixed' | 'fixed_noreplace' | 'populate' | 'noreserve' | 'locked' | 'hugetlb' | 'huge_2mb' | 'huge_4mb' | 'huge_1gb';

export interface MmapOptions {
  /** Length in pages (or give `length` in bytes). */
  pages?: number;
  length?: Size;
  prot: ProtString;
  flags: MapFlag[];
  /** File path for a file mapping (omit with 'anonymous'). */
  file?: string;
  /** File offset in pages. */
  offset?: number;
  /** Address hint, or the address for 'fixed' / 'fixed_noreplace'. */
  addr?: number;
}

function prot(p: ProtString): number {
  if (p === 'none') return 0;
  return (p.includes('r') ? PROT_READ : 0) | (p.includes('w') ? PROT_WRITE : 0) | (p.includes('x') ? PROT_EXEC : 0);
}

const FLAG_BITS: Record<MapFlag, number> = {
  private: MAP_PRIVATE,
  shared: MAP_SHARED,
  anonymous: MAP_ANONYMOUS,
  fixed: MAP_FIXED,
  fixed_noreplace: MAP_FIXED_NOREPLACE,
  populate: MAP_POPULATE,
  noreserve: MAP_NORESERVE,
  locked: MAP_LOCKED,
  hugetlb: MAP_HUGETLB,
  // MAP_HUGE_2MB, MAP_HUGE_4MB (i386), MAP_HUGE_1GB: log2 of the size << MAP_HUGE_SHIFT (26), with 'hugetlb'.
  huge_2mb: 21 << 26,
  huge_4mb: 22 << 26,
  huge_1gb: 30 << 26,
};

function check(syscall: string, ret: number): number {
  if (ret < 0) throw new SyscallError(syscall, errnoName(ret));
  return ret;
}

/** A simulated Linux machine. */
export class Machine {
  /** The simulated kernel, for callers who need more than this API offers. */
  readonly kernel: Kernel;

  constructor(opts: MachineOptions = {}) {
    const cfg: MachineConfig = { ...DEFAULT_MACHINE };
    if (opts.memtotal !== undefined) cfg.memtotalKb = Math.floor(parseSize(opts.memtotal) / 1024);
    if (opts.swap !== undefined) cfg.swapKb = Math.floor(parseSize(opts.swap) / 1024);
    if (opts.cpus !== undefined) cfg.cpus = opts.cpus;
    if (opts.overcommitMemory !== undefined) cfg.overcommitMemory = opts.overcommitMemory;
    if (opts.overcommitRatio !== undefined) cfg.overcommitRatio = opts.overcommitRatio;
    if (opts.thp !== undefined) cfg.thp = opts.thp;
    if (opts.thpDefrag !== undefined) cfg.thpDefrag = opts.thpDefrag;
    if (opts.thpZeroPage !== undefined) cfg.thpZeroPage = opts.thpZeroPage;
    if (opts.faultAroundKb !== undefined) cfg.faultAroundKb = opts.faultAroundKb;
    if (opts.readAheadKb !== undefined) cfg.readAheadKb = opts.readAheadKb;
    if (opts.minFreeKbytes !== undefined) cfg.minFreeKbytes = opts.minFreeKbytes;
    if (opts.arch !== undefined) cfg.arch = opts.arch;
    if (opts.highpte !== undefined) cfg.highpte = opts.highpte;
    if (opts.highmem !== undefined) cfg.highmemKb = Math.floor(parseSize(opts.highmem) / 1024);
    if (opts.lruGen !== undefined) {
      const caps = typeof opts.lruGen === 'boolean' ? (opts.lruGen ? LRU_GEN_CAPS_ALL : 0) : parseLruGenEnabled(String(opts.lruGen));
      if (caps === null) throw new RangeError(`bad lruGen '${opts.lruGen}' (expected true, false, 'y', 'n' or a mask of 0x1, 0x2, 0x4)`);
      if (caps) cfg.lruGen = caps;
    }
    if (opts.minTtlMs !== undefined) cfg.minTtlMs = opts.minTtlMs;
    const given = new Set<string>();
    if (opts.thp !== undefined) given.add('thp');
    if (opts.minFreeKbytes !== undefined) given.add('min_free_kbytes');
    applyArchDefaults(cfg, given);
    const bad = checkMachine(cfg);
    if (bad) throw new RangeError(bad);
    this.kernel = new Kernel(cfg, opts.costs);
  }

  /** A file system call made from outside the simulated processes: its time passes all the same. */
  private io<T>(fn: () => T): T {
    const k = this.kernel;
    k.clock.syscalls++;
    try {
      return fn();
    } finally {
      k.clock.settle(k);
    }
  }

  /** Simulated time since boot, in ns (kernel/clock.ts). */
  get now(): number {
    // Accesses that did not fault are charged when the kernel next looks at the clock.
    this.kernel.clock.settle(this.kernel);
    return this.kernel.clock.nowNs;
  }

  /** /proc/pressure/memory or /proc/pressure/io. */
  pressure(resource: 'memory' | 'io'): string {
    this.kernel.clock.settle(this.kernel);
    return procPressure(this.kernel, resource);
  }

  /** Everyone sleeps for `ms` milliseconds: kswapd, the flusher and PSI's averaging run meanwhile. */
  sleep(ms: number): void {
    sleepMs(this.kernel, ms);
  }

  /** Writes /proc/sys/vm/KEY (swappiness, overcommit_memory, min_free_kbytes, drop_caches, ...). */
  sysctl(key: string, value: number): void {
    check('sysctl', sysctlWrite(this.kernel, key, value));
  }

  /** Creates a swap file of `size` at `path` (on the ext4 disk) and swaps on it, optionally with a priority. */
  swapon(path: string, size: Size, opts: { prio?: number } = {}): void {
    const k = this.kernel;
    if (k.fs.fsTypeOf(path) !== 'ext4') throw new SyscallError('swapon', 'EINVAL');
    const pages = Math.floor(parseSize(size) / 4096);
    createFile(k, path, pages, 0, 16);
    const r = swapon(k, k.fs.resolve(path), pages, opts.prio);
    if (typeof r === 'number') throw new SyscallError('swapon', errnoName(r));
  }

  /** swapoff(2): brings every swapped page back, then removes the area. */
  swapoff(path: string): void {
    check('swapoff', sysSwapoff(this.kernel, this.kernel.fs.resolve(path)));
  }

  /** /proc/swaps. */
  swaps(): string {
    return procSwaps(this.kernel);
  }

  /** Creates memory cgroup `name` with the given limits (or updates them). */
  cgroup(name: string, opts: CgroupOptions): void {
    const m = memcgCreate(this.kernel, name);
    m.limit = Math.floor(parseSize(opts.limit) / 4096);
    m.memswLimit = opts.memsw === undefined ? Infinity : Math.floor(parseSize(opts.memsw) / 4096);
    m.swappiness = opts.swappiness ?? 60;
  }

  /** Cgroup `name`'s counters. */
  cgstat(name: string): CgroupStat {
    const m = this.kernel.memcgs.find((c) => c.name === name && c.id !== 0);
    if (!m) throw new RangeError(`no memory cgroup '${name}'`);
    return {
      usageKb: m.usage * 4,
      maxUsageKb: m.maxUsage * 4,
      limitKb: m.limit === Infinity ? -1 : m.limit * 4,
      memswUsageKb: m.memswUsage * 4,
      failcnt: m.failcnt,
      oomKill: m.oomKill,
    };
  }

  /** The kernel log: one line per OOM kill, as the kernel prints it. */
  dmesg(): string[] {
    return [...this.kernel.dmesg];
  }

  /**
   * Starts a process running a program image (see kernel/exec.ts); with
   * `{ image: null }` the process starts with an empty address space.
   */
  spawn(name: string, opts: { image?: Partial<ProgramImage> | null } = {}): Process {
    const task = this.kernel.spawn(name);
    if (opts.image !== null) check('execve', execve(this.kernel, task, { ...DEFAULT_IMAGE, ...opts.image }));
    task.comm = name;
    return new Process(this, task);
  }

  /** Creates (or replaces) a file of `pages` pages of byte `fill`, written `chunk` pages per write. */
  file(path: string, pages: number, opts: { fill?: number; chunk?: number } = {}): void {
    this.io(() => createFile(this.kernel, path, pages, opts.fill ?? 7, opts.chunk ?? 1));
  }

  /** truncate(2) to `bytes`. */
  truncate(path: string, bytes: number): void {
    const inode = this.kernel.fs.lookup(path);
    if (!inode) throw new SyscallError('truncate', 'ENOENT');
    this.io(() => truncateFile(this.kernel, inode, bytes));
  }

  /** fsync(2) then posix_fadvise(DONTNEED): evicts the file's clean, unmapped cache pages. */
  dropcache(path: string): void {
    const inode = this.kernel.fs.lookup(path);
    if (!inode) throw new SyscallError('fadvise', 'ENOENT');
    this.io(() => fadviseDontneed(this.kernel, inode));
  }

  fsync(path: string): void {
    const inode = this.kernel.fs.lookup(path);
    if (!inode) throw new SyscallError('fsync', 'ENOENT');
    this.io(() => fsync(this.kernel, inode));
  }

  unlink(path: string): void {
    this.io(() => check('unlink', unlinkFile(this.kernel, path)));
  }

  /** The first byte of each of `count` pages of a file from `first`, read with pread(2); -1 past EOF. */
  pread(path: string, first: number, count = 1): number[] {
    const f = openFile(this.kernel, path, false);
    if (typeof f === 'number') throw new SyscallError('open', errnoName(f));
    const out: number[] = [];
    this.io(() => {
      for (let i = first; i < first + count; i++) out.push(preadByte(this.kernel, f, i));
    });
    return out;
  }

  meminfo(): string {
    return procMeminfo(this.kernel);
  }

  /** /sys/kernel/debug/lru_gen: the multi-gen LRU's generations per memcg, in the kernel's format. */
  lruGen(): string {
    this.kernel.clock.settle(this.kernel);
    return debugfsLruGen(this.kernel);
  }

  /**
   * Writes commands to /sys/kernel/debug/lru_gen: `+ MEMCG_ID NODE_ID
   * MAX_GEN [SWAPPINESS [FORCE_SCAN]]` makes a new generation (aging),
   * `- MEMCG_ID NODE_ID MIN_GEN [SWAPPINESS [NR_TO_RECLAIM]]` evicts
   * generations up to MIN_GEN. The root memcg's id is 1.
   */
  lruGenWrite(commands: string): void {
    const k = this.kernel;
    this.io(() => check('write', lruGenDebugfsWrite(k, commands)));
  }

  /** Writes /sys/kernel/mm/KEY: 'lru_gen/enabled' (y, n or a mask) or 'lru_gen/min_ttl_ms'. */
  sysfs(key: string, value: string): void {
    check('write', sysfsWrite(this.kernel, key, value));
  }

  /** Reads /sys/kernel/mm/KEY ("0x0007\n"). */
  sysfsRead(key: string): string {
    const s = sysfsRead(this.kernel, key);
    if (s === null) throw new SyscallError('open', 'ENOENT');
    return s;
  }

  vmstat(): string {
    return procVmstat(this.kernel);
  }

  /** One /proc/vmstat counter by name. */
  counter(name: string): number {
    const line = this.vmstat()
      .split('\n')
      .find((l) => l.startsWith(name + ' '));
    if (!line) throw new RangeError(`no /proc/vmstat counter '${name}'`);
    return Number(line.slice(name.length + 1));
  }

  /** The zones of the machine, lowest first (DMA, DMA32, Normal; on 32-bit DMA, Normal, HighMem). */
  zones(): ZoneInfo[] {
    const zones = this.kernel.buddy.zones;
    return zones.map((z) => ({
      name: z.name,
      managed: z.managed,
      free: z.freePages,
      min: z.watermark[WMARK_MIN]!,
      low: z.watermark[WMARK_LOW]!,
      high: z.watermark[WMARK_HIGH]!,
      protection: zones.map((_, j) => (j > z.id ? z.lowmemReserve[j]! : 0)),
    }));
  }

  /**
   * Times the kernel had to map a HighMem page to touch it (kmap_local_page):
   * zeroing, copy on write, write(2)/pread(2) copies, swap-out. A simulator
   * statistic, 0 on machines without high memory (kernel/highmem.ts).
   */
  get kmaps(): number {
    return kmapCount(this.kernel.mem);
  }

  /** Global consistency checks; an empty list when the simulated state is sound. */
  checkInvariants(): string[] {
    return this.kernel.checkInvariants();
  }
}

/** A process of a Machine. */
export class Process {
  constructor(
    readonly machine: Machine,
    readonly task: Task,
  ) {}

  get pid(): number {
    return this.task.pid;
  }

  private get k(): Kernel {
    return this.machine.kernel;
  }

  /** Runs a system call as the kernel does: on behalf of this task, charged to the clock. */
  private sys<T>(fn: () => T): T {
    const k = this.k;
    if (this.task.killed || this.task.exited) throw new SyscallError('syscall', 'ESRCH');
    k.enter(this.task);
    k.clock.syscalls++;
    try {
      return fn();
    } finally {
      k.leave();
    }
  }

  /** True once the OOM killer has killed this process. */
  get killed(): boolean {
    return this.task.killed;
  }

  /** Faults since the process started: minor (no I/O) and major. */
  get faults(): { minflt: number; majflt: number } {
    return { minflt: this.task.minFlt, majflt: this.task.majFlt };
  }

  /** mmap(2); returns the address, throws SyscallError. */
  mmap(o: MmapOptions): number {
    const len = o.length !== undefined ? parseSize(o.length) : (o.pages ?? 0) * 4096;
    let flags = 0;
    for (const f of o.flags) flags |= FLAG_BITS[f];
    let file = null;
    if (o.file !== undefined) {
      const f = openFile(this.k, o.file, (flags & MAP_SHARED) !== 0 && o.prot.includes('w'));
      if (typeof f === 'number') throw new SyscallError('open', errnoName(f));
      file = f;
    } else flags |= MAP_ANONYMOUS;
    return this.sys(() => check('mmap', doMmap(this.k, this.task, { addr: o.addr ?? 0, len, prot: prot(o.prot), flags, file, offset: (o.offset ?? 0) * 4096 })));
  }

  munmap(addr: number, length: Size): void {
    this.sys(() => check('munmap', doMunmap(this.k, this.task.mm!, addr, parseSize(length))));
  }

  mprotect(addr: number, length: Size, p: ProtString): void {
    this.sys(() => check('mprotect', sysMprotect(this.k, this.task, addr, parseSize(length), prot(p))));
  }

  madvise(addr: number, length: Size, advice: Advice): void {
    this.sys(() => check('madvise', sysMadvise(this.k, this.task, addr, parseSize(length), advice)));
  }

  mlock(addr: number, length: Size): void {
    this.sys(() => check('mlock', sysMlock(this.k, this.task, addr, parseSize(length))));
  }

  munlock(addr: number, length: Size): void {
    this.sys(() => check('munlock', sysMunlock(this.k, this.task, addr, parseSize(length))));
  }

  msync(addr: number, length: Size, mode: 'sync' | 'async' | 'invalidate' = 'sync'): void {
    this.sys(() => check('msync', sysMsync(this.k, this.task, addr, parseSize(length), mode === 'sync' ? MS_SYNC : mode === 'async' ? MS_ASYNC : MS_INVALIDATE)));
  }

  /** mremap(2); with `to` the mapping moves there (MREMAP_MAYMOVE|FIXED). Returns the new address. */
  mremap(addr: number, oldLength: Size, newLength: Size, to?: number): number {
    const flags = to === undefined ? 0 : MREMAP_MAYMOVE | MREMAP_FIXED;
    return this.sys(() => check('mremap', sysMremap(this.k, this.task, addr, parseSize(oldLength), parseSize(newLength), flags, to ?? 0)));
  }

  /** brk(2): returns the new (or, on failure, unchanged) break. */
  brk(addr: number): number {
    return this.sys(() => sysBrk(this.k, this.task, addr));
  }

  /** The current program break. */
  get programBreak(): number {
    return this.task.mm!.brk;
  }

  private access(addr: number, write: boolean): number {
    this.k.clock.accesses++;
    const pfn = userAccess(this.k, this.task, addr, write);
    if (pfn < 0) throw new SignalError(-pfn === ACCESS_SIGBUS ? 'SIGBUS' : -pfn === ACCESS_OOM ? 'OOM' : 'SIGSEGV', addr);
    return pfn;
  }

  /** Stores byte `value` at `addr`, faulting as the CPU would; throws SignalError. */
  write(addr: number, value: number): void {
    this.k.mem.write(this.access(addr, true), addr % 4096, value & 255);
  }

  /** Loads the byte at `addr`; throws SignalError. */
  read(addr: number): number {
    return this.k.mem.read(this.access(addr, false), addr % 4096);
  }

  /** Touches the first byte of `pages` pages from `addr` (every `step`), reading or writing `value`. */
  touch(addr: number, pages: number, opts: { write?: boolean; value?: number; step?: number } = {}): void {
    const step = opts.step ?? 1;
    for (let i = 0; i < pages; i += step) {
      if (opts.write) this.write(addr + i * 4096, opts.value ?? 1);
      else this.read(addr + i * 4096);
    }
  }

  /** fork(2): a child with a copy-on-write copy of this address space. */
  fork(name = this.task.comm): Process {
    const t = this.sys(() => this.k.fork(this.task, name));
    if (typeof t === 'number') throw new SyscallError('fork', errnoName(t));
    return new Process(this.machine, t);
  }

  /** execve(2) of a program image. */
  exec(image: Partial<ProgramImage> = {}): void {
    this.sys(() => check('execve', execve(this.k, this.task, { ...DEFAULT_IMAGE, ...image })));
  }

  /** exit(2): the address space goes; the parent reaps the process. */
  exit(): void {
    this.k.exit(this.task);
  }

  /** Moves this process into memory cgroup `name`; later charges go there. */
  join(cgroup: string): void {
    const m = this.k.memcgs.find((c) => c.name === cgroup && c.id !== 0);
    if (!m) throw new RangeError(`no memory cgroup '${cgroup}'`);
    memcgAttach(this.k, this.task, m);
  }

  /** /proc/PID/oom_score_adj (-1000 exempts the process from the OOM killer). */
  get oomScoreAdj(): number {
    return this.task.oomScoreAdj;
  }

  set oomScoreAdj(v: number) {
    if (!Number.isInteger(v) || v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX) throw new SyscallError('write oom_score_adj', 'EINVAL');
    this.task.oomScoreAdj = v;
  }

  /** /proc/PID/oom_score, as the OOM killer would rate this process now. */
  oomScore(): number {
    return oomScore(this.k, this.task);
  }

  maps(): string {
    return procPidMaps(this.task);
  }

  smaps(): string {
    return procPidSmaps(this.k, this.task);
  }

  smapsRollup(): string {
    return procPidSmapsRollup(this.k, this.task);
  }

  status(): string {
    return procPidStatus(this.k, this.task);
  }

  statm(): string {
    return procPidStatm(this.task);
  }

  /** Residency codes of `pages` pages from `addr`: . z a A f F (see docs/scenario-format.md). */
  pagemap(addr: number, pages: number): string {
    let s = '';
    for (let i = 0; i < pages; i++) s += pagemapCode(this.k, this.task, addr + i * 4096);
    return s;
  }
}
