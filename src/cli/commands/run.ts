// `mmsim run FILE`: runs a scenario in the simulator and prints what a real
// kernel would (docs/scenario-format.md).
import type { Command } from 'commander';
import { runSim } from '../../workload/scenario/sim_runner.js';
import { loadScenario, printRun } from '../scenario_io.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run a scenario in the simulator (FILE, or - for stdin)')
    .argument('<file>', 'scenario file, or - for stdin')
    .action((file: string) => {
      const prog = loadScenario(file);
      if (!prog) return;
      printRun(prog, runSim(prog));
    });
}
