// Trace writers behind one interface, for `mmsim trace convert` and
// `mmsim trace gen`: each takes RefBatch objects and writes one format.
import { AtomicOutput } from './output.js';
import { formatLackey } from './lackey.js';
import { formatText } from './text.js';
import { formatOstep } from './ostep.js';
import { CSV_HEADER, formatCsv } from './csv.js';
import { encodeOracle } from './oracle.js';
import { COL_KIND, COL_NEXT_USE, COL_OFFSET, MmsimWriter } from './mmsim.js';
import type { RefBatch } from './ref.js';
import type { AddrUnit, TraceFormat } from './reader.js';

export interface TraceSink {
  /** Appends a batch; nextUse (global indices) where the format stores it. */
  write(batch: RefBatch, nextUse?: Float64Array | null): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface SinkOptions {
  /** text/ostep: write page numbers (default) or byte addresses. */
  unit?: AddrUnit;
  /** mmsim: store kind and in-page offset + size columns (for byte-level inputs). */
  detail?: boolean;
  /** mmsim: store a next-use column (then write() needs nextUse). */
  nextUse?: boolean;
}

/** Formats that need next-use times for every record. */
export function sinkNeedsNextUse(format: TraceFormat, opts: SinkOptions): boolean {
  return format === 'oracle' || (format === 'mmsim' && opts.nextUse === true);
}

/** A writer for `format` to `path` (gzip if it ends in .gz). Nothing appears at `path` before close(). */
export function openSink(path: string, format: TraceFormat, opts: SinkOptions = {}): TraceSink {
  if (format === 'mmsim') {
    const flags = (opts.detail ? COL_KIND | COL_OFFSET : 0) | (opts.nextUse ? COL_NEXT_USE : 0);
    const w = new MmsimWriter(path, flags);
    return {
      write: (b, nu) => w.write(b, nu ?? null),
      close: async () => {
        await w.close();
      },
      abort: () => w.abort(),
    };
  }
  const out = new AtomicOutput(path);
  const unit = opts.unit ?? 'page';
  let started = false;
  let index = 0;
  const ostep = { count: 0 };
  const parts: string[] = [];
  const flushParts = async (): Promise<void> => {
    for (const p of parts) await out.write(p);
    parts.length = 0;
  };
  return {
    async write(b, nu) {
      if (!started && format === 'csv') parts.push(CSV_HEADER);
      started = true;
      if (format === 'oracle') {
        await out.write(encodeOracle(b, nu ?? null, index));
        index += b.length;
        return;
      }
      if (format === 'lackey') formatLackey(b, parts);
      else if (format === 'text') formatText(b, unit, parts);
      else if (format === 'ostep') formatOstep(b, unit, parts, ostep);
      else formatCsv(b, parts);
      await flushParts();
    },
    async close() {
      if (format === 'ostep' && ostep.count > 0) parts.push('\n');
      if (!started && format === 'csv') parts.push(CSV_HEADER);
      await flushParts();
      await out.close();
    },
    abort: () => out.abort(),
  };
}
