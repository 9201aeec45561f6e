// The x86 paging modes as the hardware defines them, walked entry by entry in
// a byte-addressed physical memory (hw/byte_mem.ts). Intel SDM vol. 3A
// chapter 4 ("Paging"): 4.3 32-bit paging, 4.4 PAE paging, 4.5 4-level and
// 5-level paging, 4.6 access rights, 4.7 page-fault error codes, 4.8 A/D.
// Linux: arch/x86/include/asm/pgtable-2level_types.h, pgtable-3level_types.h,
// pgtable_64_types.h, arch/x86/include/asm/trap_pf.h (X86_PF_*).
//
//   i386 (32-bit paging)   CR3 -> PD (1024 x 4 B) -> PT (1024 x 4 B)
//        va = | PDE 10 | PTE 10 | offset 12 |      PS in a PDE: a 4 MiB page
//   pae                    CR3 -> PDPT (4 x 8 B) -> PD (512 x 8 B) -> PT (512 x 8 B)
//        va = | 2 | PDE 9 | PTE 9 | offset 12 |    PS in a PDE: a 2 MiB page
//   x86_64 (4-level)       CR3 -> PML4 -> PDPT -> PD -> PT, 512 x 8 B each
//        va = | PML4 9 | PDPT 9 | PD 9 | PT 9 | 12 |   PS: 1 GiB (PDPTE), 2 MiB (PDE)
//   la57 (5-level)         CR3 -> PML5 -> PML4 -> ..., va of 57 bits
//
// This is the teaching model behind `mmsim translate`, separate from the
// kernel's page-table pool (hw/page_table.ts): no TLB, no paging-structure
// caches; it is not on any hot path, so entries are bigints.
// Simplification: the CPU sets A/D bits only on a translation that succeeds
// (the SDM also allows setting A in entries of a walk that then faults);
// protection keys, shadow stacks and HLAT are not modelled.
import type { ByteMemory } from './byte_mem.js';

export type PagingMode = 'i386' | 'pae' | 'x86_64' | 'la57';
export const PAGING_MODES: readonly PagingMode[] = ['i386', 'pae', 'x86_64', 'la57'];

/** One level of a walk, top first. */
export interface LevelGeometry {
  /** The entry's name in the SDM: PML5E, PML4E, PDPTE, PDE, PTE. */
  readonly name: string;
  /** The lowest virtual-address bit of this level's index. */
  readonly shift: number;
  /** Width of the index (entries = 2^bits). */
  readonly bits: number;
  /** Bytes a leaf at this level maps (PS=1, or any PTE); 0 if PS is not allowed here. */
  readonly leafSize: number;
}

export interface ModeGeometry {
  readonly mode: PagingMode;
  readonly vaBits: number;
  readonly entryBytes: 4 | 8;
  readonly levels: readonly LevelGeometry[];
}

const K4 = 2 ** 12;
const M2 = 2 ** 21;
const M4 = 2 ** 22;
const G1 = 2 ** 30;

const LOWER_64: readonly LevelGeometry[] = [
  { name: 'PML4E', shift: 39, bits: 9, leafSize: 0 },
  { name: 'PDPTE', shift: 30, bits: 9, leafSize: G1 },
  { name: 'PDE', shift: 21, bits: 9, leafSize: M2 },
  { name: 'PTE', shift: 12, bits: 9, leafSize: K4 },
];

export const GEOMETRY: Readonly<Record<PagingMode, ModeGeometry>> = {
  i386: {
    mode: 'i386',
    vaBits: 32,
    entryBytes: 4,
    levels: [
      { name: 'PDE', shift: 22, bits: 10, leafSize: M4 },
      { name: 'PTE', shift: 12, bits: 10, leafSize: K4 },
    ],
  },
  pae: {
    mode: 'pae',
    vaBits: 32,
    entryBytes: 8,
    levels: [
      { name: 'PDPTE', shift: 30, bits: 2, leafSize: 0 },
      { name: 'PDE', shift: 21, bits: 9, leafSize: M2 },
      { name: 'PTE', shift: 12, bits: 9, leafSize: K4 },
    ],
  },
  x86_64: { mode: 'x86_64', vaBits: 48, entryBytes: 8, levels: LOWER_64 },
  la57: { mode: 'la57', vaBits: 57, entryBytes: 8, levels: [{ name: 'PML5E', shift: 48, bits: 9, leafSize: 0 }, ...LOWER_64] },
};

// Entry bits (the same positions in 4- and 8-byte entries).
export const P = 1n << 0n;
export const RW = 1n << 1n;
export const US = 1n << 2n;
export const PWT = 1n << 3n;
export const PCD = 1n << 4n;
export const A = 1n << 5n;
export const D = 1n << 6n;
/** PS in a PDE/PDPTE; in a PTE the same bit is PAT. */
export const PS = 1n << 7n;
export const G = 1n << 8n;
/** PAT of a large page. */
export const PAT_LARGE = 1n << 12n;
/** Execute-disable, honoured when IA32_EFER.NXE = 1 (8-byte entries only). */
export const XD = 1n << 63n;

