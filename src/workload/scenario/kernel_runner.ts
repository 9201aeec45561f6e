// Runs a parsed scenario on the host's real Linux kernel through the C runner
// (runner/mmsim-runner.c): compiles the Program into the runner's line
// protocol (docs/runner-protocol.md), builds the runner with the system C
// compiler on first use (cached by a hash of its source), runs it in a fresh
// scratch directory and reads its output back into the same OpRecords the
// simulator produces, so that one formatter prints both. A version-2 scenario
// (memory pressure) runs inside a memory cgroup the size of its machine, with
// its machine's swap (docs/kernel-runner.md).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineConfig } from '../../kernel/machine.js';
import { layoutZones, setupWatermarks, WMARK_HIGH } from '../../kernel/page_alloc.js';
import type { Op, Prot } from './ops.js';
import type { Program } from './parse.js';
import type { MappingPlace, OpRecord } from './records.js';

export const PROTOCOL_VERSION = 3;

/** The operations of version 2 of the language (docs/scenario-format.md). */
const V2_OPS = new Set(['swapon', 'swapoff', 'sysctl', 'sysfs', 'cgroup', 'join', 'oom_score_adj', 'oom_score', 'cgstat', 'events', 'sleep']);

/** A cgroup name becomes a directory beside the cgroup's control files. */
const CGROUP_NAME = /^[A-Za-z0-9_-]{1,63}$/;
const CGROUP_FILES = new Set(['tasks', 'notify_on_release', 'release_agent']);

/** What the real-kernel runner needs to know about this host. */
export interface HostMemory {
  memtotalKb: number;
  memAvailableKb: number;
}

/** MemTotal and MemAvailable of this host (/proc/meminfo). */
export function readHostMemory(): HostMemory {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { memtotalKb: kb('MemTotal'), memAvailableKb: kb('MemAvailable') };
}

/**
 * The machine a version-2 run gets (docs/kernel-runner.md), or null for a
 * version-1 run, which runs on the host as it is. A scenario is version 2
 * when it uses a version-2 operation, or when its machine line asks for
 * swap or for less memory than the host has. Its memory cgroup is limited
 * to the machine's memtotal when that is below the host's, else to 3/4 of
 * the host's MemAvailable (so that a runaway scenario meets a cgroup OOM,
 * never the host's); its swap is a swap file of the machine's size.
 */
export function runMachine(program: Program, host: HostMemory): { limitBytes: number; swapPages: number } | null {
  const m = program.machine;
  const smaller = program.hasMachineLine && m.memtotalKb < host.memtotalKb;
  const pressure = smaller || m.swapKb > 0 || program.ops.some((op) => V2_OPS.has(op.op));
  if (!pressure) return null;
  const swapPages = m.swapKb > 0 ? Math.floor(m.swapKb / 4) + 1 : 0;
  if (!smaller) return { limitBytes: Math.floor((host.memAvailableKb * 3) / 16) * 4096, swapPages };
  return { limitBytes: (Math.floor(m.memtotalKb / 4) - highWatermarkPages(m)) * 4096, swapPages };
}

/**
 * The pages kswapd keeps free on the machine: the sum of its zones' high
 * watermarks (setup_per_zone_wmarks, from min_free_kbytes). A memory cgroup
 * has no watermarks: its usage runs up to its limit. So the machine cgroup
 * is limited to memtotal minus these pages, the memory a workload can hold
 * on the machine before kswapd reclaims.
 */
export function highWatermarkPages(m: MachineConfig): number {
  const zones = layoutZones(Math.floor(m.memtotalKb / 4));
  setupWatermarks(zones, m.minFreeKbytes);
  return zones.reduce((sum, z) => sum + (z.managed ? z.watermark[WMARK_HIGH]! : 0), 0);
}

/** The runner could not be built or run, or broke its protocol. Not a script error. */
export class KernelRunnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelRunnerError';
  }
}

/** The C source shipped with mmsim. */
export const RUNNER_SOURCE = fileURLToPath(new URL('../../../runner/mmsim-runner.c', import.meta.url));

/** Flags the runner is built with; part of the cache key. */
export const RUNNER_CFLAGS = ['-std=c11', '-O2', '-Wl,-z,now'];

function protBits(p: Prot): number {
  return (p.read ? 1 : 0) | (p.write ? 2 : 0) | (p.exec ? 4 : 0);
}

