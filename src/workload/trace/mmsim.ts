// mmsim's compact binary trace format (docs/trace-format.md), built for the
// fastest replay: pages are renamed to dense u32 ids in order of first
// appearance, so a replay reads a block of ids as one Uint32Array view with no
// per-record decoding, and each page number is stored once, in the block where
// it first appears. Optional columns: kind, in-page offset + size, next use.
//
//   header (64 B)  "MMSIMTRC" u16 version u16 flags u32 pageShift
//                  u64 records u64 footprint u32 blockRecords u32 mapsBytes, zero padding
//   [maps          mapsBytes of UTF-8 JSON (HAS_MAPS: the recorded process's address space), pad8]
//   block          u32 n  u32 k  u64 page[k]  u32 id[n]  pad8
//                  [u8 kind[n] pad8] [u16 offset[n] u8 size[n] pad8] [i64 nextUse[n]]
import { open, rename, unlink } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { BinaryInput } from './binary_input.js';
import { TraceError } from './errors.js';
import { BATCH_RECORDS, REF_LOAD, type RefBatch } from './ref.js';
import type { ByteCounter } from './source.js';
import type { ReadOptions, TraceReader } from './reader.js';
import { KeyIndex } from '../../lab/key_index.js';

export const MMSIM_MAGIC = 'MMSIMTRC';
export const MMSIM_VERSION = 1;
export const MMSIM_HEADER_BYTES = 64;
/** Column flags. */
export const COL_KIND = 1;
export const COL_NEXT_USE = 2;
export const COL_OFFSET = 4;
/** Flag: a maps section (the address space of the recorded program, see record/address_space.ts) follows the header. */
export const HAS_MAPS = 8;
const TWO32 = 4294967296;
const PAGE = 4096;
/** Records per block the writer makes by default. Readers yield blocks in BATCH_RECORDS slices. */
export const MMSIM_BLOCK_RECORDS = 65536;

const pad8 = (x: number): number => (x + 7) & ~7;

/** Byte layout of a block of n records with k new pages (offsets from the block start). */
export function blockLayout(n: number, k: number, flags: number): { ids: number; kind: number; offset: number; size: number; nextUse: number; bytes: number } {
  const ids = 8 + 8 * k;
  let at = pad8(ids + 4 * n);
  const kind = at;
  if (flags & COL_KIND) at = pad8(at + n);
  const offset = at;
  const size = at + 2 * n;
  if (flags & COL_OFFSET) at = pad8(at + 3 * n);
  const nextUse = at;
  if (flags & COL_NEXT_USE) at += 8 * n;
  return { ids, kind, offset, size, nextUse, bytes: at };
}

export interface MmsimHeader {
  version: number;
  flags: number;
  pageShift: number;
  records: number;
  footprint: number;
  blockRecords: number;
  /** Bytes of the maps section (0 without HAS_MAPS). */
  mapsBytes: number;
}

/** Parses and checks a header. Throws TraceError naming the file. */
export function parseHeader(path: string, b: Uint8Array): MmsimHeader {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf.length < MMSIM_HEADER_BYTES || buf.toString('latin1', 0, 8) !== MMSIM_MAGIC) throw new TraceError(path, 0, 'mmsim: not an mmsim binary trace (bad magic)');
  const h: MmsimHeader = {
    version: buf.readUInt16LE(8),
    flags: buf.readUInt16LE(10),
    pageShift: buf.readUInt32LE(12),
    records: buf.readUInt32LE(16) + buf.readUInt32LE(20) * TWO32,
    footprint: buf.readUInt32LE(24) + buf.readUInt32LE(28) * TWO32,
    blockRecords: buf.readUInt32LE(32),
    mapsBytes: buf.readUInt16LE(10) & HAS_MAPS ? buf.readUInt32LE(36) : 0,
  };
  if (h.version !== MMSIM_VERSION) throw new TraceError(path, 0, `mmsim: unsupported version ${h.version} (this build reads ${MMSIM_VERSION})`);
  if (h.pageShift !== 12) throw new TraceError(path, 0, `mmsim: page shift ${h.pageShift} unsupported (only 12)`);
  if (h.blockRecords < 1 || h.blockRecords > 1 << 24) throw new TraceError(path, 0, `mmsim: bad block size ${h.blockRecords}`);
  return h;
}

export interface MmsimReader extends TraceReader {
  readonly header: MmsimHeader;
  /** The maps section's text (HAS_MAPS), else null. */
  readonly maps: string | null;
}

