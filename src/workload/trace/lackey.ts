// valgrind lackey (`--tool=lackey --trace-mem=yes`) traces: one reference per
// line, `I  addr,size` (instruction fetch), ` L addr,size` (load), ` S` (store),
// ` M` (modify = load + store), hex address without 0x, decimal size. Lines
// starting with `==` (valgrind's banner and summary) are skipped.
// Simplification: a reference that straddles a page boundary is reported at the
// page of its first byte; consumers that care split it with addr + size.
import { DEC, HEX, MAX_EXACT, NL, SPACE, CR, TAB } from './digits.js';
import { TraceError } from './errors.js';
import { lineBatches, type LineParser } from './lines.js';
import { newRefBatch, REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE, type RefBatch } from './ref.js';
import { readChunks, type ByteCounter } from './source.js';
import type { ReadOptions, TraceReader } from './reader.js';

const PAGE = 4096;
// Kind by first letter: I L S M; -1 for anything else.
const KIND_OF = new Int8Array(256).fill(-1);
KIND_OF[73] = REF_INSTR;
KIND_OF[76] = REF_LOAD;
KIND_OF[83] = REF_STORE;
KIND_OF[77] = REF_MODIFY;
const EQUALS = 61;
const COMMA = 44;

/** Byte parser for lackey lines. Exported for the readers and benchmarks. */
export class LackeyParser implements LineParser {
  /** Lines consumed so far (1-based number of the last line parsed). */
  line = 0;
  skipped = 0;
  /** Records parsed so far, over all calls. */
  parsed = 0;
  /**
   * When set, lines that are neither records nor banners (valgrind's
   * --trace-syscalls lines, warnings) go here with the number of records
   * before them, instead of being errors.
   */
  onOther: ((text: string, recordsBefore: number) => void) | null = null;
  constructor(
    readonly file: string,
    readonly skipBad = false,
  ) {}

  parse(buf: Buffer, pos: number, end: number, batch: RefBatch): number {
    const cap = batch.addr.length;
    const addrs = batch.addr;
    const pages = batch.page;
    const kinds = batch.kind;
    const sizes = batch.size;
    let n = batch.length;
    const n0 = n;
    let line = this.line;
    while (pos < end && n < cap) {
      line++;
      const lineStart = pos;
      let c = buf[pos]!;
      while (c === SPACE) c = buf[++pos]!;
      const kind = KIND_OF[c]!;
      if (kind < 0) {
        if (c === EQUALS || c === NL || c === CR) {
          // banner, blank line: skip it
          pos = buf.indexOf(NL, pos) + 1;
          continue;
        }
        if (this.onOther) {
          pos = this.other(buf, lineStart, this.parsed + n - n0);
          continue;
        }
        pos = this.bad(buf, pos, line, `lackey: expected I, L, S, M or ==, found ${show(c)}`);
        continue;
      }
      c = buf[++pos]!;
      if (c !== SPACE) {
        if (this.onOther) {
          pos = this.other(buf, lineStart, this.parsed + n - n0);
          continue;
        }
        pos = this.bad(buf, pos, line, `lackey: expected a space after the kind letter, found ${show(c)}`);
        continue;
      }
      while (c === SPACE) c = buf[++pos]!;
      let addr = 0;
      const start = pos;
      let d = HEX[c]!;
      while (d >= 0) {
        addr = addr * 16 + d;
        d = HEX[buf[++pos]!]!;
      }
      c = buf[pos]!;
      if (pos === start || c !== COMMA) {
        pos = this.bad(buf, pos, line, pos === start ? 'lackey: missing hex address' : `lackey: expected ',' after the address, found ${show(c)}`);
        continue;
      }
      if (addr > MAX_EXACT) {
        pos = this.bad(buf, pos, line, 'lackey: address above 2^53');
        continue;
      }
      let size = 0;
      const sstart = ++pos;
      d = DEC[buf[pos]!]!;
      while (d >= 0) {
        size = size * 10 + d;
        d = DEC[buf[++pos]!]!;
      }
      c = buf[pos]!;
      if (c !== NL) {
        while (c === SPACE || c === CR || c === TAB) c = buf[++pos]!;
        if (pos === sstart || c !== NL || size > 255) {
          const what = pos === sstart ? 'lackey: missing decimal size' : size > 255 ? 'lackey: size above 255' : `lackey: unexpected ${show(c)} after the size`;
          pos = this.bad(buf, pos, line, what);
          continue;
        }
      } else if (pos === sstart) {
        pos = this.bad(buf, pos, line, 'lackey: missing decimal size');
        continue;
      } else if (size > 255) {
        pos = this.bad(buf, pos, line, 'lackey: size above 255');
        continue;
      }
      pos++;
      addrs[n] = addr;
      pages[n] = Math.floor(addr / PAGE);
      kinds[n] = kind;
      sizes[n] = size;
      n++;
    }
    this.line = line;
    this.parsed += n - n0;
    batch.length = n;
    return pos;
  }

  // Cold path: hands a foreign line to onOther; returns the start of the next line.
  private other(buf: Buffer, start: number, recordsBefore: number): number {
    const nl = buf.indexOf(NL, start);
    let stop = nl;
    if (stop > start && buf[stop - 1] === CR) stop--;
    this.onOther!(buf.toString('latin1', start, stop), recordsBefore);
    return nl + 1;
  }

  // Cold path: throws, or counts the line and returns the start of the next one.
  private bad(buf: Buffer, pos: number, line: number, what: string): number {
    if (!this.skipBad) {
      this.line = line;
      throw new TraceError(this.file, line, what);
    }
    this.skipped++;
    return buf.indexOf(NL, pos) + 1;
  }
}

/** A character for an error message: printable as itself, else as its code. */
export function show(c: number | undefined): string {
  if (c === undefined) return 'end of input';
  if (c === NL) return 'end of line';
  if (c >= 33 && c < 127) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** Reads a lackey trace (plain or gzip). Throws TraceError on a malformed line unless opts.skipBad. */
export function openLackey(path: string, opts: ReadOptions = {}): TraceReader {
  const parser = new LackeyParser(path, opts.skipBad ?? false);
  const counter: ByteCounter = { bytes: 0 };
  return {
    format: 'lackey',
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

const KIND_PREFIX = ['I  ', ' L ', ' S ', ' M '];

/**
 * Formats a batch as lackey lines into `out` (appending strings). Addresses
 * print as at least 8 hex digits, as lackey does; sizes 0 print as 1.
 */
export function formatLackey(batch: RefBatch, out: string[]): void {
  for (let i = 0; i < batch.length; i++) {
    const size = batch.size[i]! || 1;
    out.push(`${KIND_PREFIX[batch.kind[i]!]}${batch.addr[i]!.toString(16).padStart(8, '0')},${size}\n`);
  }
}
