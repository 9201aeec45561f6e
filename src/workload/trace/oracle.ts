// libCacheSim's binary `oracleGeneral` traces: packed 24-byte little-endian
// records { u32 clock_time; u64 obj_id; u32 obj_size; i64 next_access_vtime },
// next_access_vtime -1 (or INT64_MAX) meaning never again. Object ids are the
// page numbers. As in libCacheSim's reader, records with obj_size 0 are skipped.
// Ids of 2^53 and above (hashed ids) cannot be doubles exactly: they are folded
// to 53 bits (high bits mixed into the low word), distinct with overwhelming
// probability, and counted in `foldedIds`.
import { BinaryInput } from './binary_input.js';
import { TraceError } from './errors.js';
import { BATCH_RECORDS, newRefBatch, REF_LOAD, type RefBatch } from './ref.js';
import type { ByteCounter } from './source.js';
import type { ReadOptions, TraceReader } from './reader.js';

export const ORACLE_RECORD_BYTES = 24;
const TWO32 = 4294967296;
const PAGE = 4096;

/** A 64-bit id from its halves, exact below 2^53, folded to 53 bits above. */
export function idFromHalves(lo: number, hi: number): number {
  if (hi < 0x200000) return hi * TWO32 + lo;
  const loMixed = (lo ^ Math.imul(hi >>> 21, 0x9e3779b1)) >>> 0;
  return (hi & 0x1fffff) * TWO32 + loMixed;
}

export interface OracleReader extends TraceReader {
  /** Ids at or above 2^53 seen so far (folded, see above). */
  readonly foldedIds: number;
  /** Records skipped because obj_size was 0. */
  readonly zeroSized: number;
}

export function openOracle(path: string, opts: ReadOptions = {}): OracleReader {
  const counter: ByteCounter = { bytes: 0 };
  let folded = 0;
  let zero = 0;
  async function* batches(): AsyncGenerator<RefBatch> {
    const input = await BinaryInput.open(path, { gzip: opts.gzip, counter });
    const raw = new Uint8Array(BATCH_RECORDS * ORACLE_RECORD_BYTES);
    const u32 = new Uint32Array(raw.buffer);
    const i32 = new Int32Array(raw.buffer);
    const batch = newRefBatch();
    const nextUse = new Float64Array(BATCH_RECORDS);
    batch.nextUse = nextUse;
    batch.kind.fill(REF_LOAD);
    batch.loadsOnly = true;
    let record = 0;
    try {
      while (true) {
        const got = await input.read(raw, 0, raw.length);
        if (got % ORACLE_RECORD_BYTES !== 0) {
          const at = record + Math.floor(got / ORACLE_RECORD_BYTES) + 1;
          throw new TraceError(path, 0, `oracleGeneral: truncated record ${at} (file size is not a multiple of 24 bytes)`);
        }
        const nrec = got / ORACLE_RECORD_BYTES;
        let n = 0;
        for (let r = 0; r < nrec; r++) {
          const w = r * 6; // 24 bytes = 6 words; the u64s sit at words 1-2 and 4-5
          if (u32[w + 3] === 0) {
            zero++;
            continue;
          }
          const hi = u32[w + 2]!;
          if (hi >= 0x200000) folded++;
          const id = idFromHalves(u32[w + 1]!, hi);
          batch.page[n] = id;
          batch.addr[n] = id * PAGE;
          const nhi = i32[w + 5]!;
          const nlo = u32[w + 4]!;
          // -1 and INT64_MAX mean never; other negatives (e.g. -2, "not computed") become NaN.
          if (nhi === -1 && nlo === 0xffffffff) nextUse[n] = Infinity;
          else if (nhi === 0x7fffffff && nlo === 0xffffffff) nextUse[n] = Infinity;
          else if (nhi < 0) nextUse[n] = NaN;
          else nextUse[n] = nhi * TWO32 + nlo;
          n++;
        }
        record += nrec;
        batch.length = n;
        if (n > 0) yield batch;
        if (got < raw.length) break;
      }
    } finally {
      await input.close();
    }
  }
  return {
    format: 'oracle',
    path,
    badRecords: 0,
    knownLength: -1,
    get bytesRead() {
      return counter.bytes;
    },
    get foldedIds() {
      return folded;
    },
    get zeroSized() {
      return zero;
    },
    batches,
  };
}

/**
 * Encodes records as oracleGeneral: clock_time = record index (saturating at
 * 2^32 - 1), obj_size = 1 (pages are equal-sized objects), next-use -1 for
 * never. `first` is the global index of batch record 0. Returns the bytes.
 */
export function encodeOracle(batch: RefBatch, nextUse: Float64Array | null, first: number): Buffer {
  const out = Buffer.alloc(batch.length * ORACLE_RECORD_BYTES);
  for (let i = 0; i < batch.length; i++) {
    const o = i * ORACLE_RECORD_BYTES;
    const page = batch.page[i]!;
    out.writeUInt32LE(Math.min(first + i, 0xffffffff), o);
    out.writeUInt32LE(page % TWO32, o + 4);
    out.writeUInt32LE(Math.floor(page / TWO32), o + 8);
    out.writeUInt32LE(1, o + 12);
    const nu = nextUse ? nextUse[i]! : -1;
    if (nu === Infinity || nu < 0) {
      out.writeInt32LE(-1, o + 16);
      out.writeInt32LE(-1, o + 20);
    } else {
      out.writeUInt32LE(nu % TWO32, o + 16);
      out.writeUInt32LE(Math.floor(nu / TWO32), o + 20);
    }
  }
  return out;
}