/**
 * Opens an mmsim binary trace: reads and checks the header now, streams the
 * blocks later. Batches always carry `id`; `page` and `addr` are filled only
 * with opts.pages (which keeps an id -> page table of footprint size).
 */
export async function openMmsim(path: string, opts: ReadOptions = {}): Promise<MmsimReader> {
  const counter: ByteCounter = { bytes: 0 };
  const probe = await BinaryInput.open(path, { gzip: opts.gzip });
  const hb = new Uint8Array(MMSIM_HEADER_BYTES);
  const got = await probe.read(hb, 0, MMSIM_HEADER_BYTES);
  let maps: string | null = null;
  let header: MmsimHeader;
  try {
    header = parseHeader(path, hb.subarray(0, got));
    if (header.mapsBytes > 0) {
      const mb = new Uint8Array(header.mapsBytes);
      if ((await probe.read(mb, 0, mb.length)) < mb.length) throw new TraceError(path, 0, 'mmsim: truncated maps section');
      maps = Buffer.from(mb.buffer, mb.byteOffset, mb.length).toString('utf8');
    }
  } finally {
    await probe.close();
  }
  const wantPages = opts.pages ?? false;

  async function* batches(): AsyncGenerator<RefBatch> {
    const input = await BinaryInput.open(path, { gzip: opts.gzip, counter });
    const h = new Uint8Array(8);
    const skip = MMSIM_HEADER_BYTES + pad8(header.mapsBytes);
    await input.read(new Uint8Array(skip), 0, skip);
    const B = header.blockRecords;
    const flags = header.flags;
    const maxBytes = blockLayout(B, B, flags).bytes;
    const block = new Uint8Array(new ArrayBuffer(maxBytes));
    const words = new Uint32Array(block.buffer);
    const n32 = new Int32Array(block.buffer);
    const cap = BATCH_RECORDS;
    const batch: RefBatch = {
      length: 0,
      addr: new Float64Array(wantPages ? cap : 0),
      kind: new Uint8Array(cap).fill(REF_LOAD),
      loadsOnly: !(flags & COL_KIND),
      size: new Uint8Array(cap),
      page: new Float64Array(wantPages ? cap : 0),
      id: null,
      nextUse: flags & COL_NEXT_USE ? new Float64Array(cap) : null,
    };
    const kindDefault = batch.kind;
    const sizeDefault = batch.size;
    let table = new Float64Array(wantPages ? 1024 : 0);
    let footprint = 0;
    let records = 0;
    let blockNo = 0;
    try {
      while (true) {
        const hn = await input.read(h, 0, 8);
        if (hn === 0) break;
        blockNo++;
        const at = input.offset - hn;
        const bad = (what: string): never => {
          throw new TraceError(path, 0, `mmsim: block ${blockNo} (byte ${at}): ${what}`);
        };
        if (hn < 8) bad('truncated block header');
        const n = h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! * 16777216);
        const k = h[4]! | (h[5]! << 8) | (h[6]! << 16) | (h[7]! * 16777216);
        if (n < 1 || n > B || k > n) bad(`bad counts n=${n} k=${k}`);
        const L = blockLayout(n, k, flags);
        block.set(h, 0);
        if ((await input.read(block, 8, L.bytes - 8)) < L.bytes - 8) bad('truncated block');
        if (wantPages) {
          while (footprint + k > table.length) {
            const bigger = new Float64Array(table.length * 2);
            bigger.set(table);
            table = bigger;
          }
          for (let j = 0; j < k; j++) table[footprint + j] = words[2 + 2 * j]! + words[3 + 2 * j]! * TWO32;
        }
        footprint += k;
        const ids = new Uint32Array(block.buffer, L.ids, n);
        if (wantPages) {
          // Ids index the page table: a corrupt file must not read out of range.
          // (A replay does not need this: ids are only compared with each other.)
          let maxId = 0;
          for (let i = 0; i < n; i++) if (ids[i]! > maxId) maxId = ids[i]!;
          if (maxId >= footprint) bad(`id ${maxId} before its page was defined`);
        }
        const kinds = flags & COL_KIND ? new Uint8Array(block.buffer, L.kind, n) : null;
        const sizes = flags & COL_OFFSET ? new Uint8Array(block.buffer, L.size, n) : null;
        const offs = flags & COL_OFFSET ? new Uint16Array(block.buffer, L.offset, n) : null;
        // Yield the block in slices small enough to stay in cache while the consumer works.
        for (let at = 0; at < n; at += BATCH_RECORDS) {
          const len = Math.min(BATCH_RECORDS, n - at);
          batch.id = ids.subarray(at, at + len);
          batch.kind = kinds ? kinds.subarray(at, at + len) : kindDefault;
          batch.size = sizes ? sizes.subarray(at, at + len) : sizeDefault;
          if (wantPages) {
            for (let i = 0; i < len; i++) {
              const p = table[ids[at + i]!]!;
              batch.page[i] = p;
              batch.addr[i] = p * PAGE + (offs ? offs[at + i]! : 0);
            }
          }
          if (batch.nextUse) {
            const w = (L.nextUse >> 2) + 2 * at;
            for (let i = 0; i < len; i++) {
              const hi = n32[w + 2 * i + 1]!;
              batch.nextUse[i] = hi < 0 ? Infinity : hi * TWO32 + words[w + 2 * i]!;
            }
          }
          batch.length = len;
          records += len;
          yield batch;
        }
      }
      if (header.records !== records || header.footprint !== footprint) {
        throw new TraceError(path, 0, `mmsim: header says ${header.records} records / ${header.footprint} pages, blocks hold ${records} / ${footprint} (truncated or unfinished file)`);
      }
    } finally {
      await input.close();
    }
  }

  return {
    format: 'mmsim',
    path,
    header,
    maps,
    badRecords: 0,
    knownLength: header.records,
    get bytesRead() {
      return counter.bytes;
    },
    batches,
  };
}

