// The address space of a recorded program, stored with its trace (the maps
// section of an mmsim binary trace, docs/trace-format.md): the program's
// /proc/PID/maps when its first memory reference was traced, and every
// change made afterwards by mmap, munmap, mprotect, mremap and brk, each
// with the number of trace records before it. `mmsim record` builds it from
// valgrind's --trace-syscalls lines, which valgrind writes into the same log
// as lackey's references, in program order (parseValgrindSyscall below).
// Simplifications: file descriptors are followed through open, openat and
// close only (a mapping of a dup'ed fd has no path and is replayed as
// anonymous); shmat, madvise and other calls are not recorded.

/** One change of the address space, at record index `at` (the number of references before it). */
export type AddressSpaceEvent =
  | { at: number; call: 'mmap'; addr: number; len: number; prot: number; flags: number; path: string | null; offset: number }
  | { at: number; call: 'munmap'; addr: number; len: number }
  | { at: number; call: 'mprotect'; addr: number; len: number; prot: number }
  | { at: number; call: 'mremap'; old: number; oldLen: number; newLen: number; flags: number; addr: number }
  | { at: number; call: 'brk'; brk: number };

export interface RecordedAddressSpace {
  version: 1;
  /** The command traced, argv[0] first. */
  command: string[];
  /** How it was recorded (tool and version). */
  recorder: string;
  /** /proc/PID/maps of the tracing process at the first traced reference. */
  maps: string;
  /** Size in bytes of each mapped file on the recording host (files are recreated with that size). */
  files: Record<string, number>;
  events: AddressSpaceEvent[];
}

/** One line of /proc/PID/maps. */
export interface MapsEntry {
  start: number;
  end: number;
  /** 'rwxp' style permissions. */
  perms: string;
  offset: number;
  inode: number;
  /** Path, [heap], [stack], [vdso]..., or '' for anonymous memory. */
  path: string;
}

/**
 * Parses /proc/PID/maps text. Throws an Error naming the line on a
 * malformed one.
 *   55d0c6a00000-55d0c6a02000 r--p 00000000 fe:00 260879   /usr/bin/sort
 */
export function parseMaps(text: string): MapsEntry[] {
  const out: MapsEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const m = /^([0-9a-f]+)-([0-9a-f]+) ([r-][w-][x-][ps]) ([0-9a-f]+) [0-9a-f]+:[0-9a-f]+ (\d+)\s*(.*)$/.exec(line);
    if (!m) throw new Error(`maps line ${i + 1}: cannot parse '${line}'`);
    out.push({ start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16), perms: m[3]!, offset: parseInt(m[4]!, 16), inode: Number(m[5]), path: m[6]!.trim() });
  }
  return out;
}

/** Result of a completed system call line. */
interface SyscallDone {
  name: string;
  args: string;
  ok: boolean;
  result: number;
}

/**
 * Turns valgrind --trace-syscalls lines into address-space events. Lines
 * look like (one call may take two lines when it blocks):
 *
 *   SYSCALL[14798,1](9) sys_mmap ( 0x0, 8192, 3, 34, 4294967295, 0 ) --> [pre-success] Success(0x4835000)
 *   SYSCALL[14798,1](10) sys_mprotect ( 0x4a14000, 16384, 1 )[sync] --> Success(0x0)
 *   SYSCALL[14798,1](257) sys_openat ( 4294967196, 0x4034bb0(/usr/lib/libc.so.6), 524288 ) --> [async] ...
 *   SYSCALL[14798,1](257) ... [async] --> Success(0x4)
 */
export class ValgrindSyscalls {
  readonly events: AddressSpaceEvent[] = [];
  /** Paths of open file descriptors. */
  private readonly fds = new Map<number, string>();
  /** Calls waiting for their [async] completion, by thread. */
  private readonly pending = new Map<string, { name: string; args: string }>();

  /** Feeds one log line (any line: those that are not syscall lines are ignored). */
  line(text: string, recordsBefore: number): void {
    const m = /^SYSCALL\[(\d+),(\d+)\]\(\d+\) (.*)$/.exec(text);
    if (!m) return;
    const tid = `${m[1]},${m[2]}`;
    const body = m[3]!;
    const done = /^\.\.\. \[async\] --> (Success|Failure)\((0x[0-9a-f]+)\)/.exec(body);
    if (done) {
      const p = this.pending.get(tid);
      this.pending.delete(tid);
      if (p) this.completed({ name: p.name, args: p.args, ok: done[1] === 'Success', result: parseInt(done[2]!, 16) }, recordsBefore);
      return;
    }
    const call = /^(\w+) \( ?(.*?) ?\)(?:\[sync\])? --> (.*)$/.exec(body);
    if (!call) return;
    const [, name, args, rest] = call as unknown as [string, string, string, string];
    if (rest.startsWith('[async]')) {
      this.pending.set(tid, { name, args });
      return;
    }
    const r = /(Success|Failure)\((0x[0-9a-f]+)\)/.exec(rest);
    if (r) this.completed({ name, args, ok: r[1] === 'Success', result: parseInt(r[2]!, 16) }, recordsBefore);
  }

  private completed(c: SyscallDone, at: number): void {
    if (!c.ok) return;
    const nums = () => c.args.split(', ').map((a) => (a.startsWith('0x') ? parseInt(a, 16) : Number(a)));
    switch (c.name) {
      case 'sys_openat':
      case 'sys_open': {
        const p = /0x[0-9a-f]+\((.*)\), \d+(?:, \d+)?$/.exec(c.args);
        if (p) this.fds.set(c.result, p[1]!);
        return;
      }
      case 'sys_close': {
        this.fds.delete(nums()[0]!);
        return;
      }
      case 'sys_mmap': {
        const [, len, prot, flags, fd, offset] = nums() as [number, number, number, number, number, number];
        const anon = (flags & 0x20) !== 0 || fd === 4294967295 || fd < 0;
        this.events.push({ at, call: 'mmap', addr: c.result, len, prot, flags, path: anon ? null : (this.fds.get(fd) ?? null), offset: anon ? 0 : offset });
        return;
      }
      case 'sys_munmap': {
        const [addr, len] = nums() as [number, number];
        this.events.push({ at, call: 'munmap', addr, len });
        return;
      }
      case 'sys_mprotect': {
        const [addr, len, prot] = nums() as [number, number, number];
        this.events.push({ at, call: 'mprotect', addr, len, prot });
        return;
      }
      case 'sys_mremap': {
        const [old, oldLen, newLen, flags] = nums() as [number, number, number, number];
        this.events.push({ at, call: 'mremap', old, oldLen, newLen, flags, addr: c.result });
        return;
      }
      case 'sys_brk':
        this.events.push({ at, call: 'brk', brk: c.result });
        return;
    }
  }
}

/**
 * Checks a maps section (JSON text) and returns it. Throws an Error saying
 * what is wrong.
 */
export function parseAddressSpace(text: string): RecordedAddressSpace {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error('maps section: not JSON');
  }
  const o = v as Partial<RecordedAddressSpace>;
  if (!o || typeof o !== 'object' || o.version !== 1) throw new Error('maps section: version is not 1');
  if (typeof o.maps !== 'string' || !Array.isArray(o.events) || !Array.isArray(o.command) || typeof o.files !== 'object') {
    throw new Error('maps section: missing command, maps, files or events');
  }
  parseMaps(o.maps);
  let last = 0;
  for (const [i, e] of o.events.entries()) {
    if (!e || typeof e.at !== 'number' || e.at < last) throw new Error(`maps section: event ${i} is out of order`);
    last = e.at;
  }
  return o as RecordedAddressSpace;
}