export interface CompiledProtocol {
  text: string;
  /** Mapping names by protocol id (order of first mmap in the script). */
  mapNames: string[];
  /** Cgroup names by protocol id (order of first `cgroup` line). */
  cgroupNames: string[];
  /** The run's machine (version 2), or null. */
  machine: { limitBytes: number; swapPages: number } | null;
}

export interface CompileOptions {
  /** This host's memory (default: read from /proc/meminfo). */
  host?: HostMemory;
  /** The runner gives up after this long (default 120 s). */
  timeoutMs?: number;
}

/**
 * Throws KernelRunnerError naming the machine line if the scenario's machine
 * is one the host cannot be: a 32-bit machine is simulator only, and so is
 * the multi-gen LRU (this host's kernel is built without CONFIG_LRU_GEN).
 */
export function checkKernelRunnable(program: Program): void {
  const arch = program.machine.arch ?? 'x86_64';
  if (arch !== 'x86_64') {
    throw new KernelRunnerError(`line ${program.machineLineNo || 1}: arch=${arch} is simulator only; the real-kernel runner runs scenarios on this host's x86-64 kernel`);
  }
  if (program.machine.lruGen) {
    throw new KernelRunnerError(`line ${program.machineLineNo || 1}: lru_gen is simulator only; this host's kernel has no CONFIG_LRU_GEN`);
  }
}

/**
 * Compiles a Program into the runner's input (docs/runner-protocol.md): a
 * header with the timeout, the run's machine, the process tree, the mapping
 * and cgroup names, then one line per operation `LINE PROC NAME ARGS...`
 * with pages resolved, PROT as bits (r=1 w=2 x=4), mappings and cgroups as
 * ids. Throws KernelRunnerError for what the real kernel cannot run.
 */
export function compileProtocol(program: Program, opts: CompileOptions = {}): CompiledProtocol {
  checkKernelRunnable(program);
  const mapNames: string[] = [];
  const mapId = new Map<string, number>();
  const cgroupNames: string[] = [];
  const cgId = new Map<string, number>();
  for (const op of program.ops) {
    if (op.op === 'mmap' && !mapId.has(op.name)) {
      mapId.set(op.name, mapNames.length);
      mapNames.push(op.name);
    }
    if (op.op === 'cgroup' && !cgId.has(op.name)) {
      if (!CGROUP_NAME.test(op.name) || CGROUP_FILES.has(op.name)) {
        throw new KernelRunnerError(
          `line ${op.line}: cgroup name '${op.name}' cannot be a directory of the cgroup file system for the real-kernel runner (use letters, digits, _ and -)`,
        );
      }
      cgId.set(op.name, cgroupNames.length);
      cgroupNames.push(op.name);
    }
  }
  const id = (name: string): number => {
    const v = mapId.get(name);
    if (v === undefined) throw new KernelRunnerError(`mapping '${name}' is never mmapped`);
    return v;
  };
  const cg = (name: string): number => {
    const v = cgId.get(name);
    if (v === undefined) throw new KernelRunnerError(`cgroup '${name}' is never made`);
    return v;
  };
  const machine = runMachine(program, opts.host ?? readHostMemory());
  const out: string[] = [
    `mmsim-runner ${PROTOCOL_VERSION}`,
    `timeout ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS}`,
    machine ? `machine 1 ${machine.limitBytes} ${machine.swapPages}` : 'machine 0 -1 0',
    `procs ${program.procs.length}`,
  ];
  program.procs.forEach((p, i) => out.push(`proc ${i} ${p.parent} ${p.name}`));
  out.push(`maps ${mapNames.length}`);
  mapNames.forEach((n, i) => out.push(`map ${i} ${n}`));
  out.push(`cgroups ${cgroupNames.length}`);
  cgroupNames.forEach((n, i) => out.push(`cgroup ${i} ${n}`));
  out.push(`ops ${program.ops.length}`);
  for (const op of program.ops) out.push(`${op.line} ${op.proc} ${opLine(op, id, cg)}`);
  out.push('end');
  return { text: out.join('\n') + '\n', mapNames, cgroupNames, machine };
}

export const DEFAULT_TIMEOUT_MS = 120_000;

