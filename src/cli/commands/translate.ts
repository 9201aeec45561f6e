// `mmsim translate ADDRESS [--mode M] [--write] [--exec] [--kernel]`: the MMU
// at work. Builds a small demo address space (a process's text, data and
// stack, and the kernel's mappings) in the chosen paging mode, then walks
// one address entry by entry, printing each entry's physical address, value
// and flags, the A/D bits the CPU sets, and the physical address or the #PF
// error code (hw/paging_modes.ts).
import type { Command } from 'commander';
import { ByteMemory, FrameAllocator } from '../../hw/byte_mem.js';
import { PageTableBuilder, type MapOptions } from '../../hw/paging_build.js';
import {
  entryFlagNames,
  GEOMETRY,
  PAGING_MODES,
  PF_I,
  PF_P,
  PF_RSVD,
  PF_U,
  PF_W,
  toVa,
  translate,
  type PagingCpu,
  type PagingMode,
} from '../../hw/paging_modes.js';
import { InputError } from '../errors.js';
import { io } from '../io.js';

interface DemoMapping extends MapOptions {
  va: bigint;
  pa: number;
  what: string;
}

const K = 1024;
const M = K * K;
const G = M * K;

/** The demo address space of each mode: what `--list` prints. */
export const DEMO: Readonly<Record<PagingMode, DemoMapping[]>> = {
  i386: [
    { va: 0x08048000n, pa: 0x00400000, user: true, what: 'program text (r-x)' },
    { va: 0x0804a000n, pa: 0x00123000, user: true, write: true, what: 'program data (rw-)' },
    { va: 0xbfffe000n, pa: 0x00345000, user: true, write: true, what: 'stack (rw-), just below the 3G/1G split' },
    { va: 0xc0000000n, pa: 0, pageSize: 4 * M, write: true, global: true, what: 'kernel direct map of RAM 0-4 MiB, one 4 MiB PSE page' },
    { va: 0xc0400000n, pa: 4 * M, pageSize: 4 * M, write: true, global: true, what: 'kernel direct map of RAM 4-8 MiB' },
    { va: 0xf0000000n, pa: 4 * G, pageSize: 4 * M, write: true, what: 'a 4 MiB page at 4 GiB (PSE-36: PA bits 35:32 in PDE bits 16:13)' },
  ],
  pae: [
    { va: 0x08048000n, pa: 0x00400000, user: true, what: 'program text (r-x)' },
    { va: 0x0804a000n, pa: 0x123456000, user: true, write: true, nx: true, what: 'program data (rw-, XD), in RAM above 4 GiB' },
    { va: 0xbfffe000n, pa: 0x00345000, user: true, write: true, nx: true, what: 'stack (rw-, XD)' },
    { va: 0xc0000000n, pa: 0, pageSize: 2 * M, write: true, global: true, nx: true, what: 'kernel direct map of RAM 0-2 MiB, one 2 MiB page (XD)' },
    { va: 0xc0200000n, pa: 2 * M, pageSize: 2 * M, global: true, what: 'kernel text, 2 MiB (r-x)' },
  ],
  x86_64: [
    { va: 0x555555554000n, pa: 0x00400000, user: true, what: 'program text (r-x)' },
    { va: 0x555555556000n, pa: 0x00123000, user: true, write: true, nx: true, what: 'program data (rw-, XD)' },
    { va: 0x7ffffffde000n, pa: 0x00345000, user: true, write: true, nx: true, what: 'stack (rw-, XD)' },
    { va: 0xffff888000000000n, pa: 0, pageSize: G, write: true, global: true, nx: true, what: 'kernel direct map of RAM 0-1 GiB, one 1 GiB page (XD)' },
    { va: 0xffffffff81000000n, pa: 16 * M, pageSize: 2 * M, global: true, what: 'kernel text, 2 MiB (r-x)' },
  ],
  la57: [
    { va: 0x555555554000n, pa: 0x00400000, user: true, what: 'program text (r-x)' },
    { va: 0x00f0000000000000n, pa: 0x00123000, user: true, write: true, nx: true, what: 'data above 2^47, reachable only with 5-level paging' },
    { va: 0xff11000000000000n, pa: 0, pageSize: G, write: true, global: true, nx: true, what: 'kernel direct map of RAM 0-1 GiB (5-level: 0xff11000000000000)' },
  ],
};

