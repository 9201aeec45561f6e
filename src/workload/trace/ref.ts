// One batch of memory references, as every trace reader yields them.
// Buffers are reused from batch to batch (struct-of-arrays, no per-record
// objects), so a consumer must finish with a batch before asking for the next.

/** Reference kinds, as in valgrind lackey's I / L / S / M lines. */
export const REF_INSTR = 0;
export const REF_LOAD = 1;
export const REF_STORE = 2;
export const REF_MODIFY = 3;

/** Records per batch that the readers fill before yielding. */
export const BATCH_RECORDS = 8192;

export interface RefBatch {
  /** Number of valid entries in the arrays below. */
  length: number;
  /** Byte address of each reference (page-granular formats give page * 4096). */
  addr: Float64Array;
  /** REF_* kind of each reference. */
  kind: Uint8Array;
  /**
   * Every kind in this batch is REF_LOAD, as the reader knows without looking
   * (text traces, mmsim files without a kind column): consumers that only
   * count writes can skip `kind`.
   */
  loadsOnly: boolean;
  /** Bytes accessed, 0 where the format does not say. */
  size: Uint8Array;
  /**
   * Page number of each reference: floor(addr / 4096) for byte-addressed
   * formats, the number itself for page- or object-granular ones (exact below
   * 2^53 even where page * 4096 would not be).
   */
  page: Float64Array;
  /**
   * Dense ids 0, 1, 2... in order of first appearance, where the format stores
   * them (mmsim's binary format); null otherwise. When set, a reader may leave
   * `addr` and `page` unfilled unless asked for pages (see the reader's options).
   */
  id: Uint32Array | null;
  /** Index of the next reference to the same page (Infinity: never), where the format stores it; else null. */
  nextUse: Float64Array | null;
}

/** A batch with room for `capacity` records, no ids and no next-use column. */
export function newRefBatch(capacity = BATCH_RECORDS): RefBatch {
  return {
    length: 0,
    addr: new Float64Array(capacity),
    kind: new Uint8Array(capacity),
    loadsOnly: false,
    size: new Uint8Array(capacity),
    page: new Float64Array(capacity),
    id: null,
    nextUse: null,
  };
}

/** True for the kinds that write memory (S and M). */
export function isWriteKind(kind: number): boolean {
  return kind >= REF_STORE;
}
