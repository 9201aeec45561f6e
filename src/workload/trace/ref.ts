// One batch of memory references, as every trace reader yields them.
// Buffers are reused from batch to batch (struct-of-arrays, no per-record
// objects), so a consumer must finish with a batch before asking for the next.

/** Reference kinds, as in valgrind lackey's I / L / S / M lines. */
export const REF_INSTR = 0;
export const REF_LOAD = 1;
export const REF_STORE = 2;
export const REF_MODIFY = 3;

export interface RefBatch {
  /** Number of valid entries in the arrays below. */
  length: number;
  /** Byte address of each reference (page-granular formats give page * 4096). */
  addr: Float64Array;
  /** REF_* kind of each reference. */
  kind: Uint8Array;
  /** Bytes accessed, 0 where the format does not say. */
  size: Uint8Array;
}