const DESCRIPTION: Readonly<Record<PagingMode, string>> = {
  i386: '32-bit paging: CR3 -> page directory (1024 x 4 B) -> page table (1024 x 4 B); PS in a PDE maps 4 MiB',
  pae: 'PAE paging: CR3 -> PDPT (4 x 8 B) -> page directory (512 x 8 B) -> page table (512 x 8 B); PS in a PDE maps 2 MiB',
  x86_64: '4-level paging: CR3 -> PML4 -> PDPT -> PD -> PT (512 x 8 B each); PS maps 1 GiB (PDPTE) or 2 MiB (PDE)',
  la57: '5-level paging: CR3 -> PML5 -> PML4 -> PDPT -> PD -> PT (512 x 8 B each), 57-bit addresses',
};

/** The demo tables of `mode`, built from frame 1 of a 1 MiB physical memory. */
export function demoTables(mode: PagingMode): PageTableBuilder {
  const b = new PageTableBuilder(mode, new FrameAllocator(new ByteMemory(M)));
  for (const d of DEMO[mode]) b.map(d.va, d.pa, d);
  return b;
}

function hex(v: number | bigint, digits: number): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

function sizeName(bytes: number): string {
  return bytes >= G ? `${bytes / G} GiB` : bytes >= M ? `${bytes / M} MiB` : `${bytes / K} KiB`;
}

/** The #PF error code spelled out bit by bit (SDM 4.7). */
export function errorCodeText(code: number): string {
  const b = (bit: number): number => (code & bit ? 1 : 0);
  return `${hex(code, 1)} (P=${b(PF_P)} W=${b(PF_W)} U=${b(PF_U)} RSVD=${b(PF_RSVD)} I=${b(PF_I)})`;
}

export interface TranslateOptions {
  mode: PagingMode;
  write?: boolean;
  exec?: boolean;
  /** A supervisor (CPL 0) access instead of a user one. */
  kernel?: boolean;
  nxe?: boolean;
  pse?: boolean;
  wp?: boolean;
  smep?: boolean;
  smap?: boolean;
}

/** The text `mmsim translate` prints for one address. */
export function translateText(va: bigint, o: TranslateOptions): string {
  const g = GEOMETRY[o.mode];
  const b = demoTables(o.mode);
  const cpu: PagingCpu = b.cpu({ nxe: o.nxe ?? true, pse: o.pse ?? true, wp: o.wp ?? true, smep: o.smep ?? false, smap: o.smap ?? false });
  const vaDigits = g.vaBits === 32 ? 8 : 16;
  const paDigits = g.vaBits === 32 ? 9 : 13;
  const eDigits = g.entryBytes * 2;
  const lines: string[] = [];
  const access = `${o.kernel ? 'supervisor' : 'user'} ${o.exec ? 'instruction fetch' : o.write ? 'write' : 'read'}`;
  const regs = o.mode === 'i386' ? `CR4.PSE=${cpu.pse ? 1 : 0}` : `EFER.NXE=${cpu.nxe ? 1 : 0}`;
  lines.push(`mode     ${o.mode}: ${DESCRIPTION[o.mode]}`);
  lines.push(`cpu      CR3=${hex(b.cr3, 8)} ${regs} CR0.WP=${cpu.wp ? 1 : 0}${cpu.smep ? ' CR4.SMEP=1' : ''}${cpu.smap ? ' CR4.SMAP=1' : ''}`);
  const parts = g.levels.map((l) => {
    const idx = Number((va >> BigInt(l.shift)) & ((1n << BigInt(l.bits)) - 1n));
    return `${l.name.slice(0, -1)} ${hex(idx, Math.ceil(l.bits / 4))}`;
  });
  lines.push(`address  ${hex(va, vaDigits)} = ${parts.join(' | ')} | offset ${hex(va & 0xfffn, 3)}`);
  lines.push(`access   ${access}`);
  const t = translate(cpu, va, { write: o.write ?? false, user: !o.kernel, exec: o.exec ?? false });
  for (let i = 0; i < t.steps.length; i++) {
    const s = t.steps[i]!;
    const flags = entryFlagNames(o.mode, s.level, s.value).join(' ');
    const level = g.levels.find((l) => l.name === s.level)!;
    const isLast = i === t.steps.length - 1;
    let next = '';
    if (t.kind === 'ok' && isLast) next = `-> ${sizeName(t.pageSize)} page at ${hex(t.pa - Number(va & BigInt(t.pageSize - 1)), paDigits)}`;
    else if (!isLast) next = `-> table at ${hex(t.steps[i + 1]!.entryAddr - t.steps[i + 1]!.index * g.entryBytes, paDigits)}`;
    lines.push(`${s.level.padEnd(6)}[${hex(s.index, Math.ceil(level.bits / 4))}] @ ${hex(s.entryAddr, 8)} = ${hex(s.value, eDigits)}  ${flags.padEnd(18)} ${next}`.trimEnd());
    if (s.written !== null) {
      const set = s.written & ~s.value;
      const names = [set & 0x20n ? 'A' : '', set & 0x40n ? 'D' : ''].filter((n) => n !== '').join(' and ');
      lines.push(`${' '.repeat(14)}CPU sets ${names}: ${hex(s.written, eDigits)}`);
    }
  }
  if (t.kind === 'ok') lines.push(`result   physical address ${hex(t.pa, paDigits)} (${sizeName(t.pageSize)} page)`);
  else if (t.kind === 'page-fault') lines.push(`result   #PF, error code ${errorCodeText(t.errorCode)}: ${t.reason}`);
  else lines.push(`result   #GP: ${t.reason}`);
  return lines.join('\n') + '\n';
}