// Page-fault error code (SDM 4.7; Linux X86_PF_PROT, _WRITE, _USER, _RSVD, _INSTR).
/** 0: the page was not present; 1: a protection or reserved-bit violation. */
export const PF_P = 1;
export const PF_W = 2;
export const PF_U = 4;
export const PF_RSVD = 8;
export const PF_I = 16;

/** The paging state of a CPU: control registers and the memory its tables are in. */
export interface PagingCpu {
  mode: PagingMode;
  mem: ByteMemory;
  /** CR3: the physical address of the top table (PDPT: 32-byte aligned, bits 31:5). */
  cr3: number;
  /** CR4.PSE (32-bit paging): PS in a PDE means a 4 MiB page. Default true. */
  pse?: boolean;
  /** IA32_EFER.NXE: bit 63 is execute-disable; when clear it is reserved. Default true. */
  nxe?: boolean;
  /** CR0.WP: supervisor writes obey R/W. Default true (Linux sets it). */
  wp?: boolean;
  /** CR4.SMEP: supervisor instruction fetches from user pages fault. Default false. */
  smep?: boolean;
  /** CR4.SMAP (with EFLAGS.AC = 0): supervisor data accesses to user pages fault. Default false. */
  smap?: boolean;
  /** 1 GiB pages in PDPTEs (CPUID pdpe1gb). Default true. */
  gbPages?: boolean;
  /** MAXPHYADDR: 36 for the 32-bit modes, 52 for the 64-bit ones, by default. */
  maxPhyAddr?: number;
}

/** What the access is: a read by default; supervisor (CPL 0) unless `user`. */
export interface Access {
  write?: boolean;
  user?: boolean;
  /** An instruction fetch. */
  exec?: boolean;
}

/** One entry the walk read. */
export interface WalkStep {
  level: string;
  index: number;
  /** Physical address of the entry. */
  entryAddr: number;
  /** The entry as read. */
  value: bigint;
  /** The entry after the CPU set A (and D) in it, or null if it did not write it. */
  written: bigint | null;
}

export type Translation =
  | { kind: 'ok'; pa: number; pageSize: number; steps: WalkStep[] }
  | { kind: 'page-fault'; errorCode: number; level: string; reason: string; steps: WalkStep[] }
  | { kind: 'general-protection'; reason: string; steps: WalkStep[] };

function bits(hi: number, lo: number): bigint {
  if (hi < lo) return 0n;
  return ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);
}

export function maxPhyAddrOf(cpu: PagingCpu): number {
  return cpu.maxPhyAddr ?? (GEOMETRY[cpu.mode].vaBits === 32 ? 36 : 52);
}

/** PSE-36 width of a 4 MiB page's address on 32-bit paging: MAXPHYADDR, at most 40. */
function pse36Bits(cpu: PagingCpu): number {
  return Math.min(maxPhyAddrOf(cpu), 40);
}

/**
 * Reserved bits of a present entry (SDM tables 4-4..4-20); a set one is a
 * #PF with RSVD. `leaf` says whether PS (where allowed) makes it a page.
 *   32-bit paging: only a 4 MiB PDE has them, bits 21:(M-19) (PSE-36).
 *   PAE: bits 62:M, and 63 without NXE; a 2 MiB PDE also bits 20:13.
 *   4/5-level: bits 51:M, 63 without NXE; PS in a PML4E/PML5E; a 1 GiB
 *   PDPTE bits 29:13 (PS itself without 1 GiB-page support); 2 MiB PDE 20:13.
 */
export function reservedBits(cpu: PagingCpu, level: LevelGeometry, v: bigint): bigint {
  const m = maxPhyAddrOf(cpu);
  const nxe = cpu.nxe ?? true;
  const ps = (v & PS) !== 0n;
  if (cpu.mode === 'i386') {
    if (level.name !== 'PDE' || !ps || !(cpu.pse ?? true)) return 0n;
    return v & bits(21, Math.max(pse36Bits(cpu) - 19, 13));
  }
  let rsv = cpu.mode === 'pae' ? bits(62, m) : bits(51, m);
  if (!nxe) rsv |= XD;
  if (level.name === 'PML5E' || level.name === 'PML4E') rsv |= PS;
  else if (level.name === 'PDPTE' && ps) rsv |= (cpu.gbPages ?? true) ? bits(29, 13) : PS;
  else if (level.name === 'PDE' && ps) rsv |= bits(20, 13);
  return v & rsv;
}

