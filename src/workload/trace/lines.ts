// The chunk loop shared by the text trace readers: hands each parser runs of
// whole lines inside one large Buffer, and glues the one line that straddles
// two chunks in a small carry buffer, so no line is ever copied twice and no
// string is ever made. The parsers themselves scan bytes (see lackey.ts).
import { NL } from './digits.js';
import type { RefBatch } from './ref.js';

/** A text format's byte parser. It keeps the line count across calls. */
export interface LineParser {
  /**
   * Parses whole lines of buf[pos, end) into `batch` (appending at
   * batch.length) until `end` or until the batch is full. Precondition:
   * buf[end - 1] is '\n'. Returns the position after the last line consumed.
   * Throws TraceError on a malformed line unless the parser skips bad lines.
   */
  parse(buf: Buffer, pos: number, end: number, batch: RefBatch): number;
}

/**
 * Runs `parser` over `chunks` and yields `batch` each time it fills, then once
 * more with the remainder (never with length 0 unless the input is empty of
 * records). A last line without '\n' is parsed as if it had one.
 */
export async function* lineBatches(chunks: AsyncIterable<Buffer>, parser: LineParser, batch: RefBatch): AsyncGenerator<RefBatch> {
  const cap = batch.addr.length;
  let carry = Buffer.allocUnsafe(4096);
  let carryLen = 0;
  batch.length = 0;
  for await (const chunk of chunks) {
    let pos = 0;
    if (carryLen > 0) {
      const nl = chunk.indexOf(NL);
      const take = nl < 0 ? chunk.length : nl + 1;
      if (carryLen + take > carry.length) {
        const bigger = Buffer.allocUnsafe(Math.max(carry.length * 2, carryLen + take));
        carry.copy(bigger, 0, 0, carryLen);
        carry = bigger;
      }
      chunk.copy(carry, carryLen, 0, take);
      carryLen += take;
      if (nl < 0) continue;
      let p = 0;
      while (p < carryLen) {
        p = parser.parse(carry, p, carryLen, batch);
        if (batch.length === cap) {
          yield batch;
          batch.length = 0;
        }
      }
      carryLen = 0;
      pos = take;
    }
    const end = chunk.lastIndexOf(NL) + 1;
    while (pos < end) {
      pos = parser.parse(chunk, pos, end, batch);
      if (batch.length === cap) {
        yield batch;
        batch.length = 0;
      }
    }
    if (end < chunk.length) {
      const rest = chunk.length - Math.max(end, pos);
      if (rest > carry.length) carry = Buffer.allocUnsafe(rest * 2);
      chunk.copy(carry, 0, Math.max(end, pos));
      carryLen = rest;
    }
  }
  if (carryLen > 0) {
    if (carryLen + 1 > carry.length) {
      const bigger = Buffer.allocUnsafe(carryLen + 1);
      carry.copy(bigger, 0, 0, carryLen);
      carry = bigger;
    }
    carry[carryLen++] = NL;
    let p = 0;
    while (p < carryLen) {
      p = parser.parse(carry, p, carryLen, batch);
      if (batch.length === cap) {
        yield batch;
        batch.length = 0;
      }
    }
  }
  if (batch.length > 0) yield batch;
}