/** The demo address space of `mode`, one mapping a line. */
export function listText(mode: PagingMode): string {
  const g = GEOMETRY[mode];
  const d = g.vaBits === 32 ? 8 : 16;
  const lines = [`mode ${mode}: ${DESCRIPTION[mode]}`];
  for (const m of DEMO[mode]) {
    lines.push(`  ${hex(m.va, d)} -> ${hex(m.pa, g.vaBits === 32 ? 9 : 13)}  ${sizeName(m.pageSize ?? 4096).padEnd(7)} ${m.user ? 'user' : 'kernel'}  ${m.what}`);
  }
  return lines.join('\n') + '\n';
}

/** Parses 0x-hex or decimal into a 64-bit address. */
export function parseAddress(s: string): bigint {
  if (!/^(0x[0-9a-f_]+|\d+)$/i.test(s)) throw new InputError(`translate: '${s}' is not an address (0x-hex or decimal)`);
  const v = BigInt(s.replace(/_/g, ''));
  if (v >= 1n << 64n) throw new InputError(`translate: '${s}' does not fit 64 bits`);
  return toVa(v);
}

export function register(program: Command): void {
  program
    .command('translate')
    .description('walk the page tables of a demo address space for one address, step by step, as the MMU does')
    .argument('[address]', 'virtual address, 0x-hex or decimal')
    .option('--mode <mode>', `paging mode: ${PAGING_MODES.join(', ')}`, 'x86_64')
    .option('--write', 'a write access')
    .option('--exec', 'an instruction fetch')
    .option('--kernel', 'a supervisor (CPL 0) access instead of a user one')
    .option('--no-nxe', 'EFER.NXE = 0: bit 63 is reserved, not execute-disable')
    .option('--no-pse', 'CR4.PSE = 0 (i386): PS in a PDE is ignored')
    .option('--no-wp', 'CR0.WP = 0: the kernel may write read-only pages')
    .option('--smep', 'CR4.SMEP = 1')
    .option('--smap', 'CR4.SMAP = 1')
    .option('--list', "print the mode's demo address space")
    .action((address: string | undefined, opts: Omit<TranslateOptions, 'mode'> & { mode: string; list?: boolean }) => {
      if (!(PAGING_MODES as readonly string[]).includes(opts.mode)) throw new InputError(`translate: unknown mode '${opts.mode}' (expected ${PAGING_MODES.join(', ')})`);
      const mode = opts.mode as PagingMode;
      if (opts.list) {
        io.out(listText(mode));
        if (address === undefined) return;
      }
      if (address === undefined) throw new InputError('translate: an ADDRESS is needed (or --list)');
      const va = parseAddress(address);
      if (GEOMETRY[mode].vaBits === 32 && va >= 1n << 32n) throw new InputError(`translate: ${address} is not a 32-bit address (mode ${mode})`);
      io.out(translateText(va, { ...opts, mode }));
    });
}
