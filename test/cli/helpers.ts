// Runs the mmsim CLI as a user would: `mmsim()` in-process (fast: the same
// commands and the same error handling as src/cli/main.ts, with stdout and
// stderr captured), `mmsimProcess()` in a real child process.
import { spawnSync } from 'node:child_process';
import { Command, CommanderError } from 'commander';
import { commands } from '../../src/cli/commands/index.js';
import { InputError } from '../../src/cli/errors.js';
import { io } from '../../src/cli/io.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function mmsim(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('mmsim').exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  for (const register of commands) register(program);
  const real = { out: io.out, err: io.err };
  io.out = (s) => void out.push(s);
  io.err = (s) => void err.push(s);
  let code = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
    else if (e instanceof InputError) {
      err.push(`mmsim: ${e.message}\n`);
      code = e.exitCode;
    } else throw e;
  } finally {
    io.out = real.out;
    io.err = real.err;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export function mmsimProcess(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
