// `mmsim record -o FILE -- CMD ARGS`: runs CMD under valgrind's lackey tool
// and writes every memory reference it makes, with its address space, as an
// mmsim binary trace (docs/trace-format.md, maps section). Method
// (docs/hardware.md, "Recording a program"): valgrind runs with
// --trace-mem=yes (lackey's I/L/S/M lines) and --trace-syscalls=yes, both
// written to one pipe in program order, so every mmap, munmap, mprotect,
// mremap and brk lands between the right references; /proc/PID/maps is read
// once, when the first bytes of the log arrive, for the layout valgrind set
// up before the program ran (executable, dynamic loader, stack).
// Two details make the recorded run the one `valgrind --tool=cachegrind CMD`
// typed in the same shell would see: a forked child is silenced
// (--child-silent-after-fork=yes: its references would otherwise be mixed
// into the parent's, and cachegrind reports each process on its own), and
// the environment variable `_` is set to valgrind's path, as a shell sets it
// for the command it runs (its length moves the initial stack, and with it
// the program's stack addresses).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { startProgress } from '../progress.js';
import { parseMaps, ValgrindSyscalls, type RecordedAddressSpace } from '../../workload/trace/address_space.js';
import { LackeyParser } from '../../workload/trace/lackey.js';
import { lineBatches } from '../../workload/trace/lines.js';
import { COL_KIND, COL_OFFSET, MmsimWriter } from '../../workload/trace/mmsim.js';
import { newRefBatch } from '../../workload/trace/ref.js';

interface RecordFlags {
  output: string;
  quiet?: boolean;
}

/** The valgrind version string, installing valgrind from Debian's packages if it is missing and we may. */
function ensureValgrind(quiet: boolean): string {
  const probe = () => spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  let v = probe();
  if (v.error && existsSync('/usr/bin/apt-get') && process.getuid?.() === 0) {
    if (!quiet) process.stderr.write('mmsim: valgrind is not installed; installing it with apt-get install -y valgrind\n');
    spawnSync('apt-get', ['install', '-y', 'valgrind'], { stdio: ['ignore', 'ignore', 'inherit'] });
    v = probe();
  }
  if (v.error || v.status !== 0) throw new InputError('valgrind is not installed (Debian: sudo apt-get install valgrind)');
  return v.stdout.trim();
}

/** The valgrind options `mmsim record` runs with, before `--log-fd=3 -- CMD`. */
export const RECORD_OPTIONS = ['--tool=lackey', '--trace-mem=yes', '--trace-syscalls=yes', '--child-silent-after-fork=yes'];

/**
 * The path a shell would run for `name` and put in `_` (bash: the full
 * pathname of the command, found on PATH), or `name` itself if none is found.
 */
export function shellPathOf(name: string, path = process.env.PATH ?? ''): string {
  if (name.includes('/')) return name;
  for (const entry of path.split(delimiter)) {
    const dir = entry === '' ? '.' : entry;
    const f = dir.endsWith('/') ? dir + name : `${dir}/${name}`;
    try {
      accessSync(f, constants.X_OK);
      if (statSync(f).isFile()) return f;
    } catch {
      // not here
    }
  }
  return name;
}

/** Size in bytes of each existing file named in the maps or in mmap events. */
function fileSizes(as: RecordedAddressSpace): Record<string, number> {
  const paths = new Set<string>();
  for (const e of parseMaps(as.maps)) if (e.path.startsWith('/')) paths.add(e.path);
  for (const e of as.events) if (e.call === 'mmap' && e.path) paths.add(e.path);
  const out: Record<string, number> = {};
  for (const p of paths) {
    try {
      const st = statSync(p);
      if (st.isFile()) out[p] = st.size;
    } catch {
      // Gone already (a temporary file): the replay sizes it from its mappings.
    }
  }
  return out;
}

/** Records `cmd` into `flags.output`. Resolves with the traced program's exit status. */
export async function record(cmd: string[], flags: RecordFlags): Promise<number> {
  if (cmd.length === 0) throw new InputError('record: no command given (mmsim record -o FILE -- CMD ARGS)');
  const quiet = flags.quiet ?? false;
  const version = ensureValgrind(quiet);
  const child = spawn('valgrind', [...RECORD_OPTIONS, '--log-fd=3', '--', ...cmd], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, _: shellPathOf('valgrind') },
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const log = child.stdio[3] as Readable;
  let maps: string | null = null;
  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of log) {
      // The layout valgrind made before the program ran, read while it runs.
      if (maps === null) maps = readMaps(child.pid);
      yield chunk as Buffer;
    }
  }
  const parser = new LackeyParser(`valgrind log of ${cmd[0]}`);
  const syscalls = new ValgrindSyscalls();
  parser.onOther = (text, at) => syscalls.line(text, at);
  const writer = new MmsimWriter(flags.output, COL_KIND | COL_OFFSET);
  const refs = new Float64Array(4);
  const progress = startProgress({ total: 0, quiet, label: 'record' });
  let status: number;
  try {
    for await (const b of lineBatches(chunks(), parser, newRefBatch())) {
      for (let i = 0; i < b.length; i++) refs[b.kind[i]!]!++;
      await writer.write(b);
      progress.update(0, parser.parsed);
    }
    status = await exited;
    if (parser.parsed === 0) throw new InputError(`record: ${cmd[0]}: no memory reference was traced (valgrind exit status ${status})`);
    const as: RecordedAddressSpace = {
      version: 1,
      command: cmd,
      recorder: `${version} ${RECORD_OPTIONS.join(' ')}`,
      maps: maps ?? '',
      files: {},
      events: syscalls.events,
    };
    as.files = fileSizes(as);
    writer.setMaps(JSON.stringify(as));
    const { records, footprint } = await writer.close();
    progress.stop();
    if (!quiet) {
      process.stderr.write(
        `mmsim: recorded ${records} references (I ${refs[0]}, L ${refs[1]}, S ${refs[2]}, M ${refs[3]}) to ${footprint} pages, ` +
          `${parseMaps(as.maps).length} initial mappings, ${as.events.length} address-space changes -> ${flags.output}` +
          (status !== 0 ? ` (the program exited with status ${status})` : '') +
          '\n',
      );
    }
  } catch (err) {
    progress.stop();
    child.kill();
    await writer.abort();
    if (err instanceof InputError) throw err;
    if (err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'EACCES')) throw new InputError(`${flags.output}: cannot write (${err.code})`);
    throw err;
  }
  return status;
}

function readMaps(pid: number | undefined): string {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return '';
  }
}

export function register(program: Command): void {
  program
    .command('record')
    .description("run a command under valgrind's lackey tool and write its memory references and address space as an mmsim trace")
    .requiredOption('-o, --output <file>', 'trace to write (.mmsim, or .mmsim.gz to compress)')
    .option('--quiet', 'no summary on stderr')
    .argument('<command...>', 'the command to run and its arguments (put -- before them)')
    .action(async (cmd: string[], flags: RecordFlags) => {
      await record(cmd, flags);
    });
}
