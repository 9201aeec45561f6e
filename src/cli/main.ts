// The `mmsim` command. Each subcommand lives in its own file under commands/
// and registers itself on the program; this file only wires them up and turns
// bad input into one line on stderr and a non-zero exit.
import { Command, CommanderError } from 'commander';
import { InputError } from './errors.js';
import { commands } from './commands/index.js';

const program = new Command('mmsim')
  .description('A deterministic simulator of the Linux virtual-memory subsystem')
  .showHelpAfterError()
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof InputError) {
    process.stderr.write(`mmsim: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    throw err;
  }
}
