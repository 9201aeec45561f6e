// Building page tables in a byte-addressed physical memory for each x86
// paging mode (hw/paging_modes.ts), the way a kernel fills them: tables
// allocated from a frame allocator as mappings need them, entries written
// in the hardware's format. Used by `mmsim translate` and its tests.
// Upper-level entries are written present, writable and user (the leaf
// decides), with A clear, so that a walk shows the CPU setting it; a PAE
// PDPTE holds only P and the address (its other low bits are reserved).
import { FrameAllocator, type ByteMemory } from './byte_mem.js';
import { GEOMETRY, G, maxPhyAddrOf, P, PS, RW, US, XD, type PagingCpu, type PagingMode, toVa } from './paging_modes.js';

export interface MapOptions {
  /** 4096 (default); 4 MiB on i386 (PSE); 2 MiB on PAE and 64-bit; 1 GiB on 64-bit. */
  pageSize?: number;
  write?: boolean;
  user?: boolean;
  /** Execute-disable (bit 63): PAE and 64-bit modes only. */
  nx?: boolean;
  global?: boolean;
}

export class PageTableBuilder {
  /** CR3 value for these tables. */
  readonly cr3: number;
  readonly mem: ByteMemory;
  private readonly probe: PagingCpu;

  /**
   * Empty tables for `mode`: the top table (the PDPT for PAE) is the first
   * frame the allocator gives. `maxPhyAddr` as in PagingCpu.
   */
  constructor(
    readonly mode: PagingMode,
    readonly frames: FrameAllocator,
    opts: { maxPhyAddr?: number } = {},
  ) {
    this.mem = frames.mem;
    this.cr3 = frames.allocFrame();
    this.probe = { mode, mem: this.mem, cr3: this.cr3, ...(opts.maxPhyAddr !== undefined ? { maxPhyAddr: opts.maxPhyAddr } : {}) };
  }

  /** A CPU paging state over these tables (CR4/EFER settings from `opts`). */
  cpu(opts: Omit<Partial<PagingCpu>, 'mode' | 'mem' | 'cr3'> = {}): PagingCpu {
    return { ...this.probe, ...opts };
  }

  private read(pa: number): bigint {
    return GEOMETRY[this.mode].entryBytes === 4 ? BigInt(this.mem.read32(pa)) : this.mem.read64(pa);
  }

  private write(pa: number, v: bigint): void {
    if (GEOMETRY[this.mode].entryBytes === 4) this.mem.write32(pa, Number(v));
    else this.mem.write64(pa, v);
  }

  /**
   * Maps the page at `va` to physical address `pa`, creating the tables on
   * the way down. Both must be aligned to the page size. Throws if the
   * mode has no such page size, if `pa` does not fit the mode's physical
   * addresses, or if something is already mapped there.
   */
  map(va: number | bigint, pa: number, opts: MapOptions = {}): void {
    const g = GEOMETRY[this.mode];
    const size = opts.pageSize ?? 4096;
    const v = toVa(va);
    const leafAt = g.levels.findIndex((l) => l.leafSize === size);
    if (leafAt < 0) throw new RangeError(`${this.mode} has no ${size}-byte pages`);
    if (v % BigInt(size) !== 0n || pa % size !== 0) throw new RangeError(`va 0x${v.toString(16)} and pa 0x${pa.toString(16)} must be ${size}-byte aligned`);
    const m = maxPhyAddrOf(this.probe);
    const paLimit = this.mode === 'i386' ? (size === 4096 ? 2 ** 32 : 2 ** Math.min(m, 40)) : 2 ** m;
    if (pa >= paLimit) throw new RangeError(`pa 0x${pa.toString(16)} does not fit ${this.mode} physical addresses`);
    if (opts.nx && g.entryBytes === 4) throw new RangeError('i386 (32-bit paging) has no execute-disable bit');
    let table = this.cr3;
    for (let i = 0; i < leafAt; i++) {
      const l = g.levels[i]!;
      const entryAddr = table + Number((v >> BigInt(l.shift)) & ((1n << BigInt(l.bits)) - 1n)) * g.entryBytes;
      let e = this.read(entryAddr);
      if (!(e & P)) {
        const t = this.frames.allocFrame();
        e = this.mode === 'pae' && l.name === 'PDPTE' ? BigInt(t) | P : BigInt(t) | P | RW | US;
        this.write(entryAddr, e);
      } else if (e & PS && l.leafSize > 0) throw new RangeError(`0x${v.toString(16)} is inside a ${l.leafSize}-byte page already mapped`);
      table = Number(e & ~0xfffn & ((1n << 52n) - 1n));
    }
    const l = g.levels[leafAt]!;
    const entryAddr = table + Number((v >> BigInt(l.shift)) & ((1n << BigInt(l.bits)) - 1n)) * g.entryBytes;
    if (this.read(entryAddr) & P) throw new RangeError(`0x${v.toString(16)} is already mapped`);
    let addr: bigint;
    if (this.mode === 'i386' && size !== 4096) addr = BigInt(pa % 2 ** 32) | (BigInt(Math.floor(pa / 2 ** 32)) << 13n);
    else addr = BigInt(pa);
    let e = addr | P;
    if (opts.write) e |= RW;
    if (opts.user) e |= US;
    if (size !== 4096) e |= PS;
    if (opts.global) e |= G;
    if (opts.nx) e |= XD;
    this.write(entryAddr, e);
  }
}
