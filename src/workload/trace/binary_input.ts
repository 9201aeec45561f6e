// Exact-size reads for the binary trace formats, into the caller's (aligned,
// reused) buffer, so record arrays can be viewed as typed arrays without
// per-record decoding. A plain file is read straight into that buffer; a
// gzip file is decompressed in chunks (readChunks) and copied from them.
// Plain files are read synchronously, as in readChunks (source.ts), with a
// turn of the event loop after each CHUNK_BYTES.
import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CHUNK_BYTES, isGzipFile, readChunks, type ByteCounter } from './source.js';

export class BinaryInput {
  private it: AsyncIterator<Buffer> | null = null;
  private fd = -1;
  /** Bytes read since the last turn of the event loop. */
  private sinceTurn = 0;
  private chunk: Buffer = Buffer.alloc(0);
  private off = 0;
  private readonly counter: ByteCounter;
  /** Bytes handed out so far (decompressed offset in the file). */
  offset = 0;

  private constructor(counter: ByteCounter) {
    this.counter = counter;
  }

  /** Opens `path`; gzip is detected from the magic unless opts.gzip says. */
  static async open(path: string, opts: { gzip?: boolean; counter?: ByteCounter }): Promise<BinaryInput> {
    const input = new BinaryInput(opts.counter ?? { bytes: 0 });
    const gzip = opts.gzip ?? (await isGzipFile(path));
    if (gzip) input.it = readChunks(path, { gzip: true, counter: input.counter })[Symbol.asyncIterator]();
    else input.fd = openSync(path, 'r');
    return input;
  }

  /**
   * Fills target[at, at + n) from the input. Returns the number of bytes
   * copied, which is less than n only at the end of the input.
   */
  async read(target: Uint8Array, at: number, n: number): Promise<number> {
    let done = 0;
    if (this.fd >= 0) {
      while (done < n) {
        const bytesRead = readSync(this.fd, target, at + done, n - done, null);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      this.counter.bytes += done;
      this.offset += done;
      this.sinceTurn += done;
      if (this.sinceTurn >= CHUNK_BYTES) {
        this.sinceTurn = 0;
        await nextTurn();
      }
      return done;
    }
    while (done < n) {
      if (this.off === this.chunk.length) {
        const r = await this.it!.next();
        if (r.done) break;
        this.chunk = r.value;
        this.off = 0;
      }
      const take = Math.min(n - done, this.chunk.length - this.off);
      target.set(this.chunk.subarray(this.off, this.off + take), at + done);
      this.off += take;
      done += take;
    }
    this.offset += done;
    return done;
  }

  /** Stops reading early and releases the file. */
  async close(): Promise<void> {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    await this.it?.return?.();
  }
}
