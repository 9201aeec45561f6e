// `mmsim tour` (what `npm start` runs): a guided walk through examples/, one
// scenario per question of the Linux memory FAQ. Each stop prints the
// question, what to look at, the script, and what the simulator printed.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import pc from 'picocolors';
import { formatRun } from '../../workload/scenario/format.js';
import { parseScenario } from '../../workload/scenario/parse.js';
import { runSim } from '../../workload/scenario/sim_runner.js';

export const EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');

/** The text of one tour stop for an example scenario. */
export function tourStop(name: string, source: string, color: boolean): string {
  const c = color ? pc : { bold: (s: string) => s, dim: (s: string) => s, cyan: (s: string) => s };
  const comments = source
    .split('\n')
    .filter((l) => l.startsWith('#') && !/^#\s*tolerance\b/.test(l))
    .map((l) => l.replace(/^# ?/, ''));
  const script = source.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const program = parseScenario(source);
  const out = formatRun(program, runSim(program));
  const lines = [
    c.bold(c.cyan(`== ${comments[0] ?? name}`)),
    ...comments.slice(1).map((l) => `   ${l}`.trimEnd()),
    '',
    c.dim(`   $ cat examples/${name}`),
    ...script.map((l) => c.dim(`   ${l}`)),
    '',
    c.dim(`   $ mmsim run examples/${name}`),
    ...out.lines.map((l) => `   ${l}`),
    ...(out.error ? [`   ERROR line ${out.error.line}: ${out.error.message}`] : []),
    '',
  ];
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('tour')
    .description('a guided tour of the examples: one scenario per question of the memory FAQ')
    .option('--only <substring>', 'show only the examples whose file name contains this')
    .action((opts: { only?: string }) => {
      const files = readdirSync(EXAMPLES_DIR)
        .filter((f) => f.endsWith('.scn') && (!opts.only || f.includes(opts.only)))
        .sort();
      const color = process.stdout.isTTY === true;
      process.stdout.write(
        `mmsim: a simulator of the Linux virtual-memory subsystem.\n` +
          `This tour runs ${files.length} example scenarios from examples/ in the simulator on a ` +
          `24 GiB x86-64 machine like the one mmsim is checked against ` +
          `(except where an example's machine line asks for another, such as a 32-bit one).\n` +
          `Run any of them on your own kernel with \`mmsim kernel FILE\`, or both with \`mmsim diff FILE\`.\n\n`,
      );
      for (const f of files) process.stdout.write(tourStop(f, readFileSync(join(EXAMPLES_DIR, f), 'utf8'), color));
    });
}
