// Physical memory as bytes, for the architectural page walks of
// hw/paging_modes.ts: page-table entries are read and written as the CPU
// does, 4 or 8 bytes little-endian at a physical address. (The kernel model
// keeps frames in hw/phys_mem.ts instead, two bytes a frame.)
// Only the frames that hold tables need to exist: a translation computes the
// physical address of the data without reading it.

export class ByteMemory {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  /** `sizeBytes` of zeroed memory at physical address 0. */
  constructor(readonly sizeBytes: number) {
    this.bytes = new Uint8Array(sizeBytes);
    this.view = new DataView(this.bytes.buffer);
  }

  private check(pa: number, n: number): void {
    if (pa < 0 || pa + n > this.sizeBytes || pa % n !== 0) throw new RangeError(`physical address 0x${pa.toString(16)} is outside memory or misaligned for ${n} bytes`);
  }

  read32(pa: number): number {
    this.check(pa, 4);
    return this.view.getUint32(pa, true);
  }

  write32(pa: number, v: number): void {
    this.check(pa, 4);
    this.view.setUint32(pa, v >>> 0, true);
  }

  read64(pa: number): bigint {
    this.check(pa, 8);
    return this.view.getBigUint64(pa, true);
  }

  write64(pa: number, v: bigint): void {
    this.check(pa, 8);
    this.view.setBigUint64(pa, BigInt.asUintN(64, v), true);
  }
}

/**
 * Hands out zeroed 4 KiB frames of a ByteMemory, lowest first, from
 * `firstPfn` (frame 0 is left alone by default, as real firmware keeps it).
 */
export class FrameAllocator {
  private next: number;

  constructor(
    readonly mem: ByteMemory,
    firstPfn = 1,
  ) {
    this.next = firstPfn;
  }

  /** Physical address of a new zeroed frame; throws when memory is full. */
  allocFrame(): number {
    const pa = this.next * 4096;
    if (pa + 4096 > this.mem.sizeBytes) throw new RangeError('out of physical memory for page tables');
    this.next++;
    this.mem.bytes.fill(0, pa, pa + 4096);
    return pa;
  }
}