function opLine(op: Op, id: (name: string) => number, cg: (name: string) => number): string {
  switch (op.op) {
    case 'file':
      return `file ${op.path} ${op.pages} ${op.fill} ${op.chunk}`;
    case 'truncate':
      return `truncate ${op.path} ${op.pages * 4096 + op.extraBytes}`;
    case 'dropcache':
    case 'unlink':
      return `${op.op} ${op.path}`;
    case 'mmap': {
      const after = op.after === null ? -1 : id(op.after);
      const kind = op.file === null ? 'anon' : `file ${op.file}`;
      // HUGETLB: 0 none, 1 MAP_HUGETLB, else log2 of the size for MAP_HUGE_<SIZE> too.
      const flags = `${op.shared ? 1 : 0} ${op.populate ? 1 : 0} ${op.noreserve ? 1 : 0} ${op.hugetlb ? op.hugeSizeLog || 1 : 0}`;
      return `mmap ${id(op.name)} ${op.pages} ${protBits(op.prot)} ${flags} ${op.offset} ${after} ${kind}`;
    }
    case 'munmap':
    case 'mlock':
    case 'munlock':
    case 'peek':
    case 'pagemap':
      return `${op.op} ${id(op.name)} ${op.first} ${op.count}`;
    case 'mprotect':
      return `mprotect ${id(op.name)} ${op.first} ${op.count} ${protBits(op.prot)}`;
    case 'madvise':
      return `madvise ${id(op.name)} ${op.first} ${op.count} ${op.advice}`;
    case 'msync':
      return `msync ${id(op.name)} ${op.first} ${op.count} ${op.mode}`;
    case 'mremap':
      return `mremap ${id(op.name)} ${op.newPages} ${op.move ? 1 : 0}`;
    case 'touch':
      return `touch ${id(op.name)} ${op.first} ${op.count} ${op.write ? 1 : 0} ${op.value} ${op.step}`;
    case 'fpeek':
      return `fpeek ${op.path} ${op.first} ${op.count}`;
    case 'expect_segv':
      return `expect_segv ${id(op.name)} ${op.page} ${op.write ? 1 : 0}`;
    case 'report':
    case 'vmas':
    case 'hugetlb_vmas':
      return 'smaps';
    case 'status':
      return 'status';
    case 'fork':
      return `fork ${op.child}`;
    case 'in':
      return `in ${op.target}`;
    case 'exit':
      return `exit ${op.target}`;
    case 'echo':
      return 'nop';
    case 'exec':
    case 'zoneinfo':
    case 'lru_gen':
      throw new KernelRunnerError(`line ${op.line}: ${op.op} is a simulator-only operation; the real-kernel runner does not run it`);
    case 'sysfs':
      for (const [key] of op.settings) {
        if (!key.startsWith('hugepages/')) throw new KernelRunnerError(`line ${op.line}: sysfs ${key} is simulator-only: the real-kernel runner writes only the hugepages files`);
      }
      return `sysfs ${op.settings.map(([k, v]) => `${k} ${v}`).join(' ')}`;
    case 'swapon':
      if (op.prio !== null && op.prio < 0) throw new KernelRunnerError(`line ${op.line}: swapon(2) takes priorities 0 to 32767, not ${op.prio}`);
      return `swapon ${op.path} ${op.pages} ${op.prio === null ? '0 0' : `1 ${op.prio}`}`;
    case 'swapoff':
      return `swapoff ${op.path}`;
    case 'sysctl':
      for (const [key] of op.settings) {
        if (key === 'panic_on_oom') {
          throw new KernelRunnerError(`line ${op.line}: sysctl panic_on_oom is simulator-only: the real-kernel runner refuses it (it would panic this machine)`);
        }
      }
      return `sysctl ${op.settings.map(([k, v]) => `${k} ${v}`).join(' ')}`;
    case 'cgroup':
      return `cgroup ${cg(op.name)} ${op.limit} ${op.memsw ?? -1} ${op.swappiness ?? -1}`;
    case 'join':
      return `join ${cg(op.name)}`;
    case 'cgstat':
      return `cgstat ${cg(op.name)}`;
    case 'oom_score_adj':
      return `oom_score_adj ${op.value}`;
    case 'oom_score':
    case 'events':
      return op.op;
    case 'hugepages':
      return op.sizeKb ? `hugepages ${op.sizeKb}` : 'hugepages';
    case 'sleep':
      return `sleep ${op.ms}`;
    case 'access':
    case 'tlbstat':
    case 'cachestat':
      throw new KernelRunnerError(`line ${op.line}: ${op.op} runs on the simulated hardware only; the real-kernel runner does not run it`);
  }
}

