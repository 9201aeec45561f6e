// `mmsim ostep policy|linear|multilevel`: the OSTEP virtual-memory homework
// simulators as drop-in commands. The arguments after the subcommand are handed
// untouched to an optparse-compatible parser (src/lab/ostep/optparse.ts), so
// -C3, --cachesize=3, --cache 3 and clustered flags (-cN) work as in the
// Python scripts, and stdout is byte-identical to theirs.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { runPolicy } from '../../lab/ostep/policy.js';
import { runLinear } from '../../lab/ostep/linear.js';
import { runMultilevel } from '../../lab/ostep/multilevel.js';
import type { ScriptEnv, ScriptResult } from '../../lab/ostep/script.js';

type Runner = (argv: readonly string[], env: ScriptEnv) => ScriptResult;

const SCRIPTS: Array<[name: string, script: string, run: Runner]> = [
  ['policy', 'vm-beyondphys-policy/paging-policy.py', runPolicy],
  ['linear', 'vm-paging/paging-linear-translate.py', runLinear],
  ['multilevel', 'vm-smalltables/paging-multilevel-translate.py', runMultilevel],
];

export function register(program: Command): void {
  const ostep = program
    .command('ostep')
    .description("the OSTEP homework's VM simulators, same options and byte-identical output");
  for (const [name, script, run] of SCRIPTS) {
    ostep
      .command(name)
      .description(`${script} (options as the script's; -h lists them)`)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]', "the script's options")
      .action((_args: string[], _opts: unknown, cmd: Command) => {
        runCommand(`mmsim ostep ${name}`, run, scriptArgv(cmd, name));
      });
  }
}

// The words after "ostep NAME" exactly as typed. commander drops a '--' that
// directly follows the subcommand, which optparse needs to see (it ends the
// options), so the process's argv is used when the words can be found there.
function scriptArgv(cmd: Command, name: string): string[] {
  const raw = process.argv;
  for (let i = 2; i + 1 < raw.length; i++) {
    if (raw[i] === 'ostep' && raw[i + 1] === name) return raw.slice(i + 2);
  }
  return cmd.args;
}

function runCommand(prog: string, run: Runner, argv: readonly string[]): void {
  const result = run(argv, {
    prog,
    columns: process.env.COLUMNS,
    readFile: (path) => readFileSync(path, 'utf8'),
  });
  // A reader that stops early (`| head`) is not an error: end quietly, as a
  // shell tool should, instead of dying on EPIPE with a stack trace.
  process.stdout.once('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  process.stdout.write(result.stdout);
  if (result.error !== undefined) {
    if (result.usage !== undefined) process.stderr.write(result.usage + '\n');
    throw new InputError(`${prog.slice('mmsim '.length)}: ${result.error}`, result.status);
  }
  if (result.status !== 0) process.exitCode = result.status;
}
