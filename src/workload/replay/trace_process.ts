// A recorded program as a simulated process: its address space is rebuilt
// from the trace's maps section (workload/trace/address_space.ts) - the
// initial /proc/PID/maps, then each mmap, munmap, mprotect, mremap and brk at
// the record where the program made it - and its references run on a CPU of
// the System, faulting as they go. File-backed mappings map files of the
// recorded sizes, created in the page cache beforehand (so first touches are
// minor faults, as for a program whose libraries are cached).
// Simplifications: the break is replayed as anonymous mappings; valgrind's
// own mappings (its tool binary and the bss after it, the host [stack],
// [vvar], [vsyscall]) are left out, but its anonymous areas cannot be told
// from the program's and are kept (never touched, they only add VmSize);
// a reference outside every mapping (a trace without maps, or a change the
// recording missed) gets an anonymous read-write-execute mapping of the 64 KiB
// around it, counted in `synthesized`.
import { PAGE_SIZE, TASK_SIZE, roundDown, roundUp } from '../../hw/addr.js';
import { createFile, openFile } from '../../kernel/file_io.js';
import type { Kernel } from '../../kernel/kernel.js';
import { ACCESS_SIGSEGV } from '../../kernel/memory.js';
import {
  doMmap,
  doMunmap,
  MAP_ANONYMOUS,
  MAP_FIXED,
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
import type { Task } from '../../kernel/task.js';
import { parseMaps, type AddressSpaceEvent, type MapsEntry, type RecordedAddressSpace } from '../trace/address_space.js';
import type { System } from '../../machine/system.js';

/** Granule of a mapping made up for a reference outside every mapping. */
const SYNTH_BYTES = 65536;
/** Address-space calls that failed in the replay (counted, not fatal). */
const OK = 0;

/** True for /proc/PID/maps entries that belong to valgrind, not to the traced program. */
function isValgrindOwn(e: MapsEntry, prev: MapsEntry | null): boolean {
  if (/\/valgrind\/[a-z0-9]+-[a-z0-9]+-linux$/.test(e.path) || e.path.startsWith('/tmp/vgdb-pipe')) return true;
  // The tool's bss and heap follow its binary.
  if (e.path === '' && prev !== null && prev.end === e.start && /\/valgrind\/[a-z0-9]+-[a-z0-9]+-linux$/.test(prev.path)) return true;
  return /^\[(stack|vvar|vvar_vclock|vsyscall|vdso)\]$/.test(e.path) || e.end > TASK_SIZE;
}

function protOf(perms: string): number {
  return (perms[0] === 'r' ? PROT_READ : 0) | (perms[1] === 'w' ? PROT_WRITE : 0) | (perms[2] === 'x' ? PROT_EXEC : 0);
}

export class TraceProcess {
  readonly task: Task;
  /** Mappings made up for references outside every mapping. */
  synthesized = 0;
  /** Address-space changes the replay could not apply (errno from the simulated kernel). */
  failedEvents = 0;
  /** References that ended in a signal (skipped). */
  signals = 0;
  private readonly events: AddressSpaceEvent[];
  private nextEvent = 0;
  private brkEnd = -1;

  /**
   * Spawns the process and maps its initial address space (the maps
   * snapshot; none for a trace without maps).
   */
  constructor(
    readonly sys: System,
    name: string,
    readonly space: RecordedAddressSpace | null,
  ) {
    const k = sys.kernel;
    this.task = k.spawn(name);
    this.events = space ? space.events : [];
    if (!space) return;
    const entries = parseMaps(space.maps);
    let prev: MapsEntry | null = null;
    for (const e of entries) {
      const own = isValgrindOwn(e, prev);
      prev = e;
      if (own) continue;
      const shared = e.perms[3] === 's';
      const file = e.path.startsWith('/') ? e.path : null;
      this.kernelCall(() => this.map(e.start, e.end - e.start, protOf(e.perms), shared ? MAP_SHARED : MAP_PRIVATE, file, e.offset));
    }
  }

  /** Record index of the next address-space change (Infinity when none is left). */
  get nextEventAt(): number {
    return this.nextEvent < this.events.length ? this.events[this.nextEvent]!.at : Infinity;
  }

  /** Applies every change made before record `index` (its `at` <= index). */
  applyEvents(index: number): void {
    while (this.nextEvent < this.events.length && this.events[this.nextEvent]!.at <= index) {
      const e = this.events[this.nextEvent++]!;
      this.kernelCall(() => this.apply(e));
    }
  }

  /** Runs kernel work as this process on the CPU it runs on (CPU 0 if none). */
  private kernelCall(fn: () => number): void {
    const cpu = Math.max(0, this.sys.running.indexOf(this.task));
    const r = this.sys.syscall(cpu, this.task, fn);
    if (r < 0) this.failedEvents++;
  }

  private apply(e: AddressSpaceEvent): number {
    const k = this.sys.kernel;
    switch (e.call) {
      case 'mmap':
        return this.map(e.addr, e.len, e.prot, (e.flags & (MAP_SHARED | MAP_PRIVATE | MAP_NORESERVE | MAP_POPULATE)) || MAP_PRIVATE, e.path, e.offset);
      case 'munmap':
        return doMunmap(k, this.task.mm!, e.addr, roundUp(e.len, PAGE_SIZE));
      case 'mprotect':
        return sysMprotect(k, this.task, e.addr, roundUp(e.len, PAGE_SIZE), e.prot);
      case 'mremap':
        if (e.addr === e.old) return sysMremap(k, this.task, e.old, e.oldLen, e.newLen, 0, 0);
        return sysMremap(k, this.task, e.old, e.oldLen, e.newLen, MREMAP_MAYMOVE | MREMAP_FIXED, e.addr);
      case 'brk':
        return this.brk(e.brk);
    }
  }

  /** The break moved to `brk`: the heap [start, brk) grows or shrinks by whole pages. */
  private brk(brk: number): number {
    const end = roundUp(brk, PAGE_SIZE);
    if (this.brkEnd < 0) {
      this.brkEnd = end;
      return OK;
    }
    let r = OK;
    if (end > this.brkEnd) r = this.map(this.brkEnd, end - this.brkEnd, PROT_READ | PROT_WRITE, MAP_PRIVATE, null, 0);
    else if (end < this.brkEnd) r = doMunmap(this.sys.kernel, this.task.mm!, end, this.brkEnd - end);
    this.brkEnd = end;
    return r;
  }

  /** mmap(MAP_FIXED) of a file (made in the page cache if new or too short) or of anonymous memory. */
  private map(addr: number, len: number, prot: number, flags: number, path: string | null, offset: number): number {
    const k = this.sys.kernel;
    let file = null;
    if (path) {
      file = this.fileFor(k, path, offset + len);
      if (typeof file === 'number') return file;
    }
    return doMmap(k, this.task, { addr, len: roundUp(len, PAGE_SIZE), prot, flags: flags | MAP_FIXED | (file ? 0 : MAP_ANONYMOUS), file, offset: file ? offset : 0 });
  }

  private fileFor(k: Kernel, path: string, needBytes: number): ReturnType<typeof openFile> {
    const inode = k.fs.lookup(path);
    const want = Math.max(this.space?.files[path] ?? 0, needBytes);
    if (!inode || inode.size < want) createFile(k, path, Math.ceil(want / PAGE_SIZE), 0, 16);
    return openFile(k, path, false);
  }

  /**
   * After a reference at `va` raised a signal: if no mapping covers it, maps
   * the 64 KiB around it (anonymous, rwx) and returns true so that the
   * caller retries; otherwise counts the signal and returns false.
   */
  recover(va: number, code: number): boolean {
    const mm = this.task.mm;
    if (code === ACCESS_SIGSEGV && mm && va < TASK_SIZE && !mm.lookup(va)) {
      // The 64 KiB granule of va, cut back to the gap between its neighbours.
      const i = mm.findIndex(va);
      const from = Math.max(roundDown(va, SYNTH_BYTES), i > 0 ? mm.vmas[i - 1]!.end : 0);
      const to = Math.min(roundDown(va, SYNTH_BYTES) + SYNTH_BYTES, mm.vmas[i]?.start ?? TASK_SIZE, TASK_SIZE);
      const cpu = Math.max(0, this.sys.running.indexOf(this.task));
      const r = this.sys.syscall(cpu, this.task, () =>
        doMmap(this.sys.kernel, this.task, { addr: from, len: to - from, prot: PROT_READ | PROT_WRITE | PROT_EXEC, flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, file: null, offset: 0 }),
      );
      if (r >= 0) {
        this.synthesized++;
        return true;
      }
    }
    this.signals++;
    return false;
  }
}