export interface RunnerOutput {
  records: OpRecord[];
  /** An F line: the runner gave up (a process died...). */
  fatal: string | null;
}

/**
 * Reads the runner's stdout back into records, one per operation in order.
 * Throws KernelRunnerError on anything that breaks the protocol.
 */
export function parseRunnerOutput(out: Buffer, mapNames: string[], procNames: string[] = []): RunnerOutput {
  const records: OpRecord[] = [];
  let pos = 0;
  let pending: string[] = [];
  const bad = (what: string): never => {
    throw new KernelRunnerError(`kernel runner: bad output (${what}) after ${records.length} records`);
  };
  const line = (): string | null => {
    if (pos >= out.length) return null;
    const nl = out.indexOf(10, pos);
    if (nl < 0) bad('unterminated line');
    const s = out.toString('utf8', pos, nl);
    pos = nl + 1;
    return s;
  };
  const blob = (): string => {
    const parts: Buffer[] = [];
    for (;;) {
      const l = line();
      const m = l === null ? null : /^T (\d+)$/.exec(l);
      if (!m) return bad('expected a T chunk');
      const n = Number(m[1]);
      if (n === 0) return Buffer.concat(parts).toString('utf8');
      if (pos + n > out.length) bad('truncated chunk');
      parts.push(out.subarray(pos, pos + n));
      pos += n;
    }
  };
  for (;;) {
    const l = line();
    if (l === null) return { records, fatal: null };
    if (l.startsWith('F ')) return { records, fatal: l.slice(2) };
    if (l === '+' || l.startsWith('+ ')) {
      for (const t of l.slice(1).split(' ')) if (t !== '') pending.push(t);
      continue;
    }
    const m = /^R (\d+) (\S+)(?: (.*))?$/.exec(l);
    if (!m) bad(`unexpected line '${l.slice(0, 60)}'`);
    if (Number(m![1]) !== records.length) bad(`record ${m![1]} out of order`);
    const kind = m![2]!;
    const rest = m![3] ?? '';
    const args = rest === '' ? [] : rest.split(' ');
    switch (kind) {
      case 'none':
        records.push({ kind: 'none' });
        break;
      case 'ok':
        records.push({ kind: 'ok' });
        break;
      case 'ret':
        records.push({ kind: 'ret', value: args[0] ?? bad('ret without a value') });
        break;
      case 'errno':
        records.push({ kind: 'errno', value: args[0] ?? bad('errno without a name') });
        break;
      case 'signal': {
        const sig = args[0];
        if ((sig !== 'SIGSEGV' && sig !== 'SIGBUS') || !/^\d+$/.test(args[1] ?? '')) bad('bad signal record');
        records.push({ kind: 'signal', sig: sig as 'SIGSEGV' | 'SIGBUS', page: Number(args[1]) });
        break;
      }
      case 'values': {
        const values: number[] = [];
        for (const t of pending) {
          const r = /^(-?\d+)\*(\d+)$/.exec(t);
          if (!r) bad(`bad value run '${t}'`);
          const v = Number(r![1]);
          for (let k = Number(r![2]); k > 0; k--) values.push(v);
        }
        records.push({ kind: 'values', values });
        break;
      }
      case 'pagemap': {
        const codes = pending.join('');
        if (!/^[.zaAfF]*$/.test(codes)) bad('bad pagemap codes');
        records.push({ kind: 'pagemap', codes });
        break;
      }
      case 'smaps': {
        if (args.length !== 3 || !args.every((a) => /^\d+$/.test(a))) bad('bad smaps record');
        const maps: MappingPlace[] = [];
        for (let k = Number(args[2]); k > 0; k--) {
          const ml = /^M (\d+) ([0-9a-f]+) (\d+)$/.exec(line() ?? '');
          if (!ml) bad('expected an M line');
          const name = mapNames[Number(ml![1])] ?? bad(`unknown mapping id ${ml![1]}`);
          maps.push({ name, addr: parseInt(ml![2]!, 16), pages: Number(ml![3]) });
        }
        records.push({ kind: 'smaps', text: blob(), maps, minflt: Number(args[0]), majflt: Number(args[1]) });
        break;
      }
      case 'status': {
        const text = blob();
        records.push({ kind: 'status', text, baseline: blob() });
        break;
      }
      case 'error':
        records.push({ kind: 'error', message: rest });
        break;
      case 'killed':
        records.push({ kind: 'killed' });
        break;
      case 'hugepages': {
        if ((args.length !== 5 && args.length !== 6) || !args.every((a) => /^-?\d+$/.test(a))) bad('bad hugepages record');
        const [total, free, rsvd, surp, hugetlbKb, meminfoHugetlbKb] = args.map(Number) as [number, number, number, number, number, number | undefined];
        records.push({ kind: 'hugepages', total, free, rsvd, surp, hugetlbKb, ...(meminfoHugetlbKb === undefined ? {} : { meminfoHugetlbKb }) });
        break;
      }
      case 'oom_score':
        if (args.length !== 2 || !args.every((a) => /^-?\d+$/.test(a))) bad('bad oom_score record');
        records.push({ kind: 'oom_score', score: Number(args[0]), adj: Number(args[1]) });
        break;
      case 'cgstat': {
        if (args.length !== 6 || !args.every((a) => /^-?\d+$/.test(a))) bad('bad cgstat record');
        const [usage, max, limit, memsw, failcnt, oomKill] = args.map(Number) as [number, number, number, number, number, number];
        const kb = (b: number): number => Math.floor(b / 1024);
        records.push({ kind: 'cgstat', usageKb: kb(usage), maxUsageKb: kb(max), limitKb: limit < 0 ? -1 : kb(limit), memswUsageKb: kb(memsw), failcnt, oomKill });
        break;
      }
      case 'events':
        records.push({ kind: 'events', killed: args.map((a) => procNames[Number(a)] ?? bad(`unknown process ${a}`)) });
        break;
      default:
        bad(`unknown record kind '${kind}'`);
    }
    pending = [];
  }
}

