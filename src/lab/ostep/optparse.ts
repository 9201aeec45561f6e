// Python's optparse, as the OSTEP scripts use it: OptionParser() with 'store'
// options of type string or int and 'store_true' flags, plus the automatic
// -h/--help. Mirrors Lib/optparse.py: short-option clusters (-cN, -C3),
// --long=value and unique prefixes of long names (--cache=3), '--' ending the
// options, interspersed positional arguments, int values parsed with a 0x/0b/0
// radix prefix, the same error texts, and the IndentedHelpFormatter layout.
// Simplification: help wrapping implements textwrap's rules only for plain words
// and letter-letter hyphens, which covers the scripts' help strings.
import { pyIntParse, type IntBase } from './py_int.js';
import { pyRepr } from './py_format.js';
import { PyError } from './py_error.js';

/** One add_option() call. A 'flag' is action='store_true'. */
export interface OptSpec {
  /** Short form, "-a"; optional. */
  short?: string;
  /** Long form, "--addresses"; optional. */
  long?: string;
  dest: string;
  kind: 'string' | 'int' | 'flag';
  help: string;
}

export type OptValue = string | bigint | boolean;
export type OptValues = Record<string, OptValue>;

/** What the command line asked for: a run with these values, or the help text. */
export type ParseResult =
  | { kind: 'run'; values: OptValues; positional: string[] }
  | { kind: 'help' };

/** A command-line error; `message` is optparse's text ("no such option: -x"). Exit status 2. */
export class OptParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptParseError';
  }
}

const HELP: OptSpec = { short: '-h', long: '--help', dest: 'help', kind: 'flag', help: 'show this help message and exit' };

/**
 * parser.parse_args(argv) for the given options. `defaults` holds every dest's
 * default (as the script's default= gives it). Throws OptParseError on a bad
 * command line; returns { kind: 'help' } at the first -h/--help.
 */
export function parseArgs(specs: readonly OptSpec[], defaults: OptValues, argv: readonly string[]): ParseResult {
  const all = [HELP, ...specs];
  const shortMap = new Map<string, OptSpec>();
  const longMap = new Map<string, OptSpec>();
  for (const s of all) {
    if (s.short !== undefined) shortMap.set(s.short, s);
    if (s.long !== undefined) longMap.set(s.long, s);
  }
  const values: OptValues = { ...defaults };
  const positional: string[] = [];
  const rargs = [...argv];
  while (rargs.length > 0) {
    const arg = rargs[0];
    if (arg === '--') {
      rargs.shift();
      break;
    } else if (arg.startsWith('--')) {
      rargs.shift();
      const eq = arg.indexOf('=');
      const name = matchLong(eq >= 0 ? arg.slice(0, eq) : arg, longMap);
      if (eq >= 0) rargs.unshift(arg.slice(eq + 1));
      const spec = longMap.get(name)!;
      if (spec.kind === 'flag') {
        if (eq >= 0) throw new OptParseError(`${name} option does not take a value`);
        if (spec === HELP) return { kind: 'help' };
        values[spec.dest] = true;
      } else {
        if (rargs.length < 1) throw new OptParseError(`${name} option requires 1 argument`);
        values[spec.dest] = convertValue(spec, name, rargs.shift()!);
      }
    } else if (arg.length > 1 && arg.startsWith('-')) {
      rargs.shift();
      for (let i = 1; i < arg.length; i++) {
        const opt = '-' + arg[i];
        const spec = shortMap.get(opt);
        if (spec === undefined) throw new OptParseError(`no such option: ${opt}`);
        if (spec.kind === 'flag') {
          if (spec === HELP) return { kind: 'help' };
          values[spec.dest] = true;
          continue;
        }
        // The rest of the cluster, if any, is the value: -C3.
        if (i + 1 < arg.length) rargs.unshift(arg.slice(i + 1));
        if (rargs.length < 1) throw new OptParseError(`${opt} option requires 1 argument`);
        values[spec.dest] = convertValue(spec, opt, rargs.shift()!);
        break;
      }
    } else {
      positional.push(rargs.shift()!);
    }
  }
  positional.push(...rargs);
  return { kind: 'run', values, positional };
}

// optparse._match_abbrev: an exact long name, or the only one it is a prefix of.
function matchLong(opt: string, longMap: Map<string, OptSpec>): string {
  if (longMap.has(opt)) return opt;
  const hits = [...longMap.keys()].filter((name) => name.startsWith(opt));
  if (hits.length === 1) return hits[0];
  if (hits.length === 0) throw new OptParseError(`no such option: ${opt}`);
  hits.sort();
  throw new OptParseError(`ambiguous option: ${opt} (${hits.join(', ')}?)`);
}