/**
 * Reserved bits of a PAE PDPTE: bits 2:1, 8:5 and 63:M. They are checked
 * when MOV to CR3 loads the four PDPTEs, and fault with #GP, not #PF.
 */
export function pdpteReservedBits(cpu: PagingCpu, v: bigint): bigint {
  return v & (bits(2, 1) | bits(8, 5) | bits(63, maxPhyAddrOf(cpu)));
}

/** Physical address a table entry points to (bits M-1:12; 32-bit paging: 31:12). */
function tableAddr(cpu: PagingCpu, v: bigint): number {
  if (cpu.mode === 'i386') return Number(v & bits(31, 12));
  return Number(v & bits(maxPhyAddrOf(cpu) - 1, 12));
}

/**
 * Physical address of the page a leaf maps. A 4 MiB page of 32-bit paging
 * keeps PA bits 31:22 in entry bits 31:22 and, with PSE-36, PA bits
 * (M-1):32 in entry bits (M-20):13. Example (M = 36): the PDE 0x00402083
 * has bits 31:22 = 0x001 (PA 0x00400000) and bit 13 set (PA bit 32), so it
 * maps the 4 MiB at 0x1_0040_0000.
 */
function pageAddr(cpu: PagingCpu, v: bigint, size: number): number {
  if (cpu.mode === 'i386') {
    if (size === K4) return Number(v & bits(31, 12));
    const high = (v >> 13n) & ((1n << BigInt(Math.max(pse36Bits(cpu) - 32, 0))) - 1n);
    return Number((v & bits(31, 22)) | (high << 32n));
  }
  return Number(v & bits(maxPhyAddrOf(cpu) - 1, Math.log2(size)));
}

function readEntry(cpu: PagingCpu, pa: number): bigint {
  return GEOMETRY[cpu.mode].entryBytes === 4 ? BigInt(cpu.mem.read32(pa)) : cpu.mem.read64(pa);
}

function writeEntry(cpu: PagingCpu, pa: number, v: bigint): void {
  if (GEOMETRY[cpu.mode].entryBytes === 4) cpu.mem.write32(pa, Number(v));
  else cpu.mem.write64(pa, v);
}

/** The virtual address as a non-negative bigint below 2^64. */
export function toVa(va: number | bigint): bigint {
  const v = typeof va === 'bigint' ? va : BigInt(va);
  return BigInt.asUintN(64, v);
}

/** True if a 64-bit mode's address is canonical: bits 63..vaBits-1 all equal. */
export function isCanonical(mode: PagingMode, va: bigint): boolean {
  const g = GEOMETRY[mode];
  if (g.vaBits === 32) return va < 1n << 32n;
  const top = va >> BigInt(g.vaBits - 1);
  return top === 0n || top === (1n << BigInt(64 - g.vaBits + 1)) - 1n;
}

/** The table index of `va` at each level, top first. */
export function vaIndices(mode: PagingMode, va: number | bigint): number[] {
  const v = toVa(va);
  return GEOMETRY[mode].levels.map((l) => Number((v >> BigInt(l.shift)) & ((1n << BigInt(l.bits)) - 1n)));
}

/**
 * The hardware walk: translates `va` for an access, reading each level's
 * entry from `cpu.mem`. On success the CPU sets A in every entry it used and
 * D in the leaf of a write (writing them back to memory) and the result
 * gives the physical address, the page size and every entry read. Otherwise
 * it gives the #PF error code (P/W/U/RSVD/I as the SDM defines them), or a
 * #GP for a non-canonical address or, in PAE, a PDPTE with reserved bits
 * (caught when MOV to CR3 loaded the four PDPTEs).
 * Example (i386): CR3 0x1000, va 0x0804a123: PDE index 0x20 at 0x1080, PTE
 * index 0x4a at (PDE & ~0xfff) + 0x128; PA = (PTE & ~0xfff) + 0x123.
 */