export interface BuildOptions {
  /** C compiler (default: $CC, else `cc`). */
  cc?: string;
  /** Where built runners are cached (default: $XDG_CACHE_HOME/mmsim or ~/.cache/mmsim). */
  cacheDir?: string;
  /** The C source (default: the one shipped with mmsim). */
  source?: string;
}

/** The default cache directory of built runners. */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'mmsim');
}

/**
 * Returns the path of a runner binary built from the current source, building
 * it first if the cache has none (`cc -std=c11 -O2 -Wl,-z,now`). The cache key
 * hashes the source, the compiler name and the flags, so an edited source is
 * rebuilt. Throws KernelRunnerError when no compiler is found or the build fails.
 */
export function ensureRunner(opts: BuildOptions = {}): string {
  const cc = opts.cc ?? (process.env.CC !== undefined && process.env.CC !== '' ? process.env.CC : 'cc');
  const sourcePath = opts.source ?? RUNNER_SOURCE;
  let source: Buffer;
  try {
    source = readFileSync(sourcePath);
  } catch {
    throw new KernelRunnerError(`cannot read the runner source ${sourcePath}`);
  }
  const hash = createHash('sha256').update(source).update('\0').update(cc).update('\0').update(RUNNER_CFLAGS.join(' ')).digest('hex');
  const dir = opts.cacheDir ?? defaultCacheDir();
  const bin = join(dir, `mmsim-runner-${hash.slice(0, 16)}`);
  if (existsSync(bin)) return bin;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new KernelRunnerError(`cannot create the runner cache directory ${dir}: ${(e as Error).message}`);
  }
  // Build under a unique name, then rename: concurrent builds never see a half-written binary.
  const tmp = `${bin}.${process.pid}.tmp`;
  const r = spawnSync(cc, [...RUNNER_CFLAGS, '-o', tmp, sourcePath], { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new KernelRunnerError(`mmsim kernel needs a C compiler: '${cc}' was not found (install gcc or clang, or set CC)`);
  }
  if (r.error || r.status !== 0) {
    rmSync(tmp, { force: true });
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(0, 5).join('\n');
    throw new KernelRunnerError(`building the kernel runner with '${cc}' failed:\n${why}`);
  }
  chmodSync(tmp, 0o755);
  renameSync(tmp, bin);
  return bin;
}

export interface KernelRunOptions extends BuildOptions {
  /** Directory in which the run's fresh scratch directory is made (default: the current directory). */
  workdir?: string;
  /** The runner stops the run after this long (default 120 s); mmsim kills it 30 s later. */
  timeoutMs?: number;
  /** Extra environment for the runner (tests use MMSIM_RUNNER_KPAGEFLAGS). */
  env?: Record<string, string>;
  /** Run this protocol text instead of the compiled program (tests). */
  protocolText?: string;
  /** This host's memory (default: /proc/meminfo). */
  host?: HostMemory;
}

