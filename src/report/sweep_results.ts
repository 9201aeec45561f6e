// The results file of `mmsim sweep`: one row per (trace, policy, cache size,
// seed), as CSV with a header line or as JSON lines. Rows are appended as
// they complete, so a file cut short by an interruption is valid up to its
// last newline; reading it back tells a resumed sweep which rows to skip.
// The finished file is sorted into a canonical order (see sortRows), so its
// bytes do not depend on the number of jobs or on interruptions.

export type ResultsFormat = 'csv' | 'jsonl';

export interface SweepRow {
  trace: string;
  policy: string;
  size: number;
  seed: number;
  requests: number;
  misses: number;
  miss_ratio: number;
}

const COLUMNS = ['trace', 'policy', 'size', 'seed', 'requests', 'misses', 'miss_ratio'] as const;
export const CSV_HEADER = COLUMNS.join(',');

/** The key a resumed sweep compares: which (trace, policy, size, seed) a row answers. */
export function rowKey(r: Pick<SweepRow, 'trace' | 'policy' | 'size' | 'seed'>): string {
  return JSON.stringify([r.trace, r.policy, r.size, r.seed]);
}

// RFC 4180 quoting, only where needed (commas, quotes, line breaks).
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row as a line, newline included. */
export function formatRow(r: SweepRow, format: ResultsFormat): string {
  if (format === 'jsonl') return `${JSON.stringify({ trace: r.trace, policy: r.policy, size: r.size, seed: r.seed, requests: r.requests, misses: r.misses, miss_ratio: r.miss_ratio })}\n`;
  return `${[csvField(r.trace), csvField(r.policy), r.size, r.seed, r.requests, r.misses, r.miss_ratio].join(',')}\n`;
}

/** What a results file starts with before any row. */
export function fileHeader(format: ResultsFormat): string {
  return format === 'csv' ? `${CSV_HEADER}\n` : '';
}

/** Splits one CSV line into fields (quoted fields may hold commas and doubled quotes). Returns null if a quote is unbalanced. */
function splitCsv(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (true) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (true) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      if (i === line.length) return out;
      if (line[i] !== ',') return null;
      i++;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

/** A malformed results file: `message` reads `file:line: what is wrong`. */
export class ResultsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultsError';
  }
}

/**
 * Parses a results file's text. Returns its complete rows and `validBytes`,
 * the length of the text up to its last newline (a line after it was cut by
 * an interruption and is ignored). Throws ResultsError naming the file and
 * line for anything that is not a row this format writes.
 */
export function parseResults(text: string, format: ResultsFormat, file: string): { rows: SweepRow[]; validBytes: number } {
  const end = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, end).split('\n');
  lines.pop();
  const rows: SweepRow[] = [];
  let first = 0;
  if (format === 'csv') {
    if (lines.length === 0) return { rows, validBytes: 0 };
    if (lines[0]!.replace(/\r$/, '') !== CSV_HEADER) throw new ResultsError(`${file}:1: not a sweep results file (expected the header ${CSV_HEADER})`);
    first = 1;
  }
  for (let n = first; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    const bad = (what: string): never => {
      throw new ResultsError(`${file}:${n + 1}: ${what}`);
    };
    let rec: Record<string, unknown>;
    let raw: Record<string, unknown>;
    if (format === 'csv') {
      const f = splitCsv(line);
      if (!f || f.length !== COLUMNS.length) bad(`expected ${COLUMNS.length} comma-separated fields (${CSV_HEADER})`);
      raw = Object.fromEntries(COLUMNS.map((c, k) => [c, f![k]]));
      rec = Object.fromEntries(COLUMNS.map((c, k) => [c, k < 2 ? f![k] : f![k] === '' ? NaN : Number(f![k])]));
    } else {
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return bad('not a JSON object');
      }
      if (rec === null || typeof rec !== 'object') bad('not a JSON object');
      raw = rec;
    }
    for (const c of COLUMNS) {
      const v = rec[c];
      if (c === 'trace' || c === 'policy') {
        if (typeof v !== 'string' || v === '') bad(`${c} must be a non-empty string`);
      } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(`${c} must be a number >= 0, got ${JSON.stringify(raw[c])}`);
    }
    rows.push(rec as unknown as SweepRow);
  }
  return { rows, validBytes: Buffer.byteLength(text.slice(0, end)) };
}

/**
 * Rows in canonical order: by the position of their trace in `traces`, of
 * their policy in `policies`, then by size and seed; rows whose trace or
 * policy is not listed go last, in their original order. Stable.
 */
export function sortRows(rows: readonly SweepRow[], traces: readonly string[], policies: readonly string[]): SweepRow[] {
  const rank = (list: readonly string[], v: string): number => {
    const i = list.indexOf(v);
    return i < 0 ? list.length : i;
  };
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ta = rank(traces, a.r.trace);
      const tb = rank(traces, b.r.trace);
      const pa = rank(policies, a.r.policy);
      const pb = rank(policies, b.r.policy);
      const listed = ta < traces.length && pa < policies.length;
      const listedB = tb < traces.length && pb < policies.length;
      if (listed !== listedB) return listed ? -1 : 1;
      if (!listed) return a.i - b.i;
      return ta - tb || pa - pb || a.r.size - b.r.size || a.r.seed - b.r.seed || a.i - b.i;
    })
    .map((x) => x.r);
}
