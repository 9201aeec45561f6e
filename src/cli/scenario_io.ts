// Reading a scenario file and printing a run, shared by `mmsim run`,
// `mmsim kernel` and `mmsim diff`. A script error prints `ERROR line N: ...`
// on stdout and stderr and exits with status 2.
import { readFileSync } from 'node:fs';
import { formatRun, type FormattedRun } from '../workload/scenario/format.js';
import { parseScenario, ScenarioError, type Program } from '../workload/scenario/parse.js';
import type { RunRecords } from '../workload/scenario/records.js';
import { InputError } from './errors.js';

/** Reads FILE (`-` = stdin) as text. */
export function readScenarioText(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** Prints the ERROR line on both streams and sets exit status 2. */
export function reportScriptError(line: number, message: string): void {
  const text = `ERROR line ${line}: ${message}\n`;
  process.stdout.write(text);
  process.stderr.write(text);
  process.exitCode = 2;
}

/** Parses FILE; on a script error prints it and returns null. */
export function loadScenario(file: string): Program | null {
  const text = readScenarioText(file);
  try {
    return parseScenario(text);
  } catch (err) {
    if (err instanceof ScenarioError) {
      reportScriptError(err.line, err.detail);
      return null;
    }
    throw err;
  }
}

/** Formats and prints a run; a runtime script error ends it with the ERROR line. */
export function printRun(program: Program, records: RunRecords): FormattedRun {
  const out = formatRun(program, records);
  if (out.lines.length) process.stdout.write(out.lines.join('\n') + '\n');
  if (out.error) reportScriptError(out.error.line, out.error.message);
  return out;
}