// optparse's check_builtin for type='int': _parse_num picks the radix from a
// 0x / 0b / 0 prefix, so "-b 010" is 8 and "-b 08" is an error.
function convertValue(spec: OptSpec, opt: string, value: string): OptValue {
  if (spec.kind !== 'int') return value;
  let text = value;
  let radix: IntBase = 10;
  const head = value.slice(0, 2).toLowerCase();
  if (head === '0x') radix = 16;
  else if (head === '0b') {
    radix = 2;
    text = value.slice(2) || '0';
  } else if (value.startsWith('0')) radix = 8;
  try {
    return pyIntParse(text, radix);
  } catch (err) {
    if (err instanceof PyError) throw new OptParseError(`option ${opt}: invalid integer value: ${pyRepr(value)}`);
    throw err;
  }
}

/** The first line optparse prints for help and before errors: "Usage: prog [options]". */
export function formatUsage(prog: string): string {
  return `Usage: ${prog} [options]\n`;
}

/**
 * parser.format_help() with IndentedHelpFormatter: width is $COLUMNS (80 if unset
 * or not a number) minus 2, option strings in a column of at most 24 (less on a
 * narrow terminal), help text wrapped to the rest.
 */
export function formatHelp(prog: string, specs: readonly OptSpec[], columns?: string): string {
  let width = 80;
  if (columns !== undefined) {
    try {
      width = Number(pyIntParse(columns));
    } catch {
      width = 80;
    }
  }
  width -= 2;
  const indent = 2;
  const all = [HELP, ...specs];
  const strings = all.map(optionStrings);
  const maxLen = Math.max(...strings.map((s) => s.length + indent));
  // A narrow terminal pulls the help column left (HelpFormatter.__init__).
  const maxHelpPosition = Math.min(24, Math.max(width - 20, indent * 2));
  const helpPosition = Math.min(maxLen + 2, maxHelpPosition);
  const helpWidth = Math.max(width - helpPosition, 11);
  let out = formatUsage(prog) + '\nOptions:\n';
  all.forEach((spec, k) => {
    const opts = strings[k];
    const optWidth = helpPosition - indent - 2;
    let indentFirst: number;
    if (opts.length > optWidth) {
      out += ' '.repeat(indent) + opts + '\n';
      indentFirst = helpPosition;
    } else {
      out += ' '.repeat(indent) + opts.padEnd(optWidth, ' ') + '  ';
      indentFirst = 0;
    }
    const lines = wrap(spec.help, helpWidth);
    out += ' '.repeat(indentFirst) + lines[0] + '\n';
    for (const line of lines.slice(1)) out += ' '.repeat(helpPosition) + line + '\n';
  });
  return out;
}

// "-a ADDRESSES, --addresses=ADDRESSES"; the metavar is the dest in capitals.
function optionStrings(spec: OptSpec): string {
  const metavar = spec.dest.toUpperCase();
  const parts: string[] = [];
  if (spec.short !== undefined) parts.push(spec.kind === 'flag' ? spec.short : `${spec.short} ${metavar}`);
  if (spec.long !== undefined) parts.push(spec.kind === 'flag' ? spec.long : `${spec.long}=${metavar}`);
  return parts.join(', ');
}

// textwrap.wrap(text, width): greedy filling of whitespace-separated chunks, a
// word may also break after a hyphen between two letters ("comma-" "separated"),
// and a chunk longer than the width is cut.
function wrap(text: string, width: number): string[] {
  const chunks: string[] = [];
  for (const piece of text.split(/(\s+)/)) {
    if (piece === '') continue;
    if (/^\s/.test(piece)) {
      chunks.push(' '.repeat(piece.length));
      continue;
    }
    let rest = piece;
    for (let m = /[A-Za-z]{2}-(?=[A-Za-z]-?[A-Za-z])/.exec(rest); m !== null; m = /[A-Za-z]{2}-(?=[A-Za-z]-?[A-Za-z])/.exec(rest)) {
      const cut = m.index + m[0].length;
      chunks.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    chunks.push(rest);
  }
  const lines: string[] = [];
  let i = 0;
  while (i < chunks.length) {
    let line = '';
    while (i < chunks.length && line === '' && chunks[i].trim() === '') i++;
    while (i < chunks.length) {
      const chunk = chunks[i];
      if (line.length + chunk.length <= width) {
        line += chunk;
        i++;
      } else if (chunk.length > width) {
        // Too long for any line: fill this one with its head (break_long_words).
        // Prefer to cut just after a hyphen that follows something else: "(--".
        let room = Math.max(width - line.length, 1);
        const hyphen = chunk.lastIndexOf('-', room - 1);
        if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) room = hyphen + 1;
        line += chunk.slice(0, room);
        chunks[i] = chunk.slice(room);
        break;
      } else break;
    }
    line = line.replace(/\s+$/, '');
    if (line !== '') lines.push(line);
  }
  return lines.length > 0 ? lines : [''];
}
