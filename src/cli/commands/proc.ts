// `mmsim proc FILE --at LABEL [--proc P] FILE_NAME`: runs a scenario in the
// simulator up to the operation labelled LABEL (a report, vmas, status,
// zoneinfo or lru_gen line) and prints a whole /proc file as the kernel would
// at that point (or /sys/kernel/debug/lru_gen, for `lru_gen`).
import type { Command } from 'commander';
import { procMeminfo, procVmstat } from '../../report/proc_meminfo.js';
import { procPidMaps, procPidSmaps, procPidSmapsRollup } from '../../report/proc_pid_smaps.js';
import { procPidStatus } from '../../report/proc_pid_status.js';
import { procPressure } from '../../report/proc_pressure.js';
import { procSwaps } from '../../kernel/swapfile.js';
import { debugfsLruGen } from '../../report/debugfs_lru_gen.js';
import { SimRun } from '../../workload/scenario/sim_runner.js';
import { InputError } from '../errors.js';
import { parseScenarioOrReport, printScenarioError, readScenarioSource } from '../scenario_io.js';

export const PROC_FILES = ['maps', 'smaps', 'smaps_rollup', 'status', 'meminfo', 'vmstat', 'swaps', 'pressure/memory', 'pressure/io', 'lru_gen'] as const;

export function register(program: Command): void {
  program
    .command('proc')
    .description('print a whole /proc file at a labelled point of a scenario (simulated)')
    .argument('<file>', 'scenario file, or - for stdin')
    .argument('<what>', PROC_FILES.join('|'))
    .requiredOption('--at <label>', 'stop after the report, vmas, status, zoneinfo or lru_gen line with this label')
    .option('--proc <name>', 'process whose file to print (default: the one that ran the labelled line)')
    .action((file: string, what: string, opts: { at: string; proc?: string }) => {
      if (!(PROC_FILES as readonly string[]).includes(what)) throw new InputError(`proc: unknown /proc file '${what}' (expected ${PROC_FILES.join(', ')})`);
      const prog = parseScenarioOrReport(readScenarioSource(file));
      if (!prog) {
        process.exitCode = 2;
        return;
      }
      const at = prog.ops.findIndex(
        (o) => (o.op === 'report' || o.op === 'vmas' || o.op === 'hugetlb_vmas' || o.op === 'hugepages' || o.op === 'status' || o.op === 'zoneinfo' || o.op === 'lru_gen') && o.label === opts.at,
      );
      if (at < 0) throw new InputError(`proc: no report, vmas, status, zoneinfo or lru_gen line labelled '${opts.at}' in ${file}`);
      const run = new SimRun(prog);
      run.onStep = (i) => i < at;
      const records = run.run();
      const last = records[records.length - 1];
      if (last?.kind === 'error') {
        printScenarioError(prog.ops[records.length - 1]!.line, last.message);
        process.exitCode = 2;
        return;
      }
      let procIndex = prog.ops[at]!.proc;
      if (opts.proc !== undefined) {
        procIndex = prog.procs.findIndex((p, i) => p.name === opts.proc && run.procs[i]);
        if (procIndex < 0) throw new InputError(`proc: no live process '${opts.proc}' at '${opts.at}'`);
      }
      const task = run.procs[procIndex]!.task;
      const k = run.kernel;
      const text = {
        maps: () => procPidMaps(task),
        smaps: () => procPidSmaps(k, task),
        smaps_rollup: () => procPidSmapsRollup(k, task),
        status: () => procPidStatus(k, task),
        meminfo: () => procMeminfo(k),
        vmstat: () => procVmstat(k),
        swaps: () => procSwaps(k),
        'pressure/memory': () => procPressure(k, 'memory'),
        'pressure/io': () => procPressure(k, 'io'),
        // /sys/kernel/debug/lru_gen: the multi-gen LRU's generations.
        lru_gen: () => debugfsLruGen(k),
      }[what as (typeof PROC_FILES)[number]]();
      process.stdout.write(text);
    });
}
