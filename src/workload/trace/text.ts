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
    const kinds = batch.kind;
    const isPage = this.scale === PAGE;
    let n = batch.length;
    let line = this.line;
    while (pos < end && n < cap) {
      line++;
      let c = buf[pos]!;
      let v = DEC[c]!;
      if (v >= 0 && c !== ZERO) {
        // Fast path: a plain decimal number at the start of the line.
        let d = DEC[buf[++pos]!]!;
        while (d >= 0) {
          v = v * 10 + d;
          d = DEC[buf[++pos]!]!;
        }
      } else {
        while (c === SPACE || c === TAB) c = buf[++pos]!;
        if (c === NL || c === CR || c === HASH) {
          pos = buf.indexOf(NL, pos) + 1;
          continue;
        }
        const start = pos;
        v = 0;
        if (c === ZERO && (buf[pos + 1] === X || buf[pos + 1] === BIG_X)) {
          pos += 2;
          let d = HEX[buf[pos]!]!;
          if (d < 0) {
            pos = this.bad(buf, pos, line, 'text: 0x without hex digits');
            continue;
          }
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
          if (pos === start) {
            pos = this.bad(buf, pos, line, `text: expected a decimal or 0x-hex number, found ${show(c)}`);
            continue;
          }
        }
      }
      c = buf[pos]!;
      if (c !== NL) {
        while (c === SPACE || c === CR || c === TAB) c = buf[++pos]!;
        if (c !== NL) {
          pos = this.bad(buf, pos, line, `text: unexpected ${show(c)} after the number`);
          continue;
        }
      }
      if (v > MAX_EXACT) {
        pos = this.bad(buf, pos, line, 'text: number above 2^53');
        continue;
      }
      pos++;
      if (isPage) {
        pages[n] = v;
        addrs[n] = v * PAGE;
      } else {
        addrs[n] = v;
        pages[n] = Math.floor(v / PAGE);
      }
      kinds[n] = REF_LOAD;
      n++;
    }
    this.line = line;
    batch.length = n;
    return pos;
  }

  private bad(buf: Buffer, pos: number, line: number, what: string): number {
    if (!this.skipBad) {
      this.line = line;
      throw new TraceError(this.file, line, what);
    }
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
