// `mmsim kernel FILE`: runs a scenario on this machine's real Linux kernel
// through the C runner, and prints the same text `mmsim run` prints for the
// simulator. `--print-machine` prints the host as a scenario `machine` line.
import type { Command } from 'commander';
import { machineLine } from '../../kernel/machine.js';
import { compareMachine, readHostMachine } from '../../workload/scenario/host_machine.js';
import { checkKernelRunnable, compileProtocol, KernelRunnerError, runKernel } from '../../workload/scenario/kernel_runner.js';
import { InputError } from '../errors.js';
import { parseScenarioOrReport, printRun, printScenarioError, readScenarioSource } from '../scenario_io.js';

interface KernelOptions {
  printMachine?: boolean;
  protocol?: boolean;
  workdir?: string;
  timeout?: string;
}

export function register(program: Command): void {
  program
    .command('kernel')
    .description("run a scenario on this machine's real Linux kernel (C runner built with cc on first use)")
    .argument('[file]', 'scenario file, - for stdin')
    .option('--print-machine', "print this host's machine line and exit")
    .option('--protocol', "print the runner's input (docs/runner-protocol.md) instead of running it")
    .option('--workdir <dir>', "make the run's scratch directory (where relative paths resolve) in DIR (default: .)")
    .option('--timeout <seconds>', 'stop the run (and undo its changes to the host) after this long (default 120)')
    .action((file: string | undefined, opts: KernelOptions) => {
      process.exitCode = kernelCommand(file, opts);
    });
}

function kernelCommand(file: string | undefined, opts: KernelOptions): number {
  if (process.platform !== 'linux') throw new InputError('kernel: the real-kernel runner needs Linux');
  let host;
  try {
    host = readHostMachine(opts.workdir !== undefined ? { dir: opts.workdir } : {});
  } catch (e) {
    throw new InputError(`kernel: ${(e as Error).message}`);
  }
  if (opts.printMachine) {
    process.stdout.write(machineLine(host) + '\n');
    return 0;
  }
  if (file === undefined) throw new InputError('kernel: a scenario FILE (or - for stdin) is needed');
  let timeoutMs: number | undefined;
  if (opts.timeout !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(opts.timeout) || Number(opts.timeout) <= 0) throw new InputError(`kernel: --timeout: expected a number of seconds, got '${opts.timeout}'`);
    timeoutMs = Math.round(Number(opts.timeout) * 1000);
  }
  const source = readScenarioSource(file);
  // `ram` is the RAM of the kernel that runs the script: this host's.
  const program = parseScenarioOrReport(source, { ramMemtotalKb: host.memtotalKb });
  if (program === null) return 2;
  try {
    checkKernelRunnable(program);
  } catch (e) {
    if (e instanceof KernelRunnerError) throw new InputError(e.message);
    throw e;
  }
  if (opts.protocol) {
    try {
      process.stdout.write(compileProtocol(program, timeoutMs !== undefined ? { timeoutMs } : {}).text);
    } catch (e) {
      if (e instanceof KernelRunnerError) throw new InputError(e.message);
      throw e;
    }
    return 0;
  }
  if (program.hasMachineLine) for (const w of compareMachine(program.machine, host)) process.stderr.write(`mmsim: ${w}\n`);
  let run;
  try {
    run = runKernel(program, { ...(opts.workdir !== undefined ? { workdir: opts.workdir } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  } catch (e) {
    if (e instanceof KernelRunnerError) throw new InputError(e.message);
    throw e;
  }
  for (const l of run.stderr.split('\n')) if (/^mmsim(-runner)?: (warning|the kernel runner did not finish)/.test(l)) process.stderr.write(`${l}\n`);
  const code = printRun(program, run.records);
  if (code !== 0 || run.failure === null) return code;
  printScenarioError(run.failure.line, run.failure.message);
  return 2;
}
