// CSV traces: one reference per row, the address or page number in a chosen
// column (1-based number, or a header name), decimal or 0x-hex. A header row
// is skipped when asked, or when the chosen field of the first row is not a
// number. Other columns are ignored. Simplification: no commas inside quoted
// fields (a quoted number in the chosen column is accepted).
import { DEC, HEX, MAX_EXACT, NL, SPACE, CR, TAB, COMMA } from './digits.js';
import { TraceError } from './errors.js';
import { show } from './lackey.js';
import { lineBatches, type LineParser } from './lines.js';
import { newRefBatch, REF_LOAD, type RefBatch } from './ref.js';
import { readChunks, type ByteCounter } from './source.js';
import type { AddrUnit, ReadOptions, TraceReader } from './reader.js';

const PAGE = 4096;
const ZERO = 48;
const X = 120;
const BIG_X = 88;
const QUOTE = 34;

export class CsvParser implements LineParser {
  line = 0;
  skipped = 0;
  /** 0-based column index; -1 until resolved from the header by name. */
  private col: number;
  private readonly colName: string | null;

  constructor(
    readonly file: string,
    column: string,
    readonly unit: AddrUnit = 'page',
    readonly header: boolean | undefined = undefined,
    readonly skipBad = false,
  ) {
    if (/^\d+$/.test(column) && Number(column) >= 1) {
      this.col = Number(column) - 1;
      this.colName = null;
    } else {
      this.col = -1;
      this.colName = column;
    }
  }

  parse(buf: Buffer, pos: number, end: number, batch: RefBatch): number {
    const cap = batch.addr.length;
    const isPage = this.unit === 'page';
    let n = batch.length;
    if (this.line === 0 && pos < end) {
      const first = this.firstLine(buf, pos);
      if (first >= 0) {
        this.line = 1;
        pos = first;
      }
    }
    while (pos < end && n < cap) {
      const line = ++this.line;
      let c = buf[pos]!;
      if (c === NL || c === CR) {
        pos = buf.indexOf(NL, pos) + 1;
        continue;
      }
      for (let k = this.col; k > 0; k--) {
        while (c !== COMMA && c !== NL) c = buf[++pos]!;
        if (c === NL) break;
        c = buf[++pos]!;
      }
      if (c === NL) {
        pos = this.bad(buf, pos, line, `csv: row has no column ${this.col + 1}`);
        continue;
      }
      while (c === SPACE || c === TAB) c = buf[++pos]!;
      const quoted = c === QUOTE;
      if (quoted) c = buf[++pos]!;
      let v = 0;
      const start = pos;
      if (c === ZERO && (buf[pos + 1] === X || buf[pos + 1] === BIG_X)) {
        pos += 2;
        let d = HEX[buf[pos]!]!;
        while (d >= 0) {
          v = v * 16 + d;
          d = HEX[buf[++pos]!]!;
        }
        if (pos === start + 2) pos = start;
      } else {
        let d = DEC[c]!;
        while (d >= 0) {
          v = v * 10 + d;
          d = DEC[buf[++pos]!]!;
        }
      }
      if (pos === start) {
        pos = this.bad(buf, pos, line, `csv: column ${this.col + 1} is not a decimal or 0x-hex number (found ${show(buf[pos])})`);
        continue;
      }
      c = buf[pos]!;
      if (quoted && c === QUOTE) c = buf[++pos]!;
      while (c === SPACE || c === TAB || c === CR) c = buf[++pos]!;
      if (c !== COMMA && c !== NL) {
        pos = this.bad(buf, pos, line, `csv: unexpected ${show(c)} in column ${this.col + 1}`);
        continue;
      }
      if (v > MAX_EXACT) {
        pos = this.bad(buf, pos, line, 'csv: number above 2^53');
        continue;
      }
      pos = c === NL ? pos + 1 : buf.indexOf(NL, pos) + 1;
      if (isPage) {
        batch.page[n] = v;
        batch.addr[n] = v * PAGE;
      } else {
        batch.addr[n] = v;
        batch.page[n] = Math.floor(v / PAGE);
      }
      batch.kind[n] = REF_LOAD;
      n++;
    }
    batch.length = n;
    return pos;
  }

  // Cold path for line 1: resolves a column name and decides whether the row is
  // a header. Returns the position after the header, or -1 if it is data.
  private firstLine(buf: Buffer, pos: number): number {
    const nl = buf.indexOf(NL, pos);
    const fields = buf.toString('latin1', pos, nl).replace(/\r$/, '').split(',');
    const clean = fields.map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
    if (this.colName !== null) {
      const i = clean.indexOf(this.colName);
      if (i < 0) throw new TraceError(this.file, 1, `csv: no column named '${this.colName}' in the header (${clean.join(', ')})`);
      this.col = i;
      return nl + 1;
    }
    if (this.header === true) return nl + 1;
    if (this.header === false) return -1;
    const f = clean[this.col];
    return f !== undefined && !/^(\d+|0[xX][0-9a-fA-F]+)$/.test(f) ? nl + 1 : -1;
  }

  private bad(buf: Buffer, pos: number, line: number, what: string): number {
    if (!this.skipBad) throw new TraceError(this.file, line, what);
    this.skipped++;
    return buf.indexOf(NL, pos) + 1;
  }
}

export function openCsv(path: string, opts: ReadOptions = {}): TraceReader {
  const parser = new CsvParser(path, opts.column ?? '1', opts.unit ?? 'page', opts.header, opts.skipBad ?? false);
  const counter: ByteCounter = { bytes: 0 };
  return {
    format: 'csv',
    path,
    get badRecords() {
      return parser.skipped;
    },
    knownLength: -1,
    get bytesRead() {
      return counter.bytes;
    },
    batches: () => lineBatches(readChunks(path, { gzip: opts.gzip, counter }), parser, newRefBatch()),
  };
}

const KIND_NAME = ['I', 'L', 'S', 'M'];

/** Formats a batch as CSV rows `page,addr,kind,size` (call formatCsvHeader first). */
export function formatCsv(batch: RefBatch, out: string[]): void {
  let s = '';
  for (let i = 0; i < batch.length; i++) s += `${batch.page[i]!},${batch.addr[i]!},${KIND_NAME[batch.kind[i]!]},${batch.size[i]!}\n`;
  out.push(s);
}

export const CSV_HEADER = 'page,addr,kind,size\n';
