// `mmsim diff FILE`: runs a scenario in the simulator and on the real kernel
// and shows where the two outputs differ, line against line; exit status 1 on
// any difference, 0 when identical, 2 on bad input.
import type { Command } from 'commander';
import pc from 'picocolors';
import { formatRun } from '../../workload/scenario/format.js';
import { readHostMachine } from '../../workload/scenario/host_machine.js';
import { KernelRunnerError, runKernel } from '../../workload/scenario/kernel_runner.js';
import type { Program } from '../../workload/scenario/parse.js';
import type { RunRecords } from '../../workload/scenario/records.js';
import { runSim } from '../../workload/scenario/sim_runner.js';
import { InputError } from '../errors.js';
import { parseScenarioOrReport, readScenarioSource } from '../scenario_io.js';

function render(program: Program, records: RunRecords, failure?: { line: number; message: string } | null): string[] {
  const out = formatRun(program, records);
  const lines = [...out.lines];
  const err = out.error ?? failure ?? null;
  if (err) lines.push(`ERROR line ${err.line}: ${err.message}`);
  return lines;
}

/** Longest-common-subsequence alignment of two line lists, as pairs (null = missing on that side). */
export function alignLines(a: string[], b: string[]): Array<[string | null, string | null]> {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: Array<[string | null, string | null]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) out.push([a[i++]!, b[j++]!]);
    else if (i < n && j < m && lcs[i + 1]![j] === lcs[i]![j + 1]) out.push([a[i++]!, b[j++]!]);
    else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) out.push([null, b[j++]!]);
    else out.push([a[i++]!, null]);
  }
  return out;
}

/** Marks the fields that differ between two lines of key=value words with carets. */
function carets(a: string, b: string): string {
  let mark = '';
  const wa = a.split(' ');
  const wb = b.split(' ');
  for (let i = 0; i < Math.max(wa.length, wb.length); i++) {
    const x = wa[i] ?? '';
    const y = wb[i] ?? '';
    mark += (x === y ? ' ' : '^').repeat(Math.max(x.length, 1)) + ' ';
  }
  return mark.trimEnd();
}

export function register(program: Command): void {
  program
    .command('diff')
    .description('run a scenario in the simulator and on the real kernel and show the lines that differ (exit 1 if any)')
    .argument('<file>', 'scenario file, or - for stdin')
    .option('--all', 'print every line, not only the differing ones')
    .action((file: string, opts: { all?: boolean }) => {
      const source = readScenarioSource(file);
      let host;
      try {
        host = readHostMachine();
      } catch (e) {
        throw new InputError(`diff: ${(e as Error).message}`);
      }
      // Without a machine line, simulate this host, so that only the kernels differ.
      const simProg = parseScenarioOrReport(source, { ramMemtotalKb: host.memtotalKb });
      if (!simProg) {
        process.exitCode = 2;
        return;
      }
      if (!simProg.hasMachineLine) simProg.machine = host;
      const kernProg = parseScenarioOrReport(source, { ramMemtotalKb: host.memtotalKb });
      if (!kernProg) {
        process.exitCode = 2;
        return;
      }
      const sim = render(simProg, runSim(simProg));
      let kern;
      try {
        const r = runKernel(kernProg);
        kern = render(kernProg, r.records, r.failure);
      } catch (e) {
        if (e instanceof KernelRunnerError) throw new InputError(e.message);
        throw e;
      }
      const pairs = alignLines(sim, kern);
      let differing = 0;
      const color = process.stdout.isTTY ? pc : { red: (s: string) => s, green: (s: string) => s, dim: (s: string) => s };
      for (const [s, k] of pairs) {
        if (s === k) {
          if (opts.all) process.stdout.write(`  ${s}\n`);
          continue;
        }
        differing++;
        process.stdout.write(`${color.red('- sim    ')}${s ?? '(no line)'}\n${color.green('+ kernel ')}${k ?? '(no line)'}\n`);
        if (s !== null && k !== null) process.stdout.write(`         ${color.dim(carets(s, k))}\n`);
      }
      process.stdout.write(`${differing === 0 ? 'identical' : `${differing} of ${pairs.length} lines differ`}\n`);
      process.exitCode = differing === 0 ? 0 : 1;
    });
}
