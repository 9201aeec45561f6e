// Where trace bytes come from: a file read in large chunks, gunzipped on the
// fly when it starts with the gzip magic (node:zlib). Memory stays constant:
// one chunk buffer, reused, however long the file.
// Plain files are read synchronously: an asynchronous read hands each chunk to
// a libuv pool thread and back, two waits for the scheduler per chunk, which
// on a loaded machine cost more wall time than parsing the chunk. The reader
// still gives the event loop a turn after each chunk (timers, signals).
import { open } from 'node:fs/promises';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';

/** Bytes read per chunk. Large chunks amortise the per-call cost of the parse loops. */
export const CHUNK_BYTES = 1 << 20;

/** Running count of input bytes consumed, for progress bars. */
export interface ByteCounter {
  bytes: number;
}

/** True when the file starts with the gzip magic 1f 8b. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The file's (decompressed) contents as a sequence of chunks. For plain files
 * one buffer is reused, so a consumer must be done with a chunk before it asks
 * for the next. Throws the fs error if the file cannot be opened.
 */
export async function* readChunks(
  path: string,
  opts: { gzip?: boolean; chunkBytes?: number; counter?: ByteCounter } = {},
): AsyncGenerator<Buffer> {
  const chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
  const gzip = opts.gzip ?? (await isGzipFile(path));
  const counter = opts.counter ?? { bytes: 0 };
  if (gzip) {
    const raw = createReadStream(path, { highWaterMark: chunkBytes });
    raw.on('data', (b) => (counter.bytes += b.length));
    const stream = raw.pipe(createGunzip({ chunkSize: chunkBytes }));
    // A truncated or corrupt gzip stream surfaces here as a zlib error.
    for await (const chunk of stream) yield chunk as Buffer;
    return;
  }
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    while (true) {
      const bytesRead = readSync(fd, buf, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      counter.bytes += bytesRead;
      yield bytesRead === chunkBytes ? buf : buf.subarray(0, bytesRead);
      await nextTurn();
    }
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bytes of the (decompressed) file, fewer if it is shorter. */
export async function peekBytes(path: string, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const chunk of readChunks(path, { chunkBytes: Math.max(n, 4096) })) {
    parts.push(Buffer.from(chunk.subarray(0, n - have)));
    have += parts[parts.length - 1]!.length;
    if (have >= n) break;
  }
  return Buffer.concat(parts, have);
}
