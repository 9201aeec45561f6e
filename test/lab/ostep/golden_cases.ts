// Loads golden cases (JSON lines: cmd, args, stdout, optional file) and runs
// one through a script runner, writing the -f file into a temporary folder
// first: the file's name is echoed in the output, so it must stay as given.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ScriptEnv, ScriptResult } from '../../../src/lab/ostep/script.js';

export interface GoldenCase {
  cmd: string;
  args: string[];
  stdout: string;
  file?: string;
  /** Extra cases only: the script's exit status, whether it died with a traceback, its last stderr line. */
  status?: number;
  crashed?: boolean;
  stderr_last?: string;
}

export function loadCases(name: string): GoldenCase[] {
  const text = readFileSync(new URL(`../../../fixtures/ostep/${name}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as GoldenCase);
}

// The -f value in any spelling: -f NAME, -fNAME, --addressfile NAME, --addressfile=NAME.
function fileArg(args: string[]): string {
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === '-f' || a === '--addressfile') return args[k + 1];
    if (a.startsWith('--addressfile=')) return a.slice('--addressfile='.length);
    if (a.startsWith('-f')) return a.slice(2);
  }
  throw new Error(`no -f in ${args.join(' ')}`);
}

/** Runs `c.args` through `run` in a temporary folder holding c.file under its -f name. */
export function runCase(c: GoldenCase, run: (argv: readonly string[], env: ScriptEnv) => ScriptResult): ScriptResult {
  const dir = mkdtempSync(join(tmpdir(), 'mmsim-ostep-'));
  try {
    if (c.file !== undefined) writeFileSync(join(dir, fileArg(c.args)), c.file);
    return run(c.args, { prog: 'mmsim ostep', readFile: (path) => readFileSync(resolve(dir, path), 'utf8') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Compares a run with a case: the same stdout bytes, and the same way of ending.
 * The script's own exit(n) keeps n; an optparse error is status 2 with optparse's
 * message; a traceback becomes status 2 naming the same exception type.
 * Returns a description of the first difference, or null.
 */
export function compareCase(c: GoldenCase, r: ScriptResult, scriptName: string): string | null {
  if (r.stdout !== c.stdout) {
    const want = c.stdout.split('\n');
    const got = r.stdout.split('\n');
    let line = 0;
    while (want[line] === got[line]) line++;
    return `${c.cmd}: stdout differs at line ${line + 1}:\n  want ${JSON.stringify(want[line])}\n  got  ${JSON.stringify(got[line])}`;
  }
  const status = c.status ?? 0;
  if (c.crashed === true) {
    const pyType = (c.stderr_last ?? '').split(':')[0];
    if (r.status !== 2 || !(r.error ?? '').startsWith(pyType)) return `${c.cmd}: want a ${pyType} crash (status 2), got ${r.status} ${r.error}`;
  } else if (status === 2) {
    const message = (c.stderr_last ?? '').replace(`${scriptName}: error: `, '');
    if (r.status !== 2 || r.error !== message) return `${c.cmd}: want optparse error ${JSON.stringify(message)}, got ${r.status} ${r.error}`;
  } else if (r.status !== status || r.error !== undefined) {
    return `${c.cmd}: want status ${status}, got ${r.status} ${r.error ?? ''}`;
  }
  return null;
}
