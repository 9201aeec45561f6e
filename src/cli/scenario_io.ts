// Reading scenario files and printing scenario runs, shared by the commands
// that run scenarios (`mmsim run` in the simulator, `mmsim kernel` on the real
// kernel), so that both print exactly the same way: the formatted lines on
// stdout, and a script error as `ERROR line N: ...` on stdout and stderr.
import { readFileSync } from 'node:fs';
import { formatRun } from '../workload/scenario/format.js';
import { parseScenario, ScenarioError, type ParseOptions, type Program } from '../workload/scenario/parse.js';
import type { RunRecords } from '../workload/scenario/records.js';
import { InputError } from './errors.js';

/** The scenario text of FILE, or of stdin for `-`. Throws InputError when unreadable. */
export function readScenarioSource(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InputError(`cannot read scenario ${file === '-' ? 'from stdin' : `file '${file}'`}: ${code}`);
  }
}

/** Prints a script error on stdout (where it belongs in the output) and on stderr. */
export function printScenarioError(line: number, message: string): void {
  const text = `ERROR line ${line}: ${message}\n`;
  process.stdout.write(text);
  process.stderr.write(text);
}

/**
 * Parses a scenario; on a ScenarioError prints it (printScenarioError) and
 * returns null, and the caller exits with status 2.
 */
export function parseScenarioOrReport(source: string, opts: ParseOptions = {}): Program | null {
  try {
    return parseScenario(source, opts);
  } catch (e) {
    if (e instanceof ScenarioError) {
      printScenarioError(e.line, e.detail);
      return null;
    }
    throw e;
  }
}

/**
 * Prints a run's output: the formatted lines, then, if the run stopped at a
 * script error, the ERROR line. Returns the exit status (0, or 2 after an error).
 */
export function printRun(program: Program, records: RunRecords): number {
  const { lines, error } = formatRun(program, records);
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
  if (error === null) return 0;
  printScenarioError(error.line, error.message);
  return 2;
}
