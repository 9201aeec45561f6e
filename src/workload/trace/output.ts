// Output files that appear whole or not at all: bytes go to a temporary file
// beside the target (through gzip when the name ends in .gz) and are renamed
// into place by close(); abort() removes the temporary file. A failed or
// interrupted conversion therefore never leaves a half-written trace.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';

export class AtomicOutput {
  private readonly tmp: string;
  private readonly file: WriteStream;
  private readonly sink: WriteStream | Gzip;
  private failed: Error | null = null;

  constructor(readonly path: string) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.file = createWriteStream(this.tmp);
    this.file.on('error', (e) => (this.failed = e));
    if (path.endsWith('.gz')) {
      const gz = createGzip();
      gz.pipe(this.file);
      this.sink = gz;
    } else this.sink = this.file;
  }

  /** Appends bytes, waiting when the stream buffers too much. */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.sink.write(chunk)) await once(this.sink, 'drain');
  }

  /** Finishes the file and renames it into place. */
  async close(): Promise<void> {
    this.sink.end();
    if (!this.file.writableFinished) await once(this.file, 'finish');
    if (this.failed) throw this.failed;
    await rename(this.tmp, this.path);
  }

  /** Drops the temporary file. */
  async abort(): Promise<void> {
    this.sink.destroy();
    this.file.destroy();
    await unlink(this.tmp).catch(() => {});
  }
}
