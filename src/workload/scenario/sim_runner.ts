// Runs a scenario in the simulator, producing the same per-operation records
// as the real-kernel runner. Placement follows docs/scenario-format.md: slots
// from 16 TiB, 1 GiB apart, MAP_FIXED_NOREPLACE; each process has its own
// table of named mappings and its own next slot, inherited at fork.
import { TASK_SIZE } from '../../hw/addr.js';
import { Kernel } from '../../kernel/kernel.js';
import { userAccess } from '../../kernel/access.js';
import { ENODEV, errnoName } from '../../kernel/errno.js';
import { createFile, fadviseDontneed, openFile, preadByte, truncateFile, unlinkFile } from '../../kernel/file_io.js';
import { sysMadvise } from '../../kernel/madvise.js';
import { ACCESS_SIGBUS } from '../../kernel/memory.js';
import { sysMlock, sysMunlock } from '../../kernel/mlock.js';
import {
  doMmap,
  doMunmap,
  MAP_ANONYMOUS,
  MAP_FIXED_NOREPLACE,
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
import { procPidSmaps } from '../../report/proc_pid_smaps.js';
import { procPidStatus } from '../../report/proc_pid_status.js';
import { pagemapCode } from '../../report/proc_pid_pagemap.js';
import type { Op, Prot } from './ops.js';
import type { Program } from './parse.js';
import type { MappingPlace, OpRecord, RunRecords } from './records.js';

export const SLOT_BASE = 0x100000000000;
const GIB = 2 ** 30;
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
function advanceSlot(addr: number, pages: number): number {
  return Math.ceil((addr + pages * 4096) / GIB) * GIB + GIB;
}

/** A scenario run inside the simulator, step by step (also used by `mmsim proc`). */
export class SimRun {
  readonly kernel: Kernel;
  readonly procs: Array<ProcState | null>;
  readonly records: RunRecords = [];
  /** Called after each operation with its index (for `mmsim proc --at`). */
  onStep: ((index: number) => boolean) | null = null;

  constructor(readonly program: Program) {
    this.kernel = new Kernel(program.machine);
    const main = this.kernel.spawn('mmsim-runner');
    for (const [start, end] of RUNNER_IMAGE) {
      doMmap(this.kernel, main, { addr: start, len: end - start, prot: PROT_READ, flags: MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, file: null, offset: 0 });
    }
    this.procs = program.procs.map(() => null);
    this.procs[0] = { task: main, maps: new Map(), nextSlot: SLOT_BASE, baseline: procPidStatus(this.kernel, main) };
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

  private place(ps: ProcState, name: string): MappingPlace | string {
    const m = ps.maps.get(name);
    if (!m) return `mapping '${name}' does not exist (its mmap failed)`;
    return m;
  }

  /** Executes one operation in its process. */
  step(op: Op): OpRecord {
    const k = this.kernel;
    const ps = this.procs[op.proc]!;
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
        fadviseDontneed(k, inode);
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
          ps.nextSlot = advanceSlot(addr, op.pages);
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
          (op.noreserve ? MAP_NORESERVE : 0);
        const r = doMmap(k, task, { addr, len: op.pages * 4096, prot: protBits(op.prot), flags, file, offset: op.offset * 4096 });
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
          ps.nextSlot = advanceSlot(to, op.newPages);
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
          const pfn = userAccess(k, task, m.addr + i * 4096, write);
          if (pfn < 0) return { kind: 'signal', sig: -pfn === ACCESS_SIGBUS ? 'SIGBUS' : 'SIGSEGV', page: i };
          if (write) k.mem.write(pfn, 0, op.op === 'touch' ? op.value : 0);
          else values.push(k.mem.read(pfn, 0));
        }
        return op.op === 'peek' ? { kind: 'values', values } : { kind: 'none' };
      }
      case 'expect_segv': {
        const m = mapping(op.name);
        if (isErr(m)) return m;
        const pfn = userAccess(k, task, m.addr + op.page * 4096, op.write);
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
        return { kind: 'values', values };
      }
      case 'report':
      case 'vmas':
        // As the real runner: names whose mmap failed select nothing (the formatter chooses VMAs by name).
        return { kind: 'smaps', text: procPidSmaps(k, task), maps: [...ps.maps.values()], minflt: task.minFlt, majflt: task.majFlt };
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
        if (typeof child === 'number') return { kind: 'error', message: `fork failed: ${errnoName(child)}` };
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
        k.exit(child.task);
        // Descendants of the exited process are gone too.
        for (let i = 0; i < this.procs.length; i++) if (this.procs[i]?.task.exited) this.procs[i] = null;
        return { kind: 'none' };
      }
      case 'in':
      case 'echo':
        return { kind: 'none' };
    }
  }
}

/** Runs a whole scenario in the simulator. */
export function runSim(program: Program): RunRecords {
  return new SimRun(program).run();
}