export interface KernelRun {
  /** One record per operation, fewer if the run stopped at an error. */
  records: OpRecord[];
  /**
   * Set when the runner failed after every operation had its record (a
   * process died at the very end); the line is the last operation's.
   */
  failure: { line: number; message: string } | null;
  /** What the runner wrote on stderr (and what mmsim had to undo after it). */
  stderr: string;
}

function signalName(sig: NodeJS.Signals | null, status: number | null): string {
  return sig !== null ? `killed by ${sig}` : `exit status ${status}`;
}

/** The cgroup v1 memory controller, where version-2 runs make their cgroups. */
export const MEMCG_ROOT = '/sys/fs/cgroup/memory';

/** Sleeps without an event loop (the undo path runs inside a synchronous call). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Undoes what a version-2 run changed on the host when the runner could not
 * (it was killed): the journal `.mmsim-undo` it keeps in its scratch
 * directory lists each change before it is made ("cgroup DIR", "swap PATH",
 * "sysctl KEY ORIGINAL", "sysfs KEY ORIGINAL"). Kills what is left in the cgroups, removes them,
 * turns the swap files off (swapoff(8)) and removes them, restores the
 * sysctls. Returns one line per thing it had to undo or could not.
 */
export function undoJournal(scratchDir: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(scratchDir, '.mmsim-undo'), 'utf8');
  } catch {
    return [];
  }
  const notes: string[] = [];
  const entries = text.split('\n').filter((l) => l !== '').map((l) => l.split(' '));
  // Newest first: the scenario's cgroups lie inside the machine cgroup.
  const cgroups = entries
    .filter((e) => e[0] === 'cgroup')
    .map((e) => e[1]!)
    .reverse();
  for (const dir of cgroups) {
    if (!existsSync(dir)) continue;
    for (let round = 0; round < 200; round++) {
      let pids: string[];
      try {
        pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter((x) => x !== '');
      } catch {
        break;
      }
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      sleepSync(25);
    }
  }
  let swaps = '';
  try {
    swaps = readFileSync('/proc/swaps', 'utf8');
  } catch {
    // no swap support
  }
  for (const e of entries.filter((x) => x[0] === 'swap').reverse()) {
    const path = e[1]!;
    if (swaps.split('\n').some((l) => l.split(/\s+/)[0] === path)) {
      const r = spawnSync('swapoff', [path], { encoding: 'utf8' });
      notes.push(r.status === 0 ? `swapoff ${path}` : `could not swapoff ${path}: ${(r.stderr || r.error?.message || '').trim()}`);
    }
    if (existsSync(path)) {
      try {
        rmSync(path, { force: true });
        notes.push(`removed ${path}`);
      } catch (err) {
        notes.push(`could not remove ${path}: ${(err as Error).message}`);
      }
    }
  }
  for (const dir of cgroups) {
    if (!existsSync(dir)) continue;
    // rmdir(2) removes a cgroup (its control files are not real files); it is busy while tasks exit.
    for (let round = 0; round < 200 && existsSync(dir); round++) {
      try {
        rmdirSync(dir);
      } catch {
        sleepSync(25);
      }
    }
    notes.push(existsSync(dir) ? `could not remove memory cgroup ${dir}` : `removed memory cgroup ${dir}`);
  }
  const sysctls = entries.filter((e) => e[0] === 'sysctl');
  const write = (key: string, value: string): void => {
    try {
      writeFileSync(`/proc/sys/vm/${key}`, value);
      notes.push(`restored vm.${key} = ${value}`);
    } catch (err) {
      notes.push(`could not restore vm.${key} = ${value}: ${(err as Error).message}`);
    }
  };
  const ratio = sysctls.find((e) => e[1] === 'overcommit_ratio');
  const kbytes = sysctls.find((e) => e[1] === 'overcommit_kbytes');
  for (const e of [...sysctls].reverse()) if (e[1] !== 'overcommit_ratio' && e[1] !== 'overcommit_kbytes') write(e[1]!, e[2] ?? '');
  if (ratio) write('overcommit_ratio', ratio[2] ?? '50');
  if (kbytes && kbytes[2] !== '0') write('overcommit_kbytes', kbytes[2]!);
  // sysfs files (the hugetlb pools of each size), newest change first.
  for (const e of entries.filter((x) => x[0] === 'sysfs').reverse()) {
    const path = `/sys/kernel/mm/${e[1]}`;
    try {
      writeFileSync(path, e[2] ?? '');
      notes.push(`restored ${path} = ${e[2]}`);
    } catch (err) {
      notes.push(`could not restore ${path} = ${e[2]}: ${(err as Error).message}`);
    }
  }
  return notes;
}

