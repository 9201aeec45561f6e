// Shared by the trace-reading commands: the input options (--format, --unit,
// --column, --header, --skip-bad), opening the trace, and turning reader and
// policy errors into the one-line InputError the user sees.
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { InputError } from './errors.js';
import { openTrace } from '../workload/trace/open.js';
import { TraceError } from '../workload/trace/errors.js';
import { TRACE_FORMATS, type AddrUnit, type TraceFormat, type TraceReader } from '../workload/trace/reader.js';
import { PolicyError } from '../lab/params.js';

export interface InputFlags {
  format?: string;
  unit?: string;
  column?: string;
  header?: boolean;
  skipBad?: boolean;
}

/** Adds the trace input options to a command. */
export function inputOptions(cmd: Command): Command {
  return cmd
    .option('--format <f>', `trace format: ${TRACE_FORMATS.join(', ')} (default: detected)`)
    .option('--unit <u>', 'text/ostep/csv numbers are page numbers or byte addresses: page|byte', 'page')
    .option('--column <c>', 'csv: column number (1-based) or header name', '1')
    .option('--header', 'csv: the first row is a header')
    .option('--skip-bad', 'count and skip malformed lines instead of stopping');
}

export function parseFormat(f: string | undefined, what = '--format'): TraceFormat | undefined {
  if (f === undefined) return undefined;
  if (!(TRACE_FORMATS as readonly string[]).includes(f)) throw new InputError(`${what} must be one of ${TRACE_FORMATS.join(', ')}, got '${f}'`);
  return f as TraceFormat;
}

export function parseUnit(u: string | undefined): AddrUnit {
  if (u === undefined || u === 'page' || u === 'byte') return u ?? 'page';
  throw new InputError(`--unit must be page or byte, got '${u}'`);
}

/** Opens FILE with the flags; throws InputError for a missing file or bad flags. */
export async function openInput(path: string, flags: InputFlags, extra: { pages?: boolean } = {}): Promise<TraceReader> {
  const format = parseFormat(flags.format);
  const unit = parseUnit(flags.unit);
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new InputError(`${path}: not a file`);
    return await openTrace(path, { format, unit, column: flags.column, header: flags.header, skipBad: flags.skipBad, pages: extra.pages });
  } catch (e) {
    throw asInputError(e, path);
  }
}

/**
 * Maps reader, policy and file-system errors to InputError; anything else
 * passes through. `path` names the input in messages that lack it (zlib's).
 */
export function asInputError(e: unknown, path?: string): unknown {
  if (e instanceof InputError) return e;
  if (e instanceof TraceError || e instanceof PolicyError || e instanceof RangeError) return new InputError(e.message);
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && err.path) {
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.code;
    return new InputError(`${err.path}: ${why}`);
  }
  if (err && typeof err.code === 'string' && err.code.startsWith('Z_')) return new InputError(`${path ?? 'input'}: corrupt gzip data (${err.message})`);
  return e;
}

/** Total units for the progress bar: records if the file says, else input bytes. */
export async function progressTotal(reader: TraceReader): Promise<{ total: number; done: () => number }> {
  if (reader.knownLength >= 0) return { total: reader.knownLength, done: () => -1 };
  const size = (await stat(reader.path)).size;
  return { total: size, done: () => reader.bytesRead };
}
