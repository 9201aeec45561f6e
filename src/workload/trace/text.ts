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

/** 10^k for k = 0..3. */
const POW10 = new Int32Array([1, 10, 100, 1000]);

/**
 * The value of four decimal digits packed little-endian in `t` (each byte 0-9,
 * the first digit in the low byte). Pairs first, in 16-bit lanes:
 * t·10 + (t >>> 8) puts b0·10 + b1 in byte 0 and b2·10 + b3 in byte 2 (no
 * carries: each is at most 99); then lane 0 · 100 + lane 1. Example: "1234"
 * gives lanes 12 and 34, 1234. Digits right-aligned by a left shift
 * (t << 16 for "12") come out with leading zeros: 0012.
 */
function digits4(t: number): number {
  const x = (Math.imul(t, 10) + (t >>> 8)) & 0x00ff00ff;
  return (x & 0xffff) * 100 + (x >>> 16);
}

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

  /**
   * See LineParser. Records get kind REF_LOAD only if the batch's kinds were
   * filled with it beforehand (openText does so once): the parser writes page
   * and addr only.
   */
  parse(buf: Buffer, pos: number, end: number, batch: RefBatch): number {
    const addrs = batch.addr;
    const pages = batch.page;
    const cap = pages.length;
    const isPage = this.scale === PAGE;
    // One DataView per call (per 8,192 lines at most), for the 4-byte loads.
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    // Two 4-byte loads from pos must stay inside buf; bytes past `end` may be
    // read, but the line's '\n' (at most end - 1) stops the number first.
    const last4 = buf.length - 8;
    let n = batch.length;
    let line = this.line;
    // The only way out of this loop is `return pos`, after stores that every
    // iteration makes. V8 compiles the loop on stack (OSR) during the first
    // call; code after a loop that has not yet run has no type feedback, and
    // such an exit deoptimised the OSR code on every call until the regular
    // compile was installed (up to 800 deopts in one 10 M-line replay).
    for (;;) {
      batch.length = n;
      this.line = line;
      if (pos >= end || n >= cap) return pos;
      if (pos <= last4) {
        // Fast path for numbers of 1 to 7 digits, 4 bytes per step (SWAR):
        // t = the bytes XOR '0', so digit bytes become 0-9; m marks (bit 7 of
        // each byte) the bytes that are not digits: (t & 0x7f) + 0x76 passes
        // 0x7f exactly for 10-127, and `| t` catches 128-255. The first marked
        // byte ends the number and must be the line's '\n'. Everything else
        // takes the slow path: a first byte '0' (hex, zero padding, the number
        // 0) or no digit, 8 digits or more, a number followed by anything but
        // '\n', a line within 8 bytes of the buffer's end. (A loop over more
        // words here, even never entered, cost 15% of the parse.)
        let w = view.getUint32(pos, true);
        let t = w ^ 0x30303030;
        let m = (((t & 0x7f7f7f7f) + 0x76767676) | t) & 0x80808080;
        if ((t & 0xff) !== 0 && (m & 0x80) === 0) {
          let v = 0;
          let len = 0;
          if (m === 0) {
            v = digits4(t);
            len = 4;
            w = view.getUint32(pos + 4, true);
            t = w ^ 0x30303030;
            m = (((t & 0x7f7f7f7f) + 0x76767676) | t) & 0x80808080;
          }
          const more = (31 - Math.clz32(m & -m)) >> 3; // digits left in w: 0-3
          if (m !== 0 && ((w >>> (8 * more)) & 0xff) === NL) {
            if (more > 0) v = v * POW10[more]! + digits4(t << (32 - 8 * more));
            pos += len + more + 1;
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
      }
      pos = this.slowLine(buf, pos, batch);
      line = this.line;
      n = batch.length;
    }
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
    batches: () => {
      // Every text reference is a load: kinds are filled once, not per line.
      const batch = newRefBatch();
      batch.kind.fill(REF_LOAD);
      batch.loadsOnly = true;
      return lineBatches(readChunks(path, { gzip: opts.gzip, counter }), parser, batch);
    },
  };
}

/** Formats a batch as one decimal number per line: page numbers, or byte addresses with unit 'byte'. */
export function formatText(batch: RefBatch, unit: AddrUnit, out: string[]): void {
  const src = unit === 'page' ? batch.page : batch.addr;
  let s = '';
  for (let i = 0; i < batch.length; i++) s += `${src[i]!}\n`;
  out.push(s);
}
