// Runs a parsed scenario on the host's real Linux kernel through the C runner
// (runner/mmsim-runner.c): compiles the Program into the runner's line
// protocol (docs/runner-protocol.md), builds the runner with the system C
// compiler on first use (cached by a hash of its source), runs it in a fresh
// scratch directory and reads its output back into the same OpRecords the
// simulator produces, so that one formatter prints both.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Op, Prot } from './ops.js';
import type { Program } from './parse.js';
import type { MappingPlace, OpRecord } from './records.js';

export const PROTOCOL_VERSION = 1;

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
}

/**
 * Compiles a Program into the runner's input (docs/runner-protocol.md): a
 * header with the process tree and the mapping names, then one line per
 * operation `LINE PROC NAME ARGS...` with pages resolved, PROT as bits
 * (r=1 w=2 x=4) and mappings as ids.
 */
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

export function compileProtocol(program: Program): CompiledProtocol {
  checkKernelRunnable(program);
  const mapNames: string[] = [];
  const mapId = new Map<string, number>();
  for (const op of program.ops) {
    if (op.op === 'mmap' && !mapId.has(op.name)) {
      mapId.set(op.name, mapNames.length);
      mapNames.push(op.name);
    }
  }
  const id = (name: string): number => {
    const v = mapId.get(name);
    if (v === undefined) throw new KernelRunnerError(`mapping '${name}' is never mmapped`);
    return v;
  };
  const out: string[] = [`mmsim-runner ${PROTOCOL_VERSION}`, `procs ${program.procs.length}`];
  program.procs.forEach((p, i) => out.push(`proc ${i} ${p.parent} ${p.name}`));
  out.push(`maps ${mapNames.length}`);
  mapNames.forEach((n, i) => out.push(`map ${i} ${n}`));
  out.push(`ops ${program.ops.length}`);
  for (const op of program.ops) out.push(`${op.line} ${op.proc} ${opLine(op, id)}`);
  out.push('end');
  return { text: out.join('\n') + '\n', mapNames };
}

function opLine(op: Op, id: (name: string) => number): string {
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
      const flags = `${op.shared ? 1 : 0} ${op.populate ? 1 : 0} ${op.noreserve ? 1 : 0}`;
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
    case 'sysfs':
      throw new KernelRunnerError(`line ${op.line}: ${op.op} is a simulator-only operation; the real-kernel runner does not run it`);
    default:
      throw new KernelRunnerError(`line ${op.line}: the real-kernel runner does not run '${op.op}' yet`);
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
export function parseRunnerOutput(out: Buffer, mapNames: string[]): RunnerOutput {
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
  /** Kill the run after this long (default 120 s). */
  timeoutMs?: number;
  /** Extra environment for the runner (tests use MMSIM_RUNNER_KPAGEFLAGS). */
  env?: Record<string, string>;
  /** Run this protocol text instead of the compiled program (tests). */
  protocolText?: string;
}

export interface KernelRun {
  /** One record per operation, fewer if the run stopped at an error. */
  records: OpRecord[];
  /**
   * Set when the runner failed after every operation had its record (a
   * process died at the very end); the line is the last operation's.
   */
  failure: { line: number; message: string } | null;
  /** What the runner wrote on stderr. */
  stderr: string;
}

function signalName(sig: NodeJS.Signals | null, status: number | null): string {
  return sig !== null ? `killed by ${sig}` : `exit status ${status}`;
}

/**
 * Runs the program on the real kernel. Relative paths in the script resolve
 * in a fresh scratch directory made inside `workdir` (so on the filesystem
 * the user works on) and removed afterwards. A runtime script error or a
 * process that died becomes an 'error' record; a runner that cannot be built
 * or breaks its protocol throws KernelRunnerError.
 */
export function runKernel(program: Program, opts: KernelRunOptions = {}): KernelRun {
  checkKernelRunnable(program);
  const bin = ensureRunner(opts);
  const { text, mapNames } = compileProtocol(program);
  const base = opts.workdir ?? process.cwd();
  let dir: string;
  try {
    dir = mkdtempSync(join(base, '.mmsim-kernel-'));
  } catch (e) {
    throw new KernelRunnerError(`cannot make a scratch directory in ${base}: ${(e as Error).message} (use --workdir DIR)`);
  }
  let r;
  try {
    r = spawnSync(bin, [], {
      input: opts.protocolText ?? text,
      cwd: dir,
      env: { ...process.env, ...opts.env },
      maxBuffer: 2 ** 31 - 1,
      timeout: opts.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const stderr = r.stderr ? r.stderr.toString('utf8') : '';
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new KernelRunnerError(`the kernel runner did not finish within ${(opts.timeoutMs ?? 120_000) / 1000} s`);
  }
  if (r.error) throw new KernelRunnerError(`cannot run the kernel runner: ${r.error.message}`);
  if (r.status === 2) throw new KernelRunnerError(`the kernel runner rejected its input: ${stderr.trim()}`);
  const { records, fatal } = parseRunnerOutput(r.stdout, mapNames);
  if (records.length > program.ops.length) throw new KernelRunnerError('kernel runner: more records than operations');
  const stoppedByError = records.length > 0 && records[records.length - 1]!.kind === 'error';
  let message = fatal;
  if (message === null && !stoppedByError && (records.length < program.ops.length || r.status !== 0)) {
    const why = stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n')[0]}`;
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
