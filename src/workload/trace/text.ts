// Plain-text traces: one number per line, decimal or 0x-prefixed hex, read as
// a page number (default, as in libCacheSim's txt traces and OSTEP's -f files)
// or as a byte address (`unit: 'byte'`). Blank lines and lines starting with
// '#' are skipped; spaces, tabs and '\r' around the number are allowed.
import { DEC, HEX, MAX_EXACT, NL, SPACE, CR, TAB } from './digits.js';
import { TraceError } from './errors.js';
import { show } from './lackey.js';
import { lineBatches, type LineParser } from './lines.js';
import { newRefBatch, REF_LOAD, type RefBatch } from './ref.js';
import { readChunks, type ByteCounter } from './source.js';
import type { AddrUnit, ReadOptions, TraceReader } from './reader.js';

const PAGE = 4096;
const HASH = 35;
const ZERO = 48;
const X = 120;
const BIG_X = 88;

/** Byte parser for one-number-per-line text. */
export class TextParser implements LineParser {
  line = 0;
  skipped = 0;
  private readonly scale: number;

  constructor(
    readonly file: string,
    readonly unit: AddrUnit = 'page',
    readonly skipBad = false,
  ) {
    this.scale = unit === 'page' ? PAGE : 1;
  }

  parse(buf: Buffer, pos: number, end: number, batch: RefBatch): number {
    const cap = batch.addr.length;
    const addrs = batch.addr;
    const pages = batch.page;
    const isPage = this.scale === PAGE;
    const first = batch.length;
    let n = first;
    let line = this.line;
    while (pos < end && n < cap) {
      // Fast path: the whole line is a decimal number without a leading zero.
      const start = pos;
      let c = buf[pos]!;
      let d = c - ZERO;
      if (d >= 1 && d <= 9) {
        let v = d;
        c = buf[++pos]!;
        d = c - ZERO;
        while (d >= 0 && d <= 9) {
          v = v * 10 + d;
          c = buf[++pos]!;
          d = c - ZERO;
        }
        if (c === NL && v <= MAX_EXACT) {
          pos++;
          line++;
          if (isPage) {
            pages[n] = v;
            addrs[n] = v * PAGE;
          } else {
            addrs[n] = v;
            pages[n] = Math.floor(v / PAGE);
          }
          n++;
          continue;
        }
      }
      batch.length = n;
      this.line = line;
      pos = this.slowLine(buf, start, batch);
      line = this.line;
      n = batch.length;
    }
    this.line = line;
    // Every text reference is a load; one fill beats a store per line.
    batch.kind.fill(REF_LOAD, first, n);
    batch.length = n;
    return pos;
  }

  // Cold path for one line: blank or comment lines, spaces, hex, leading
  // zeros, errors. Appends the record (if any) to the batch; returns the
  // position after the line.
  private slowLine(buf: Buffer, pos: number, batch: RefBatch): number {
    const line = ++this.line;
    let c = buf[pos]!;
    while (c === SPACE || c === TAB) c = buf[++pos]!;
    if (c === NL || c === CR || c === HASH) return buf.indexOf(NL, pos) + 1;
    const start = pos;
    let v = 0;
    if (c === ZERO && (buf[pos + 1] === X || buf[pos + 1] === BIG_X)) {
      pos += 2;
      let d = HEX[buf[pos]!]!;
      if (d < 0) return this.bad(buf, pos, line, 'text: 0x without hex digits');
      while (d >= 0) {
        v = v * 16 + d;
        d = HEX[buf[++pos]!]!;
      }
    } else {
      let d = DEC[c]!;
      while (d >= 0) {
        v = v * 10 + d;
        d = DEC[buf[++pos]!]!;
      }
      if (pos === start) return this.bad(buf, pos, line, `text: expected a decimal or 0x-hex number, found ${show(c)}`);
    }
    c = buf[pos]!;
    while (c === SPACE || c === CR || c === TAB) c = buf[++pos]!;
    if (c !== NL) return this.bad(buf, pos, line, `text: unexpected ${show(c)} after the number`);
    if (v > MAX_EXACT) return this.bad(buf, pos, line, 'text: number above 2^53');
    const n = batch.length++;
    if (this.scale === PAGE) {
      batch.page[n] = v;
      batch.addr[n] = v * PAGE;
    } else {
      batch.addr[n] = v;
      batch.page[n] = Math.floor(v / PAGE);
    }
    return pos + 1;
  }

  private bad(buf: Buffer, pos: number, line: number, what: string): number {
    if (!this.skipBad) throw new TraceError(this.file, line, what);
    this.skipped++;
    return buf.indexOf(NL, pos) + 1;
  }
}

/** Reads a one-number-per-line trace (plain or gzip). */
export function openText(path: string, opts: ReadOptions = {}): TraceReader {
  const parser = new TextParser(path, opts.unit ?? 'page', opts.skipBad ?? false);
  const counter: ByteCounter = { bytes: 0 };
  return {
    format: 'text',
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

/** Formats a batch as one decimal number per line: page numbers, or byte addresses with unit 'byte'. */
export function formatText(batch: RefBatch, unit: AddrUnit, out: string[]): void {
  const src = unit === 'page' ? batch.page : batch.addr;
  let s = '';
  for (let i = 0; i < batch.length; i++) s += `${src[i]!}\n`;
  out.push(s);
}