/**
 * Writes an mmsim binary trace. Records go to a temporary file next to `path`,
 * renamed into place by close() (gzip-compressed first if path ends in .gz), so
 * an interrupted conversion never leaves a half-written file. Memory: one block
 * plus a page -> id map of footprint size.
 */
export class MmsimWriter {
  private fh: Awaited<ReturnType<typeof open>> | null = null;
  private readonly tmp: string;
  private readonly ids = new KeyIndex(1 << 16);
  private readonly B: number;
  private n = 0;
  private readonly newPages: Float64Array;
  private k = 0;
  private readonly blockIds: Uint32Array;
  private readonly kinds: Uint8Array;
  private readonly offsets: Uint16Array;
  private readonly sizes: Uint8Array;
  private readonly nextUses: Float64Array;
  private records = 0;
  private pos = MMSIM_HEADER_BYTES;
  private maps: Buffer | null = null;

  constructor(
    readonly path: string,
    readonly flags: number,
    blockRecords = MMSIM_BLOCK_RECORDS,
  ) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.B = blockRecords;
    this.newPages = new Float64Array(blockRecords);
    this.blockIds = new Uint32Array(blockRecords);
    this.kinds = new Uint8Array(blockRecords);
    this.offsets = new Uint16Array(blockRecords);
    this.sizes = new Uint8Array(blockRecords);
    this.nextUses = new Float64Array(blockRecords);
  }

  /** Appends a batch. `nextUse` (global indices) is required iff flags has COL_NEXT_USE. */
  async write(batch: RefBatch, nextUse: Float64Array | null = null): Promise<void> {
    if (!this.fh) this.fh = await open(this.tmp, 'w');
    for (let i = 0; i < batch.length; i++) {
      const page = batch.page[i]!;
      let id = this.ids.get(page);
      if (id < 0) {
        id = this.ids.size;
        if (id >= 0x7fffffff) throw new Error('mmsim: more than 2^31 distinct pages');
        this.ids.set(page, id);
        this.newPages[this.k++] = page;
      }
      const j = this.n++;
      this.blockIds[j] = id;
      this.kinds[j] = batch.kind[i]!;
      this.offsets[j] = batch.addr[i]! - page * PAGE;
      this.sizes[j] = batch.size[i]!;
      if (nextUse) this.nextUses[j] = nextUse[i]!;
      if (this.n === this.B) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    const n = this.n;
    const k = this.k;
    if (n === 0) return;
    const L = blockLayout(n, k, this.flags);
    const buf = Buffer.alloc(L.bytes);
    buf.writeUInt32LE(n, 0);
    buf.writeUInt32LE(k, 4);
    for (let j = 0; j < k; j++) {
      const p = this.newPages[j]!;
      buf.writeUInt32LE(p % TWO32, 8 + 8 * j);
      buf.writeUInt32LE(Math.floor(p / TWO32), 12 + 8 * j);
    }
    new Uint32Array(buf.buffer, buf.byteOffset + L.ids, n).set(this.blockIds.subarray(0, n));
    if (this.flags & COL_KIND) buf.set(this.kinds.subarray(0, n), L.kind);
    if (this.flags & COL_OFFSET) {
      for (let i = 0; i < n; i++) buf.writeUInt16LE(this.offsets[i]!, L.offset + 2 * i);
      buf.set(this.sizes.subarray(0, n), L.size);
    }
    if (this.flags & COL_NEXT_USE) {
      for (let i = 0; i < n; i++) {
        const v = this.nextUses[i]!;
        const o = L.nextUse + 8 * i;
        if (v === Infinity) {
          buf.writeInt32LE(-1, o);
          buf.writeInt32LE(-1, o + 4);
        } else {
          buf.writeUInt32LE(v % TWO32, o);
          buf.writeUInt32LE(Math.floor(v / TWO32), o + 4);
        }
      }
    }
    await this.fh!.write(buf, 0, buf.length, this.pos);
    this.pos += buf.length;
    this.records += n;
    this.n = 0;
    this.k = 0;
  }

  /** Sets the maps section (HAS_MAPS), written by close() between the header and the blocks. */
  setMaps(text: string): void {
    this.maps = Buffer.from(text, 'utf8');
  }

  /** Flushes, writes the header and moves the file into place. Returns records and footprint. */
  async close(): Promise<{ records: number; footprint: number }> {
    if (!this.fh) this.fh = await open(this.tmp, 'w');
    await this.flush();
    const flags = this.maps ? this.flags | HAS_MAPS : this.flags & ~HAS_MAPS;
    const h = Buffer.alloc(MMSIM_HEADER_BYTES);
    h.write(MMSIM_MAGIC, 0, 'latin1');
    h.writeUInt16LE(MMSIM_VERSION, 8);
    h.writeUInt16LE(flags, 10);
    h.writeUInt32LE(12, 12);
    h.writeUInt32LE(this.records % TWO32, 16);
    h.writeUInt32LE(Math.floor(this.records / TWO32), 20);
    h.writeUInt32LE(this.ids.size, 24);
    h.writeUInt32LE(this.B, 32);
    if (this.maps) h.writeUInt32LE(this.maps.length, 36);
    await this.fh.write(h, 0, MMSIM_HEADER_BYTES, 0);
    await this.fh.close();
    this.fh = null;
    if (this.maps) await this.insertMaps(this.maps);
    if (this.path.endsWith('.gz')) {
      const gz = `${this.tmp}.gz`;
      await pipeline(createReadStream(this.tmp), createGzip(), createWriteStream(gz));
      await unlink(this.tmp);
      await rename(gz, this.path);
    } else await rename(this.tmp, this.path);
    return { records: this.records, footprint: this.ids.size };
  }

  /**
   * Rewrites the temporary file as header + maps section + blocks (the maps
   * are known only at the end; readers want them before the blocks).
   */
  private async insertMaps(maps: Buffer): Promise<void> {
    const withMaps = `${this.tmp}.maps`;
    const out = await open(withMaps, 'w');
    try {
      const src = await open(this.tmp, 'r');
      try {
        const head = Buffer.alloc(MMSIM_HEADER_BYTES);
        await src.read(head, 0, MMSIM_HEADER_BYTES, 0);
        const section = Buffer.alloc(pad8(maps.length));
        maps.copy(section);
        await out.write(head, 0, head.length, 0);
        await out.write(section, 0, section.length, head.length);
        let at = MMSIM_HEADER_BYTES;
        let to = head.length + section.length;
        const buf = Buffer.allocUnsafe(1 << 20);
        for (;;) {
          const { bytesRead } = await src.read(buf, 0, buf.length, at);
          if (bytesRead === 0) break;
          await out.write(buf, 0, bytesRead, to);
          at += bytesRead;
          to += bytesRead;
        }
      } finally {
        await src.close();
      }
    } finally {
      await out.close();
    }
    await rename(withMaps, this.tmp);
  }

  /** Removes the temporary file after a failure. */
  async abort(): Promise<void> {
    if (this.fh) await this.fh.close();
    this.fh = null;
    await unlink(this.tmp).catch(() => {});
    await unlink(`${this.tmp}.gz`).catch(() => {});
    await unlink(`${this.tmp}.maps`).catch(() => {});
  }
}
