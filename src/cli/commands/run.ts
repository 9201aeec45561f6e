// `mmsim run FILE`: runs a scenario in the simulator and prints what a real
// kernel would (docs/scenario-format.md).
import type { Command } from 'commander';
import { SimRun } from '../../workload/scenario/sim_runner.js';
import { procPressure } from '../../report/proc_pressure.js';
import { parseScenarioOrReport, printRun, readScenarioSource } from '../scenario_io.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run a scenario in the simulator')
    .argument('<file>', 'scenario file, or - for stdin')
    .option('--time', 'afterwards, print the simulated time and /proc/pressure on stderr')
    .action((file: string, opts: { time?: boolean }) => {
      const prog = parseScenarioOrReport(readScenarioSource(file));
      if (!prog) {
        process.exitCode = 2;
        return;
      }
      const run = new SimRun(prog);
      process.exitCode = printRun(prog, run.run());
      if (opts.time) {
        const k = run.kernel;
        const c = k.clock;
        c.settle(k);
        const s = (ns: number): string => (ns / 1e9).toFixed(3);
        process.stderr.write(
          `simulated time ${s(c.nowNs)} s: io wait ${s(c.ioWaitNs)} s, memory stall ${s(c.memStallNs)} s, kswapd ${s(c.kswapdNs)} s\n` +
            `/proc/pressure/memory\n${procPressure(k, 'memory')}/proc/pressure/io\n${procPressure(k, 'io')}`,
        );
      }
    });
}
