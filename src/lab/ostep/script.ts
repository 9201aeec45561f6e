// The frame shared by the three OSTEP homework simulators: parse the command line
// as optparse would, run the script body against an output buffer, and turn the
// ways a Python script ends (normal end, sys.exit(n), an uncaught exception,
// an optparse error, --help) into one result the CLI prints.
// Simplification: an uncaught exception ends with status 2 and one line instead
// of Python's traceback and status 1; stdout up to the crash is kept.
import { formatHelp, formatUsage, OptParseError, parseArgs, type OptSpec, type OptValues } from './optparse.js';
import { PyError } from './py_error.js';
import { pyIntParse } from './py_int.js';
import { pyStr, type PyValue } from './py_format.js';

/** What a script may use from its surroundings. */
export interface ScriptEnv {
  /** Name shown in usage lines, e.g. "mmsim ostep policy". */
  prog: string;
  /** $COLUMNS, which optparse reads to lay out --help. */
  columns?: string;
  /** Reads a whole text file (policy's -f). Throws an Error with a readable message. */
  readFile?: (path: string) => string;
}

/** How a run ended. */
export interface ScriptResult {
  /** Everything the script printed to stdout, byte for byte. */
  stdout: string;
  /** 0 normal end, 1 the script's own exit(1), 2 bad command line or bad input. */
  status: number;
  /** For status 2: one line saying what was wrong (no program prefix). */
  error?: string;
  /** For command-line errors: optparse's usage line, printed to stderr before `error`. */
  usage?: string;
}

/** Python's stdout as a growing buffer; `print` joins its arguments with spaces like print(). */
export class Out {
  private readonly parts: string[] = [];

  /** print(*args): str() of each, separated by one space, then a newline. */
  print(...args: PyValue[]): void {
    this.parts.push(args.map(pyStr).join(' ') + '\n');
  }

  /** print(text, end=''): the text as is. */
  write(text: string): void {
    this.parts.push(text);
  }

  /** Everything written so far. */
  text(): string {
    return this.parts.join('');
  }
}

/** sys.exit(status) / exit(status) from inside a script body. */
export class ScriptExit extends Error {
  constructor(readonly status: number) {
    super(`exit(${status})`);
    this.name = 'ScriptExit';
  }
}

/**
 * Runs one script: parses argv against `specs` (falling back to `defaults`),
 * then calls `body`, which prints to `out` and may throw ScriptExit or PyError.
 * Never throws those; other exceptions (bugs) propagate.
 */
export function runScript(
  specs: readonly OptSpec[],
  defaults: OptValues,
  argv: readonly string[],
  env: ScriptEnv,
  body: (values: OptValues, out: Out) => void,
): ScriptResult {
  let parsed;
  try {
    parsed = parseArgs(specs, defaults, argv);
  } catch (err) {
    if (err instanceof OptParseError) {
      return { stdout: '', status: 2, error: err.message, usage: formatUsage(env.prog) };
    }
    throw err;
  }
  if (parsed.kind === 'help') return { stdout: formatHelp(env.prog, specs, env.columns), status: 0 };
  const out = new Out();
  try {
    body(parsed.values, out);
    return { stdout: out.text(), status: 0 };
  } catch (err) {
    if (err instanceof ScriptExit) return { stdout: out.text(), status: err.status };
    if (err instanceof PyError) return { stdout: out.text(), status: 2, error: `${err.pyType}: ${err.message}` };
    throw err;
  }
}

/**
 * The scripts' convert(size): a decimal integer with an optional k/K, m/M or g/G
 * suffix for 2^10, 2^20 or 2^30. "16k" -> 16384, "1g" -> 1073741824, "64" -> 64.
 * Throws PyError as the script would crash: IndexError for "", ValueError for "k".
 */
export function convertSize(size: string): bigint {
  const chars = Array.from(size); // Python indexes code points
  if (chars.length === 0) throw new PyError('IndexError', 'string index out of range');
  const last = chars[chars.length - 1];
  const head = chars.slice(0, -1).join('');
  if (last === 'k' || last === 'K') return pyIntParse(head) * 1024n;
  if (last === 'm' || last === 'M') return pyIntParse(head) * 1048576n;
  if (last === 'g' || last === 'G') return pyIntParse(head) * 1073741824n;
  return pyIntParse(size);
}

/** float(n) for a Python int: nearest double; OverflowError beyond the double range. */
export function intToFloat(n: bigint): number {
  const x = Number(n);
  if (!Number.isFinite(x)) throw new PyError('OverflowError', 'int too large to convert to float');
  return x;
}
