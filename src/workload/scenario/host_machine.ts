// The host as a `machine` line: reads the values the scenario language's
// machine keys stand for from /proc and /sys, and compares a scenario's
// machine with them, so that `mmsim kernel` can warn where the host is not
// the machine the scenario describes (the simulator would run it there).
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { machineLine, type MachineConfig, type ThpDefrag, type ThpMode } from '../../kernel/machine.js';

/** Where the host values come from; tests substitute a fake host. */
export interface HostFiles {
  /** Returns a file's text, or null when it cannot be read. */
  read(path: string): string | null;
  /** Number of CPUs this process may run on. */
  cpus(): number;
  /** "MAJOR:MINOR" of the device holding `dir`, or null. */
  deviceOf(dir: string): string | null;
}

/** The real host. */
export const REAL_HOST: HostFiles = {
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  cpus: () => availableParallelism(),
  deviceOf(dir) {
    try {
      // Linux new_encode_dev(): minor low 8 bits, major next 12, then the high bits of both.
      const dev = statSync(dir, { bigint: true }).dev;
      const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
      const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
      return `${major}:${minor}`;
    } catch {
      return null;
    }
  },
};

/** fault_around_bytes lives in debugfs, often unreadable; the kernel default is 64 KiB. */
export const DEFAULT_FAULT_AROUND_BYTES = 65536;
/** Readahead of a device mmsim cannot find (tmpfs, overlay): the kernel's VM_READAHEAD_PAGES, 128 KiB. */
export const DEFAULT_READ_AHEAD_KB = 128;

function meminfoKb(text: string | null, key: string): number | null {
  const m = text === null ? null : new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

function intFrom(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** The bracketed choice of a sysfs selector such as "always [madvise] never". */
function selected(text: string | null): string | null {
  const m = text === null ? null : /\[([^\]]+)\]/.exec(text);
  return m ? m[1]! : null;
}

/**
 * The host's machine: MemTotal and SwapTotal (/proc/meminfo), usable CPUs,
 * vm.overcommit_memory, vm.overcommit_ratio, vm.min_free_kbytes, the THP
 * enabled/defrag/use_zero_page settings, fault_around_bytes (debugfs; 64 KiB
 * when unreadable) and the read_ahead_kb of the block device holding `dir`
 * (default: the current directory). Throws if /proc/meminfo is unreadable
 * (not Linux).
 */
export function readHostMachine(opts: { dir?: string; host?: HostFiles } = {}): MachineConfig {
  const h = opts.host ?? REAL_HOST;
  const meminfo = h.read('/proc/meminfo');
  const memtotal = meminfoKb(meminfo, 'MemTotal');
  if (memtotal === null) throw new Error('cannot read MemTotal from /proc/meminfo (is this Linux?)');
  const thp = '/sys/kernel/mm/transparent_hugepage';
  const faultAround = intFrom(h.read('/sys/kernel/debug/fault_around_bytes')) ?? DEFAULT_FAULT_AROUND_BYTES;
  return {
    memtotalKb: memtotal,
    swapKb: meminfoKb(meminfo, 'SwapTotal') ?? 0,
    cpus: h.cpus(),
    overcommitMemory: (intFrom(h.read('/proc/sys/vm/overcommit_memory')) ?? 0) as 0 | 1 | 2,
    overcommitRatio: intFrom(h.read('/proc/sys/vm/overcommit_ratio')) ?? 50,
    thp: (selected(h.read(`${thp}/enabled`)) ?? 'never') as ThpMode,
    thpDefrag: (selected(h.read(`${thp}/defrag`)) ?? 'madvise') as ThpDefrag,
    thpZeroPage: intFrom(h.read(`${thp}/use_zero_page`)) === 1,
    faultAroundKb: Math.floor(faultAround / 1024),
    readAheadKb: readAheadKb(h, opts.dir ?? process.cwd()),
    minFreeKbytes: intFrom(h.read('/proc/sys/vm/min_free_kbytes')) ?? 0,
  };
}

/** read_ahead_kb of the block device holding `dir` (a partition's disk for a partition). */
function readAheadKb(h: HostFiles, dir: string): number {
  const dev = h.deviceOf(dir);
  if (dev === null) return DEFAULT_READ_AHEAD_KB;
  const tries = [`/sys/dev/block/${dev}/queue/read_ahead_kb`, `/sys/dev/block/${dev}/../queue/read_ahead_kb`, `/sys/class/bdi/${dev}/read_ahead_kb`];
  for (const p of tries) {
    const v = intFrom(h.read(p));
    if (v !== null) return v;
  }
  return DEFAULT_READ_AHEAD_KB;
}

/** The key=value words of a machine line, by key. */
function machineWords(m: MachineConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of machineLine(m).split(' ').slice(1)) {
    const eq = w.indexOf('=');
    out.set(w.slice(0, eq), w.slice(eq + 1));
  }
  return out;
}

/**
 * One warning per machine key where the scenario's machine (its machine line
 * over the default machine) differs from the host, in machine-line order.
 */
export function compareMachine(scenario: MachineConfig, host: MachineConfig): string[] {
  const want = machineWords(scenario);
  const have = machineWords(host);
  const out: string[] = [];
  for (const [key, v] of want) {
    const hv = have.get(key)!;
    if (v !== hv) out.push(`warning: the scenario's machine has ${key}=${v} but this host has ${key}=${hv}`);
  }
  return out;
}
