// `mmsim run FILE`: runs a scenario in the simulator and prints what a real
// kernel would (docs/scenario-format.md).
import type { Command } from 'commander';
import { runSim } from '../../workload/scenario/sim_runner.js';
import { parseScenarioOrReport, printRun, readScenarioSource } from '../scenario_io.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run a scenario in the simulator')
    .argument('<file>', 'scenario file, or - for stdin')
    .action((file: string) => {
      const prog = parseScenarioOrReport(readScenarioSource(file));
      if (!prog) {
        process.exitCode = 2;
        return;
      }
      process.exitCode = printRun(prog, runSim(prog));
    });
}
