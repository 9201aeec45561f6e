// Exact-size reads for the binary trace formats on top of readChunks: copies
// from the current chunk into the caller's (aligned, reused) buffer, so record
// arrays can be viewed as typed arrays without per-record decoding.
import { readChunks, type ByteCounter } from './source.js';

export class BinaryInput {
  private readonly it: AsyncIterator<Buffer>;
  private chunk: Buffer = Buffer.alloc(0);
  private off = 0;
  /** Bytes handed out so far (decompressed offset in the file). */
  offset = 0;

  constructor(path: string, opts: { gzip?: boolean; counter?: ByteCounter }) {
    this.it = readChunks(path, opts)[Symbol.asyncIterator]();
  }

  /**
   * Fills target[at, at + n) from the input. Returns the number of bytes
   * copied, which is less than n only at the end of the input.
   */
  async read(target: Uint8Array, at: number, n: number): Promise<number> {
    let done = 0;
    while (done < n) {
      if (this.off === this.chunk.length) {
        const r = await this.it.next();
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
    await this.it.return?.();
  }
}
