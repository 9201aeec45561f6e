// Shared by the trace reader tests: drain a reader into plain arrays, and make
// throw-away input files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceReader } from '../../../src/workload/trace/reader.js';

export interface Collected {
  length: number;
  addr: number[];
  page: number[];
  kind: number[];
  size: number[];
  id: number[];
  nextUse: number[];
}

/** Every record of the trace, copied out of the reused batches. */
export async function collect(r: TraceReader): Promise<Collected> {
  const c: Collected = { length: 0, addr: [], page: [], kind: [], size: [], id: [], nextUse: [] };
  for await (const b of r.batches()) {
    for (let i = 0; i < b.length; i++) {
      c.addr.push(b.addr[i]!);
      c.page.push(b.page[i]!);
      c.kind.push(b.kind[i]!);
      c.size.push(b.size[i]!);
      if (b.id) c.id.push(b.id[i]!);
      if (b.nextUse) c.nextUse.push(b.nextUse[i]!);
    }
    c.length += b.length;
  }
  return c;
}

const dir = mkdtempSync(join(tmpdir(), 'mmsim-trace-'));

/** Writes `content` to a fresh file and returns its path. */
export function tmpFile(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
