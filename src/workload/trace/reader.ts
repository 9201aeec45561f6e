// What every trace reader offers, whatever its format: a stream of RefBatch
// objects in constant memory, plus counters the CLI reports (bad lines skipped,
// bytes consumed for the progress bar).
import type { RefBatch } from './ref.js';

/** The trace formats mmsim reads; `mmsim trace convert` writes all of them. */
export const TRACE_FORMATS = ['lackey', 'text', 'ostep', 'csv', 'oracle', 'mmsim'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** Units of the numbers in a text, OSTEP or CSV trace. */
export type AddrUnit = 'page' | 'byte';

export interface ReadOptions {
  /** Count and skip malformed lines instead of stopping at the first (`--skip-bad`). */
  skipBad?: boolean;
  /** Whether text numbers are page numbers (default) or byte addresses. */
  unit?: AddrUnit;
  /** CSV: 1-based column number or header name of the address column (default 1). */
  column?: string;
  /** CSV: first row is a header (default: detected when the column is not numeric). */
  header?: boolean;
  /** mmsim: also fill `page` and `addr` from the id table (the fast path only needs ids). */
  pages?: boolean;
  /** Decompress regardless of the magic (default: detected). */
  gzip?: boolean;
}

export interface TraceReader {
  readonly format: TraceFormat;
  readonly path: string;
  /** Malformed records skipped so far (only with skipBad). */
  readonly badRecords: number;
  /** Number of records if the file says so up front, else -1. */
  readonly knownLength: number;
  /** Input bytes consumed so far (compressed bytes for gzip), for progress. */
  readonly bytesRead: number;
  /** The references, one reused batch at a time. Call once. */
  batches(): AsyncGenerator<RefBatch>;
}
