// Opening a trace by name: the format is taken from --format, else from the
// content (mmsim magic, lackey lines, comma lists) and the file name
// (.oracleGeneral, .csv, .lackey), a `.gz` suffix or gzip magic meaning
// compressed. The one entry point the CLI uses for every format.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { TraceError } from './errors.js';
import { openLackey } from './lackey.js';
import { openText } from './text.js';
import { openOstep } from './ostep.js';
import { openCsv } from './csv.js';
import { openOracle } from './oracle.js';
import { MMSIM_MAGIC, openMmsim } from './mmsim.js';
import { peekBytes } from './source.js';
import { TRACE_FORMATS, type ReadOptions, type TraceFormat, type TraceReader } from './reader.js';

const LACKEY_LINE = /^(I {1,2}| [LSM] )[0-9a-fA-F]+,\d+\s*$/;
const NUMBER = '(?:0[xX][0-9a-fA-F]+|\\d+)';
const ONE_NUMBER = new RegExp(`^\\s*${NUMBER}\\s*$`);
const NUMBER_LIST = new RegExp(`^\\s*${NUMBER}(?:\\s*,\\s*${NUMBER})*\\s*,?\\s*$`);

/** The format named by the file name alone (extension before any .gz), or null. */
export function formatFromName(path: string): TraceFormat | null {
  const name = basename(path).replace(/\.gz$/i, '').toLowerCase();
  if (name.endsWith('.mmsim') || name.endsWith('.mmt')) return 'mmsim';
  if (name.includes('oraclegeneral')) return 'oracle';
  if (name.endsWith('.lackey')) return 'lackey';
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.ostep')) return 'ostep';
  if (name.endsWith('.txt')) return 'text';
  return null;
}

/**
 * Detects the format of a trace from its first 4 KiB and its name. Throws
 * TraceError when it cannot tell, saying to use --format.
 */
export async function detectFormat(path: string): Promise<TraceFormat> {
  const head = await peekBytes(path, 4096);
  if (head.length >= 8 && head.toString('latin1', 0, 8) === MMSIM_MAGIC) return 'mmsim';
  const byName = formatFromName(path);
  if (byName === 'oracle' || byName === 'csv') return byName;
  if (head.length === 0) return byName ?? 'text';
  // Binary content (NUL bytes, or bytes outside printable ASCII): only oracleGeneral is binary without a magic.
  let binary = 0;
  for (const c of head) if (c === 0 || (c < 32 && c !== 9 && c !== 10 && c !== 13) || c > 126) binary++;
  if (binary > 0) return 'oracle';
  const lines = head.toString('latin1').split('\n');
  if (head.length === 4096 && lines.length > 1) lines.pop(); // possibly cut
  const data = lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (data.length === 0) return byName ?? 'text';
  const first = data.find((l) => !l.startsWith('==')) ?? '';
  if (data[0]!.startsWith('==') || LACKEY_LINE.test(first)) return 'lackey';
  if (byName) return byName;
  if (data.every((l) => ONE_NUMBER.test(l))) return 'text';
  if (data.every((l) => NUMBER_LIST.test(l))) return 'ostep';
  throw new TraceError(path, 0, `cannot tell the trace format from the first line (${JSON.stringify(first.slice(0, 40))}); use --format ${TRACE_FORMATS.join('|')}`);
}

/** Opens a trace for reading: `format` given or detected. Throws TraceError or the fs error (ENOENT...). */
export async function openTrace(path: string, opts: ReadOptions & { format?: TraceFormat } = {}): Promise<TraceReader> {
  await stat(path);
  const format = opts.format ?? (await detectFormat(path));
  switch (format) {
    case 'lackey':
      return openLackey(path, opts);
    case 'text':
      return openText(path, opts);
    case 'ostep':
      return openOstep(path, opts);
    case 'csv':
      return openCsv(path, opts);
    case 'oracle':
      return openOracle(path, opts);
    case 'mmsim':
      return openMmsim(path, opts);
  }
}
