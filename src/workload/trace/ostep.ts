// OSTEP-style address lists: page numbers separated by commas, as given to
// paging-policy.py's -a option (`0,1,2,0,1,3`), possibly over several lines
// and with spaces. Decimal or 0x-hex. Unlike the line formats, a batch may end
// mid-line, so the parser resumes at any separator.
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
const HASH = 35;

/** Byte parser for comma-separated lists. `line` counts newlines consumed. */
export class OstepParser implements LineParser {
  line = 0;
  skipped = 0;

  constructor(
    readonly file: string,
    readonly unit: AddrUnit = 'page',
    readonly skipBad = false,
  ) {}

  parse(buf: Buffer, pos: number, end: number, batch: RefBatch): number {
    const cap = batch.addr.length;
    const isPage = this.unit === 'page';
    let n = batch.length;
    while (pos < end && n < cap) {
      let c = buf[pos]!;
      if (c === COMMA || c === SPACE || c === TAB || c === CR) {
        pos++;
        continue;
      }
      if (c === NL) {
        this.line++;
        pos++;
        continue;
      }
      if (c === HASH) {
        pos = buf.indexOf(NL, pos);
        continue;
      }
      let v = 0;
      const start = pos;
      if (c === ZERO && (buf[pos + 1] === X || buf[pos + 1] === BIG_X)) {
        pos += 2;
        let d = HEX[buf[pos]!]!;
        while (d >= 0) {
          v = v * 16 + d;
          d = HEX[buf[++pos]!]!;
        }
        if (pos === start + 2) {
          pos = this.bad(buf, pos, 'ostep: 0x without hex digits');
          continue;
        }
      } else {
        let d = DEC[c]!;
        while (d >= 0) {
          v = v * 10 + d;
          d = DEC[buf[++pos]!]!;
        }
        if (pos === start) {
          pos = this.bad(buf, pos, `ostep: expected a number or ',', found ${show(c)}`);
          continue;
        }
      }
      c = buf[pos]!;
      if (c !== COMMA && c !== NL && c !== SPACE && c !== CR && c !== TAB) {
        pos = this.bad(buf, pos, `ostep: unexpected ${show(c)} after a number`);
        continue;
      }
      if (v > MAX_EXACT) {
        pos = this.bad(buf, pos, 'ostep: number above 2^53');
        continue;
      }
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

  // Skips the rest of the line (its newline is then counted by parse).
  private bad(buf: Buffer, pos: number, what: string): number {
    if (!this.skipBad) throw new TraceError(this.file, this.line + 1, what);
    this.skipped++;
    return buf.indexOf(NL, pos);
  }
}

export function openOstep(path: string, opts: ReadOptions = {}): TraceReader {
  const parser = new OstepParser(path, opts.unit ?? 'page', opts.skipBad ?? false);
  const counter: ByteCounter = { bytes: 0 };
  return {
    format: 'ostep',
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

/** Formats a batch as a comma-separated list, continuing `state.first` across batches; 20 numbers per line. */
export function formatOstep(batch: RefBatch, unit: AddrUnit, out: string[], state: { count: number }): void {
  const src = unit === 'page' ? batch.page : batch.addr;
  let s = '';
  for (let i = 0; i < batch.length; i++) {
    if (state.count > 0) s += state.count % 20 === 0 ? ',\n' : ',';
    s += src[i]!;
    state.count++;
  }
  out.push(s);
}