/** Why this host cannot run a version-2 scenario, or null. */
export function pressureUnsupported(): string | null {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'mmsim kernel runs version-2 scenarios (swap, memory cgroups, sysctls, OOM kills) only as root';
  }
  if (!existsSync(join(MEMCG_ROOT, 'memory.limit_in_bytes'))) {
    return `mmsim kernel runs version-2 scenarios inside a memory cgroup: it needs the cgroup v1 memory controller at ${MEMCG_ROOT}`;
  }
  return null;
}

/**
 * Runs the program on the real kernel. Relative paths in the script resolve
 * in a fresh scratch directory made inside `workdir` (so on the filesystem
 * the user works on) and removed afterwards. A version-2 program runs in a
 * machine cgroup with the machine's swap (runMachine). A runtime script
 * error or a process that died becomes an 'error' record; a runner that
 * cannot be built, prepared or run, or breaks its protocol, throws
 * KernelRunnerError. Whatever happens, what the run changed on the host is
 * undone (by the runner, else from its journal).
 */
export function runKernel(program: Program, opts: KernelRunOptions = {}): KernelRun {
  checkKernelRunnable(program);
  const bin = ensureRunner(opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { text, mapNames, machine } = compileProtocol(program, { timeoutMs, ...(opts.host ? { host: opts.host } : {}) });
  if (machine && opts.protocolText === undefined) {
    const why = pressureUnsupported();
    if (why) throw new KernelRunnerError(why);
  }
  const base = opts.workdir ?? process.cwd();
  let dir: string;
  try {
    dir = mkdtempSync(join(base, '.mmsim-kernel-'));
  } catch (e) {
    throw new KernelRunnerError(`cannot make a scratch directory in ${base}: ${(e as Error).message} (use --workdir DIR)`);
  }
  let r;
  let undone: string[];
  try {
    r = spawnSync(bin, [], {
      input: opts.protocolText ?? text,
      cwd: dir,
      env: { ...process.env, ...opts.env },
      maxBuffer: 2 ** 31 - 1,
      // The runner stops itself at timeoutMs and cleans up; this is the last resort.
      timeout: timeoutMs + 30_000,
      killSignal: 'SIGKILL',
    });
  } finally {
    undone = undoJournal(dir);
    rmSync(dir, { recursive: true, force: true });
  }
  let stderr = r.stderr ? r.stderr.toString('utf8') : '';
  if (undone.length) stderr += `mmsim: the kernel runner did not finish its cleanup; mmsim undid: ${undone.join('; ')}\n`;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new KernelRunnerError(`the kernel runner did not finish within ${timeoutMs / 1000 + 30} s`);
  }
  if (r.error) throw new KernelRunnerError(`cannot run the kernel runner: ${r.error.message}`);
  if (r.status === 2) throw new KernelRunnerError(`the kernel runner rejected its input: ${stderr.trim()}`);
  if (r.status === 5) throw new KernelRunnerError(stderr.trim().split('\n')[0]!.replace(/^mmsim-runner: /, 'the kernel runner '));
  const { records, fatal } = parseRunnerOutput(r.stdout, mapNames, program.procs.map((p) => p.name));
  if (records.length > program.ops.length) throw new KernelRunnerError('kernel runner: more records than operations');
  const stoppedByError = records.length > 0 && records[records.length - 1]!.kind === 'error';
  let message = fatal;
  if (message === null && !stoppedByError && (records.length < program.ops.length || r.status !== 0)) {
    const said = stderr.split('\n').find((l) => l.trim() !== '' && !/^mmsim(-runner)?: (warning|the kernel runner did not finish)/.test(l));
    const why = said === undefined ? '' : `: ${said.trim()}`;
    message = `the kernel runner stopped unexpectedly (${signalName(r.signal, r.status)})${why}`;
  }
  if (message === null) return { records, failure: null, stderr };
  if (records.length < program.ops.length) {
    records.push({ kind: 'error', message });
    return { records, failure: null, stderr };
  }
  const last = program.ops[program.ops.length - 1];
  return { records, failure: { line: last ? last.line : 0, message }, stderr };
}
