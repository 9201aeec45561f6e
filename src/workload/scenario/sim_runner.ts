// Runs a scenario in the simulator, producing the same per-operation records
// as the real-kernel runner. Placement follows docs/scenario-format.md: slots
// from 16 TiB, 1 GiB apart, MAP_FIXED_NOREPLACE (on a 32-bit machine: from
// 256 MiB, 4 MiB apart); each process has its own table of named mappings
// and its own next slot, inherited at fork.
import { TASK_SIZE } from '../../hw/addr.js';
import { Kernel } from '../../kernel/kernel.js';
import { userAccess } from '../../kernel/access.js';
import { ENODEV, errnoName } from '../../kernel/errno.js';
import { memcgAttach, memcgCreate, memcgFlushStats } from '../../kernel/memcontrol.js';
import { OOM_SCORE_ADJ_MAX, OOM_SCORE_ADJ_MIN, oomScore } from '../../kernel/oom_kill.js';
import { swapon } from '../../kernel/swapfile.js';
import { MAP_HUGE_SHIFT, hugetlbUsagePages } from '../../kernel/hugetlb.js';
import { sleepMs, sysctlWrite, sysSwapoff } from '../../kernel/sysctl.js';
import { execve } from '../../kernel/exec.js';
import { closeFile, createFile, createFileDirect, fadviseDontneed, openFile, preadByte, truncateFile, unlinkFile } from '../../kernel/file_io.js';
import { sysMadvise } from '../../kernel/madvise.js';
import { ACCESS_SIGBUS } from '../../kernel/memory.js';
import { sysMlock, sysMunlock } from '../../kernel/mlock.js';
import {
  doMmap,
  doMunmap,
  MAP_ANONYMOUS,
  MAP_FIXED_NOREPLACE,
  MAP_HUGETLB,
  MAP_NORESERVE,
  MAP_POPULATE,
  MAP_PRIVATE,
  MAP_SHARED,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from '../../kernel/mmap.js';
import { sysMprotect } from '../../kernel/mprotect.js';
import { MREMAP_FIXED, MREMAP_MAYMOVE, sysMremap } from '../../kernel/mremap.js';
import { MS_ASYNC, MS_INVALIDATE, MS_SYNC, sysMsync } from '../../kernel/msync.js';
import type { Task } from '../../kernel/task.js';
import { smapsVmaRecord } from '../../report/proc_pid_smaps.js';
import { procPidStatus } from '../../report/proc_pid_status.js';
import { pagemapCode } from '../../report/proc_pid_pagemap.js';
import { HARDWARE_OPS, type Op, type Prot } from './ops.js';
import { System } from '../../machine/system.js';
import { OP_FETCH, OP_LOAD, OP_STORE } from '../../hw/cache_hierarchy.js';
import { Prng } from '../../hw/prng.js';
import { ACCESS_OOM } from '../../kernel/memory.js';
import type { Program } from './parse.js';
import type { MappingPlace, OpRecord, RunRecords } from './records.js';
import { kmapCount } from '../../kernel/highmem.js';
import { WMARK_HIGH, WMARK_LOW, WMARK_MIN } from '../../kernel/page_alloc.js';
import { VM } from '../../kernel/vmstat.js';
import { sysfsWrite } from '../../kernel/sysfs.js';
import { lruGenGenerations } from '../../report/debugfs_lru_gen.js';

export const SLOT_BASE = 0x100000000000;
const GIB = 2 ** 30;
/**
 * Slots on a 32-bit machine, where 16 TiB is far beyond TASK_SIZE (3 GiB):
 * from 256 MiB, each 4 MiB-aligned (one i386 PTE table, two PAE ones) with a
 * 4 MiB gap after the previous mapping, so mappings never share a PTE table.
 */
export const SLOT_BASE_32 = 0x10000000;
const SLOT_ALIGN_32 = 4 * 2 ** 20;
const TIB = 2 ** 40;

/**
 * Where the real runner process's own image lives, as address ranges that
 * scenario mappings cannot take (MAP_FIXED_NOREPLACE fails with EEXIST
 * there). x86-64 ASLR places a PIE program at ELF_ET_DYN_BASE
 * (0x555555554000) plus up to 1 TiB, its heap up to 1 GiB further; shared
 * libraries below mmap_base, which lies up to 1 TiB plus the 16 GiB stack
 * gap below the top, with the stack above. Each range covers every place
 * ASLR may choose, so a mapping reaching into one collides on some runs and
 * one reaching past it collides always.
 */
export const RUNNER_IMAGE: ReadonlyArray<[number, number]> = [
  [0x555555554000, 0x555555554000 + TIB + 2 * GIB],
  [TASK_SIZE - TIB - 17 * GIB, TASK_SIZE],
];

interface ProcState {
  task: Task;
  maps: Map<string, MappingPlace>;
  nextSlot: number;
  baseline: string;
}

function protBits(p: Prot): number {
  return (p.read ? PROT_READ : 0) | (p.write ? PROT_WRITE : 0) | (p.exec ? PROT_EXEC : 0);
}

/** Advances a process's next slot past a mapping at addr of `pages` pages. */
function advanceSlot(addr: number, pages: number, align = GIB): number {
  return Math.ceil((addr + pages * 4096) / align) * align + align;
}

/** A scenario run inside the simulator, step by step (also used by `mmsim proc`). */
export class SimRun {
  readonly kernel: Kernel;
  readonly procs: Array<ProcState | null>;
  readonly records: RunRecords = [];
  /** Called after each operation with its index (for `mmsim proc --at`). */
  onStep: ((index: number) => boolean) | null = null;
  /** The simulated CPUs, when the scenario uses the hardware operations (access, tlbstat, cachestat). */
  readonly hw: System | null;
  /** Counters at the previous tlbstat / cachestat, per CPU. */
  private readonly lastStat = new Map<string, number[]>();

  /** First slot and slot alignment of this machine. */
  private readonly slotBase: number;
  private readonly slotAlign: number;

  constructor(readonly program: Program) {
    this.kernel = new Kernel(program.machine);
    const ia32 = this.kernel.arch.highmem;
    this.slotBase = ia32 ? SLOT_BASE_32 : SLOT_BASE;
    this.slotAlign = ia32 ? SLOT_ALIGN_32 : GIB;
    const main = this.kernel.spawn('mmsim-runner');
    // main is never the OOM killer's victim (docs/scenario-format.md, version 2).
    main.oomScoreAdj = -1000;
    // The real runner's own image occupies these ranges (x86-64 only).
    if (!this.kernel.arch.highmem) {
      for (const [start, end] of RUNNER_IMAGE) {
        doMmap(this.kernel, main, { addr: start, len: end - start, prot: PROT_READ, flags: MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, file: null, offset: 0 });
      }
    }
    this.procs = program.procs.map(() => null);
    this.procs[0] = { task: main, maps: new Map(), nextSlot: this.slotBase, baseline: procPidStatus(this.kernel, main) };
    this.hw = program.ops.some((op) => HARDWARE_OPS.has(op.op)) ? new System(this.kernel) : null;
  }

  /**
   * A user access of the first byte at `addr`: through the simulated CPU 0
   * when the scenario uses the hardware, else the kernel's direct walk.
   * Returns the pfn, or -(ACCESS_SIGSEGV | ACCESS_SIGBUS | ACCESS_OOM).
   */
  private userAccess(task: Task, addr: number, write: boolean): number {
    if (!this.hw) return userAccess(this.kernel, task, addr, write);
    this.hw.run(0, task);
    const pa = this.hw.access(0, addr, 1, write ? OP_STORE : OP_LOAD);
    return pa < 0 ? pa : Math.floor(pa / 4096);
  }

  /** Runs every operation; stops at the first runtime script error. */
  run(): RunRecords {
    for (let i = 0; i < this.program.ops.length; i++) {
      const rec = this.step(this.program.ops[i]!);
      this.records.push(rec);
      if (rec.kind === 'error') break;
      if (this.onStep && !this.onStep(i)) break;
    }
    return this.records;
  }

  private access(op: AccessOp, m: MappingPlace, task: Task): OpRecord {
    const rec = runAccess(this.hw!, op, m, task);
    // Every other line runs on CPU 0: the kernel's flushes come from there.
    this.hw!.tlb.currentCpu = 0;
    return rec;
  }

  /** tlbstat / cachestat fields: counters of `cpu` since the previous call of the same kind. */
  private hwStat(kind: 'tlbstat' | 'cachestat', cpu: number): Array<[string, string]> {
    const r = this.hw!.report().cpus[cpu]!;
    let names: string[];
    let now: number[];
    if (kind === 'tlbstat') {
      const s = r.tlbManagement;
      // In 32-bit paging (i386) the PDE-leaf walks (walks2m) are of 4 MiB pages, never 2 MiB: named walks_4m there.
      const pse4m = this.kernel.arch.arch === 'i386';
      names = ['translations', 'l1_misses', 'stlb_hits', 'walks', 'walks_4k', pse4m ? 'walks_4m' : 'walks_2m', 'walks_1g', 'walk_reads', 'walk_cycles', 'invlpg', 'full_flushes', 'mm_switches', 'switch_flushes', 'ipis'];
      now = [
        r.tlb.dAccesses + r.tlb.iAccesses,
        r.tlb.dL1Misses + r.tlb.iL1Misses,
        r.tlb.stlbHits,
        r.walks.walks4k + r.walks.walks2m + r.walks.walks1g,
        r.walks.walks4k,
        r.walks.walks2m,
        r.walks.walks1g,
        r.walks.walkReads,
        r.cost.walkCycles,
        s.invlpg!,
        s.flushAll!,
        s.mmSwitches!,
        s.switchFlushes!,
        s.ipisReceived!,
      ];
    } else {
      const c = (i: number) => r.caches[i]!;
      names = ['l1d_accesses', 'l1d_misses', 'l1i_accesses', 'l1i_misses', 'l2_accesses', 'l2_misses', 'llc_accesses', 'llc_misses', 'dram_reads', 'dram_writes', 'cycles', 'accesses'];
      const acc = (i: number) => c(i).reads + c(i).writes;
      const miss = (i: number) => c(i).readMisses + c(i).writeMisses;
      const last = r.caches.length - 1;
      now = [acc(1), miss(1), acc(0), miss(0), acc(2), miss(2), acc(last), miss(last), r.dramReads, r.dramWrites, r.cost.cycles, r.cost.accesses];
    }
    const key = `${kind}:${cpu}`;
    const prev = this.lastStat.get(key) ?? now.map(() => 0);
    this.lastStat.set(key, now);
    const d = now.map((v, i) => v - prev[i]!);
    if (kind === 'tlbstat') return names.map((n, i) => [n, String(d[i])]);
    const fields: Array<[string, string]> = names.slice(0, 10).map((n, i) => [n, String(d[i])]);
    fields.push(['amat', d[11] === 0 ? '0.00' : (d[10]! / d[11]!).toFixed(2)]);
    return fields;
  }

  private place(ps: ProcState, name: string): MappingPlace | string {
    const m = ps.maps.get(name);
    if (!m) return `mapping '${name}' does not exist (its mmap failed)`;
    return m;
  }

  /**
   * Executes one operation in its process, as the kernel's `current`. A
   * process killed by the OOM killer during the line reports `killed`.
   */
  step(op: Op): OpRecord {
    const k = this.kernel;
    if (op.op === 'in') {
      const target = this.procs[op.target];
      if (!target || target.task.killed) return { kind: 'error', message: `process ${this.program.procs[op.target]!.name} was killed by the OOM killer` };
    }
    const ps = this.procs[op.proc]!;
    if (ps.task.killed) {
      // Only the hand-off away from a killed process can still name it.
      if (op.op === 'in') return { kind: 'none' };
      return { kind: 'error', message: `process ${this.program.procs[op.proc]!.name} was killed by the OOM killer` };
    }
    // The real-kernel runner reads memory.stat between operations (a version-2
    // run's statistics flush, docs/kernel-runner.md): every line starts from
    // current cgroup statistics.
    memcgFlushStats(k);
    // With the hardware, every line runs its process on CPU 0 (a context switch there if needed).
    if (this.hw && ps.task.mm) this.hw.run(0, ps.task);
    k.enter(ps.task);
    if (SYSCALL_OPS.has(op.op)) k.clock.syscalls++;
    let rec: OpRecord;
    try {
      rec = this.exec1(op, ps);
    } finally {
      k.leave();
    }
    if (ps.task.killed && op.op !== 'exit') {
      if (op.proc === 0) return { kind: 'error', message: 'main was killed by the OOM killer' };
      return { kind: 'killed' };
    }
    return rec;
  }

  private exec1(op: Op, ps: ProcState): OpRecord {
    const k = this.kernel;
    const task = ps.task;
    const mapping = (name: string): MappingPlace | OpRecord => {
      const m = this.place(ps, name);
      return typeof m === 'string' ? { kind: 'error', message: m } : m;
    };
    const isErr = (x: MappingPlace | OpRecord): x is OpRecord => 'kind' in x;
    switch (op.op) {
      // File operations fail with the real runner's messages (runner/mmsim-runner.c).
      case 'file': {
        if (k.fs.notDir(op.path)) return { kind: 'error', message: `file: cannot unlink ${op.path}: ENOTDIR` };
        if (k.fs.isDirectory(op.path)) return { kind: 'error', message: `file: cannot unlink ${op.path}: EISDIR` };
        const abs = k.fs.resolve(op.path);
        if (!k.fs.isDirectory(abs.slice(0, abs.lastIndexOf('/')) || '/')) return { kind: 'error', message: `file: cannot create ${op.path}: ENOENT` };
        createFile(k, op.path, op.pages, op.fill, op.chunk);
        return { kind: 'none' };
      }
      case 'truncate': {
        const inode = k.fs.notDir(op.path) ? undefined : k.fs.lookup(op.path);
        if (!inode) {
          const e = k.fs.notDir(op.path) ? 'ENOTDIR' : k.fs.isDirectory(op.path) ? 'EISDIR' : 'ENOENT';
          return { kind: 'error', message: `truncate: cannot truncate ${op.path}: ${e}` };
        }
        truncateFile(k, inode, op.pages * 4096 + op.extraBytes);
        return { kind: 'none' };
      }
      case 'dropcache': {
        const inode = k.fs.notDir(op.path) ? undefined : k.fs.lookup(op.path);
        if (!inode) {
          // A directory opens read-only and has nothing cached to drop.
          if (k.fs.isDirectory(op.path) && !k.fs.notDir(op.path)) return { kind: 'none' };
          return { kind: 'error', message: `dropcache: cannot open ${op.path}: ${k.fs.notDir(op.path) ? 'ENOTDIR' : 'ENOENT'}` };
        }
        // The runner opens the file, fsyncs it, fadvises and closes it.
        const f = openFile(k, op.path, false);
        fadviseDontneed(k, inode);
        if (typeof f !== 'number') closeFile(k, f);
        return { kind: 'none' };
      }
      case 'unlink':
        if (k.fs.notDir(op.path)) return { kind: 'error', message: `unlink: cannot unlink ${op.path}: ENOTDIR` };
        if (k.fs.isDirectory(op.path)) return { kind: 'error', message: `unlink: cannot unlink ${op.path}: EISDIR` };
        if (unlinkFile(k, op.path) < 0) return { kind: 'error', message: `unlink: cannot unlink ${op.path}: ENOENT` };
        return { kind: 'none' };
      case 'mmap': {
        let addr: number;
        if (op.after) {
          const m = mapping(op.after);
          if (isErr(m)) return m;
          addr = m.addr + m.pages * 4096;
        } else {
          addr = ps.nextSlot;
          ps.nextSlot = advanceSlot(addr, op.pages, this.slotAlign);
        }
        let file = null;
        if (op.file) {
          // The runner opens read-write only for a shared writable mapping (docs/runner-protocol.md).
          const f = openFile(k, op.file, op.shared && op.prot.write);
          if (typeof f === 'number') {
            ps.maps.delete(op.name);
            return { kind: 'ret', value: errnoName(f) };
          }
          file = f;
        }
        const flags =
          MAP_FIXED_NOREPLACE |
          (op.shared ? MAP_SHARED : MAP_PRIVATE) |
          (file ? 0 : MAP_ANONYMOUS) |
          (op.populate ? MAP_POPULATE : 0) |
          (op.noreserve ? MAP_NORESERVE : 0) |
          (op.hugetlb ? MAP_HUGETLB : 0) |
          (op.hugeSizeLog << MAP_HUGE_SHIFT);
        const r = doMmap(k, task, { addr, len: op.pages * 4096, prot: protBits(op.prot), flags, file, offset: op.offset * 4096 });
        // The runner closes its fd: the last reference unless a VMA took one.
        if (r < 0 && file) closeFile(k, file);
        if (r < 0) ps.maps.delete(op.name);
        else ps.maps.set(op.name, { name: op.name, addr: r, pages: op.pages });
        return { kind: 'ret', value: errnoName(r) };
      }
      case 'munmap':
      case 'mprotect':
      case 'madvise':
      case 'mlock':
      case 'munlock':
      case 'msync': {
        const m = mapping(op.name);
        if (isErr(m)) return m;
        const start = m.addr + op.first * 4096;
        const len = op.count * 4096;
        let r: number;
        if (op.op === 'munmap') r = doMunmap(k, task.mm!, start, len);
        else if (op.op === 'mprotect') r = sysMprotect(k, task, start, len, protBits(op.prot));
        else if (op.op === 'madvise') r = sysMadvise(k, task, start, len, op.advice);
        else if (op.op === 'mlock') r = sysMlock(k, task, start, len);
        else if (op.op === 'munlock') r = sysMunlock(k, task, start, len);
        else if (op.op === 'msync') r = sysMsync(k, task, start, len, op.mode === 'sync' ? MS_SYNC : op.mode === 'async' ? MS_ASYNC : MS_INVALIDATE);
        else r = 0;
        return { kind: 'ret', value: errnoName(r) };
      }
      case 'mremap': {
        const m = mapping(op.name);
        if (isErr(m)) return m;
        let r: number;
        if (op.move) {
          const to = ps.nextSlot;
          ps.nextSlot = advanceSlot(to, op.newPages, this.slotAlign);
          r = sysMremap(k, task, m.addr, m.pages * 4096, op.newPages * 4096, MREMAP_MAYMOVE | MREMAP_FIXED, to);
        } else r = sysMremap(k, task, m.addr, m.pages * 4096, op.newPages * 4096, 0, 0);
        if (r >= 0) ps.maps.set(op.name, { name: op.name, addr: r, pages: op.newPages });
        return { kind: 'ret', value: errnoName(r) };
      }
      case 'touch':
      case 'peek': {
        const m = mapping(op.name);
        if (isErr(m)) return m;
        const write = op.op === 'touch' && op.write;
        const step = op.op === 'touch' ? op.step : 1;
        const values: number[] = [];
        for (let i = op.first; i < op.first + op.count; i += step) {
          k.clock.accesses++;
          const pfn = this.userAccess(task, m.addr + i * 4096, write);
          if (pfn < 0) return { kind: 'signal', sig: -pfn === ACCESS_SIGBUS ? 'SIGBUS' : 'SIGSEGV', page: i };
          if (write) k.mem.write(pfn, 0, op.op === 'touch' ? op.value : 0);
          else values.push(k.mem.read(pfn, 0));
        }
        return op.op === 'peek' ? { kind: 'values', values } : { kind: 'none' };
      }
      case 'expect_segv': {
        const m = mapping(op.name);
        if (isErr(m)) return m;
        k.clock.accesses++;
        const pfn = this.userAccess(task, m.addr + op.page * 4096, op.write);
        if (pfn < 0) return { kind: 'signal', sig: -pfn === ACCESS_SIGBUS ? 'SIGBUS' : 'SIGSEGV', page: op.page };
        if (op.write) k.mem.write(pfn, 0, 0x5a);
        return { kind: 'ok' };
      }
      case 'fpeek': {
        const f = openFile(k, op.path, false);
        // pread(2) of a directory opened read-only fails with EISDIR.
        if (typeof f === 'number') return { kind: 'errno', value: f === -ENODEV ? 'EISDIR' : errnoName(f) };
        const values: number[] = [];
        for (let i = op.first; i < op.first + op.count; i++) values.push(preadByte(k, f, i));
        closeFile(k, f);
        return { kind: 'values', values };
      }
      case 'report':
      case 'vmas':
      case 'hugetlb_vmas': {
        // As the real runner: names whose mmap failed select nothing (the
        // formatter chooses VMAs by name). Only the VMAs the formatter will
        // select are gathered and kept: a long scenario holds every record
        // until it is formatted.
        const maps = [...ps.maps.values()];
        const chosen = op.names.length === 0 ? maps : maps.filter((m) => op.names.includes(m.name));
        const vmas = (task.mm?.vmas ?? []).filter((v) => chosen.some((m) => v.start < m.addr + m.pages * 4096 && m.addr < v.end));
        return { kind: 'smaps', text: '', parsed: vmas.map((v) => smapsVmaRecord(k, v)), maps, minflt: task.minFlt, majflt: task.majFlt };
      }
      case 'status':
        return { kind: 'status', text: procPidStatus(k, task), baseline: ps.baseline };
      case 'pagemap': {
        const m = mapping(op.name);
        if (isErr(m)) return m;
        let codes = '';
        for (let i = op.first; i < op.first + op.count; i++) codes += pagemapCode(k, task, m.addr + i * 4096);
        return { kind: 'pagemap', codes };
      }
      case 'fork': {
        const child = k.fork(task);
        if (typeof child === 'number') return { kind: 'error', message: `fork: ${errnoName(child)}` };
        // The runner writes 0 in every child (main starts at -1000).
        child.oomScoreAdj = 0;
        this.procs[op.child] = {
          task: child,
          maps: new Map([...ps.maps].map(([n, m]) => [n, { ...m }])),
          nextSlot: ps.nextSlot,
          baseline: procPidStatus(k, child),
        };
        return { kind: 'none' };
      }
      case 'exit': {
        const child = this.procs[op.target]!;
        if (this.hw) this.hw.exit(0, child.task);
        else k.exit(child.task);
        // Descendants of the exited process are gone too.
        for (let i = 0; i < this.procs.length; i++) if (this.procs[i]?.task.exited) this.procs[i] = null;
        return { kind: 'none' };
      }
      case 'exec': {
        const r = execve(k, task, { path: op.path, headerPages: 1, textPages: op.textPages, rodataPages: 4, dataPages: op.dataPages, bssPages: op.bssPages, stackPages: op.stackPages });
        if (r < 0) return { kind: 'error', message: `exec: ${errnoName(r)}` };
        ps.maps.clear();
        ps.nextSlot = this.slotBase;
        return { kind: 'none' };
      }
      case 'swapon': {
        if (k.fs.fsTypeOf(op.path) !== 'ext4') return { kind: 'ret', value: 'EINVAL' };
        // Written with O_DIRECT, as the real-kernel runner does: no page cache.
        createFileDirect(k, op.path, op.pages, 0);
        const r = swapon(k, k.fs.resolve(op.path), op.pages, op.prio ?? undefined);
        return { kind: 'ret', value: typeof r === 'number' ? errnoName(r) : 'ok' };
      }
      case 'swapoff':
        return { kind: 'ret', value: errnoName(sysSwapoff(k, k.fs.resolve(op.path))) };
      case 'sysctl': {
        for (const [key, value] of op.settings) {
          const r = sysctlWrite(k, key, value);
          if (r < 0) return { kind: 'ret', value: errnoName(r) };
        }
        return { kind: 'ret', value: 'ok' };
      }
      case 'cgroup': {
        const m = memcgCreate(k, op.name);
        m.limit = op.limit;
        m.memswLimit = op.memsw ?? Infinity;
        m.swappiness = op.swappiness;
        return { kind: 'none' };
      }
      case 'join':
        memcgAttach(k, task, k.memcgs.find((m) => m.name === op.name)!);
        return { kind: 'none' };
      case 'oom_score_adj':
        if (op.value < OOM_SCORE_ADJ_MIN || op.value > OOM_SCORE_ADJ_MAX) return { kind: 'ret', value: 'EINVAL' };
        task.oomScoreAdj = op.value;
        return { kind: 'ret', value: 'ok' };
      case 'oom_score':
        return { kind: 'oom_score', score: oomScore(k, task), adj: task.oomScoreAdj };
      case 'hugepages': {
        const hugetlbKb = hugetlbUsagePages(task.mm!) * 4;
        if (op.sizeKb === 0) {
          const h = k.hstate;
          return { kind: 'hugepages', total: h.nrHugePages, free: h.freeHugePages, rsvd: h.resvHugePages, surp: h.surplusHugePages, hugetlbKb };
        }
        // /sys/kernel/mm/hugepages/hugepages-<size>kB, and /proc/meminfo's Hugetlb line.
        const h = k.hstates.find((x) => x.sizeBytes === op.sizeKb * 1024);
        if (!h) return { kind: 'error', message: `hugepages: this machine has no ${op.sizeKb} kB huge pages` };
        const meminfoHugetlbKb = k.hstates.reduce((kb, x) => kb + (x.nrHugePages * x.sizeBytes) / 1024, 0);
        return { kind: 'hugepages', total: h.nrHugePages, free: h.freeHugePages, rsvd: h.resvHugePages, surp: h.surplusHugePages, hugetlbKb, meminfoHugetlbKb };
      }
      case 'cgstat': {
        const m = k.memcgs.find((c) => c.name === op.name)!;
        return {
          kind: 'cgstat',
          usageKb: m.usage * 4,
          maxUsageKb: m.maxUsage * 4,
          limitKb: m.limit === Infinity ? -1 : m.limit * 4,
          memswUsageKb: m.memswUsage * 4,
          failcnt: m.failcnt,
          oomKill: m.oomKill,
        };
      }
      case 'events': {
        const kills = k.oomKills.splice(0);
        const names = kills.map((kill) => {
          const i = this.procs.findIndex((p) => p?.task.pid === kill.pid);
          return i >= 0 ? this.program.procs[i]!.name : `pid${kill.pid}`;
        });
        return { kind: 'events', killed: names };
      }
      case 'sleep':
        sleepMs(k, op.ms);
        return { kind: 'none' };
      case 'zoneinfo':
        return {
          kind: 'zoneinfo',
          zones: k.buddy.zones.map((z) => ({
            name: z.name,
            managedKb: z.managed * 4,
            freeKb: z.freePages * 4,
            minKb: z.watermark[WMARK_MIN]! * 4,
            lowKb: z.watermark[WMARK_LOW]! * 4,
            highKb: z.watermark[WMARK_HIGH]! * 4,
            protectionKb: Array.from(k.buddy.zones, (_, j) => (j > z.id ? z.lowmemReserve[j]! * 4 : 0)),
          })),
          pagetablesKb: k.vmstat.get(VM.nr_page_table_pages) * 4,
          kmaps: kmapCount(k.mem),
        };
      case 'access': {
        const m = mapping(op.name);
        if (isErr(m)) return m;
        return this.access(op, m, task);
      }
      case 'tlbstat':
      case 'cachestat':
        return { kind: 'hwstat', fields: this.hwStat(op.op, op.cpu) };
      case 'lru_gen':
        return {
          kind: 'lru_gen',
          gens: lruGenGenerations(k).flatMap((m) => m.gens.map((g) => ({ memcg: m.path, seq: g.seq, ageMs: g.ageMs, anonKb: g.anon * 4, fileKb: g.file * 4 }))),
        };
      case 'sysfs': {
        for (const [key, value] of op.settings) {
          const r = sysfsWrite(k, key, value);
          if (r < 0) return { kind: 'ret', value: errnoName(r) };
        }
        return { kind: 'ret', value: 'ok' };
      }
      case 'in':
      case 'echo':
        return { kind: 'none' };
    }
  }
}

/** Operations that are system calls, each charged a system call's cost. */
const SYSCALL_OPS: ReadonlySet<string> = new Set([
  'file', 'truncate', 'dropcache', 'unlink', 'mmap', 'munmap', 'mprotect', 'madvise', 'mlock', 'munlock', 'msync',
  'mremap', 'fpeek', 'fork', 'exit', 'exec', 'swapon', 'swapoff', 'sysctl', 'oom_score_adj', 'sysfs',
]);

type AccessOp = Extract<Op, { op: 'access' }>;

/** The `access` operation: a sweep (or random accesses) over a page range, on the simulated CPU. */
function runAccess(sys: System, op: AccessOp, m: MappingPlace, task: Task): OpRecord {
  const cpu = op.cpu;
  sys.run(cpu, task);
  const opc = op.kind === 'read' ? OP_LOAD : op.kind === 'write' ? OP_STORE : OP_FETCH;
  const size = opc === OP_FETCH ? 4 : 8;
  const start = m.addr + op.first * 4096;
  const bytes = op.count * 4096;
  const per = Math.ceil(bytes / op.strideBytes);
  const rng = op.random ? new Prng(op.seed) : null;
  for (let r = 0; r < op.repeat; r++) {
    for (let i = 0; i < per; i++) {
      const off = rng ? rng.below(per) * op.strideBytes : i * op.strideBytes;
      const va = start + Math.min(off, bytes - size);
      sys.kernel.clock.accesses++;
      const pa = sys.access(cpu, va, size, opc);
      if (pa < 0) {
        if (-pa === ACCESS_OOM) return { kind: 'none' };
        return { kind: 'signal', sig: -pa === ACCESS_SIGBUS ? 'SIGBUS' : 'SIGSEGV', page: op.first + Math.floor((va - start) / 4096) };
      }
    }
  }
  return { kind: 'none' };
}

/** Runs a whole scenario in the simulator. */
export function runSim(program: Program): RunRecords {
  return new SimRun(program).run();
}
