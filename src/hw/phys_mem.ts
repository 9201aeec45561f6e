// The contents of physical memory. mmsim keeps two bytes a frame: the byte at
// offset 0, and the byte that fills the rest of the frame; scenarios read and
// write only the first byte of a page, and files are filled with one byte.
// Simplification: a write at another offset changes the fill byte for the
// whole frame except offset 0.
// The arrays are sized for the whole machine but untouched parts cost nothing:
// zero-filled typed arrays are backed by pages the OS maps lazily.

export class PhysMem {
  readonly first: Uint8Array;
  readonly fill: Uint8Array;

  constructor(readonly nrFrames: number) {
    this.first = new Uint8Array(nrFrames);
    this.fill = new Uint8Array(nrFrames);
  }

  /** Clears a frame, as clear_page() does for a new anonymous page. */
  clear(pfn: number): void {
    this.first[pfn] = 0;
    this.fill[pfn] = 0;
  }

  /** Copies one frame to another (copy_user_highpage). */
  copy(dst: number, src: number): void {
    this.first[dst] = this.first[src]!;
    this.fill[dst] = this.fill[src]!;
  }

  /** Reads the byte at `offset` of frame `pfn`. */
  read(pfn: number, offset: number): number {
    return offset === 0 ? this.first[pfn]! : this.fill[pfn]!;
  }

  /** Writes the byte at `offset` of frame `pfn`. */
  write(pfn: number, offset: number, value: number): void {
    if (offset === 0) this.first[pfn] = value;
    else this.fill[pfn] = value;
  }
}