export function translate(cpu: PagingCpu, va: number | bigint, access: Access = {}): Translation {
  const g = GEOMETRY[cpu.mode];
  const v = toVa(va);
  const steps: WalkStep[] = [];
  if (!isCanonical(cpu.mode, v)) {
    if (g.vaBits === 32) throw new RangeError(`0x${v.toString(16)} is not a 32-bit linear address`);
    return { kind: 'general-protection', reason: `0x${v.toString(16)} is not canonical (bits 63..${g.vaBits - 1} must be equal)`, steps };
  }
  const nxe = (cpu.nxe ?? true) && g.entryBytes === 8;
  const fetchBit = access.exec && (nxe || cpu.smep) ? PF_I : 0;
  const code = (access.write ? PF_W : 0) | (access.user ? PF_U : 0) | fetchBit;
  let base: number;
  if (cpu.mode === 'pae') {
    // MOV to CR3 loads all four PDPTEs and checks them (SDM 4.4.1).
    base = (cpu.cr3 & ~31) >>> 0;
    for (let i = 0; i < 4; i++) {
      const e = cpu.mem.read64(base + i * 8);
      if (e & P && pdpteReservedBits(cpu, e)) {
        return { kind: 'general-protection', reason: `PDPTE ${i} sets reserved bits 0x${pdpteReservedBits(cpu, e).toString(16)}: MOV to CR3 faults`, steps };
      }
    }
  } else base = g.vaBits === 32 ? (cpu.cr3 & 0xfffff000) >>> 0 : Number(BigInt(cpu.cr3) & bits(maxPhyAddrOf(cpu) - 1, 12));
  let writable = true;
  let user = true;
  let xd = false;
  let pageSize = 0;
  let leafEntry = 0n;
  for (let i = 0; i < g.levels.length; i++) {
    const level = g.levels[i]!;
    const index = Number((v >> BigInt(level.shift)) & ((1n << BigInt(level.bits)) - 1n));
    const entryAddr = base + index * g.entryBytes;
    const e = readEntry(cpu, entryAddr);
    steps.push({ level: level.name, index, entryAddr, value: e, written: null });
    if (!(e & P)) return { kind: 'page-fault', errorCode: code, level: level.name, reason: `${level.name} not present`, steps };
    const rsv = reservedBits(cpu, level, e);
    if (rsv) return { kind: 'page-fault', errorCode: code | PF_P | PF_RSVD, level: level.name, reason: `${level.name} sets reserved bits 0x${rsv.toString(16)}`, steps };
    // A PAE PDPTE has no R/W, U/S or XD bits: it restricts nothing.
    if (!(cpu.mode === 'pae' && level.name === 'PDPTE')) {
      writable &&= (e & RW) !== 0n;
      user &&= (e & US) !== 0n;
      if (nxe && e & XD) xd = true;
    }
    const last = i === g.levels.length - 1;
    const large = !last && level.leafSize > 0 && (e & PS) !== 0n && (cpu.mode !== 'i386' || (cpu.pse ?? true));
    if (last || large) {
      pageSize = level.leafSize;
      leafEntry = e;
      break;
    }
    base = tableAddr(cpu, e);
  }
  const prot = (reason: string): Translation => ({ kind: 'page-fault', errorCode: code | PF_P, level: steps[steps.length - 1]!.level, reason, steps });
  if (access.user) {
    if (!user) return prot('user access to a supervisor page (U/S = 0 at some level)');
    if (access.write && !writable) return prot('write to a read-only page (R/W = 0 at some level)');
    if (access.exec && xd) return prot('instruction fetch from an execute-disable page (XD = 1 at some level)');
  } else {
    if (access.exec && xd) return prot('instruction fetch from an execute-disable page (XD = 1 at some level)');
    if (access.exec && user && cpu.smep) return prot('SMEP: supervisor fetch from a user page');
    if (!access.exec && user && cpu.smap) return prot('SMAP: supervisor data access to a user page');
    if (access.write && !writable && (cpu.wp ?? true)) return prot('supervisor write to a read-only page with CR0.WP = 1');
  }
  // The access succeeds: the CPU sets A in each entry it used, D in the leaf of a write.
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (cpu.mode === 'pae' && s.level === 'PDPTE') continue;
    let nv = s.value | A;
    if (i === steps.length - 1 && access.write) nv |= D;
    if (nv !== s.value) {
      writeEntry(cpu, s.entryAddr, nv);
      s.written = nv;
    }
  }
  const pa = pageAddr(cpu, leafEntry, pageSize) + Number(v & BigInt(pageSize - 1));
  return { kind: 'ok', pa, pageSize, steps };
}

/** Names of the flags set in an entry at `level` (for printing walks). */
export function entryFlagNames(mode: PagingMode, level: string, v: bigint): string[] {
  const out: string[] = [];
  const leafCapable = level === 'PDE' || (level === 'PDPTE' && mode !== 'pae');
  if (mode === 'pae' && level === 'PDPTE') {
    if (v & P) out.push('P');
    if (v & PWT) out.push('PWT');
    if (v & PCD) out.push('PCD');
    return out;
  }
  const names: Array<[bigint, string]> = [
    [P, 'P'],
    [RW, 'RW'],
    [US, 'US'],
    [PWT, 'PWT'],
    [PCD, 'PCD'],
    [A, 'A'],
    [D, 'D'],
    [PS, level === 'PTE' ? 'PAT' : leafCapable ? 'PS' : 'bit7'],
    [G, 'G'],
  ];
  for (const [bit, name] of names) if (v & bit) out.push(name);
  if (GEOMETRY[mode].entryBytes === 8 && v & XD) out.push('XD');
  return out;
}
