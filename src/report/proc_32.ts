// How /proc/meminfo and /proc/vmstat differ on a 32-bit kernel with
// CONFIG_HIGHMEM. Linux: fs/proc/meminfo.c (HighTotal..LowFree right after
// Mlocked), mm/show_mem.c si_meminfo() (totalhigh_pages, nr_free_highpages),
// arch/x86/mm/pat/set_memory.c arch_report_meminfo() (DirectMap4M without
// PAE, no DirectMap1G), mm/vmstat.c TEXTS_FOR_ZONES (dma, normal, high,
// movable: no dma32, no device).
// mmsim's 32-bit machines have no THP (no AnonHugePages... lines) and
// 4 MiB huge pages without PAE (Hugepagesize 4096 kB).
// Simplification: VmallocTotal assumes VMALLOC_END = 0xff7fe000, a common
// value (it depends on the fixmap size: NR_CPUS, the kmap slots); the
// vmalloc area starts 8 MiB above the end of lowmem (VMALLOC_OFFSET).
import type { Kernel } from '../kernel/kernel.js';
import { PAGE_OFFSET_32 } from '../kernel/arch.js';

const VMALLOC_END_32 = 0xff7fe000;
const VMALLOC_OFFSET = 8 * 1024 * 1024;

/** HighTotal, HighFree, LowTotal, LowFree in kB (si_meminfo()). */
export function highLowKb(k: Kernel): { highTotal: number; highFree: number; lowTotal: number; lowFree: number } {
  let highTotal = 0;
  let highFree = 0;
  for (const z of k.buddy.zones) {
    if (!z.highmem) continue;
    highTotal += z.managed;
    highFree += z.freePages;
  }
  return {
    highTotal: highTotal * 4,
    highFree: highFree * 4,
    lowTotal: (k.totalramPages - highTotal) * 4,
    lowFree: (k.buddy.freePages - highFree) * 4,
  };
}

function kbLine(label: string, kb: number): string {
  return `${(label + ':').padEnd(16)}${String(Math.max(0, Math.floor(kb))).padStart(8)} kB`;
}

const THP_LINES = new Set(['AnonHugePages', 'ShmemHugePages', 'ShmemPmdMapped', 'FileHugePages', 'FilePmdMapped']);

/**
 * Rewrites the x86-64 /proc/meminfo lines for a 32-bit machine: adds the
 * HighTotal/HighFree/LowTotal/LowFree block after Mlocked and adjusts the
 * lines whose meaning depends on the architecture.
 */
export function meminfo32(k: Kernel, lines: string[]): string[] {
  const hl = highLowKb(k);
  const lowBytes = hl.lowTotal * 1024;
  const direct = Math.floor(hl.lowTotal / (k.arch.pae ? 2048 : 4096)) * (k.arch.pae ? 2048 : 4096);
  const out: string[] = [];
  for (const l of lines) {
    const label = l.slice(0, l.indexOf(':'));
    if (THP_LINES.has(label) || label === 'DirectMap1G') continue;
    if (label === 'VmallocTotal') out.push(kbLine(label, (VMALLOC_END_32 - (PAGE_OFFSET_32 + lowBytes + VMALLOC_OFFSET)) / 1024));
    else if (label === 'Hugepagesize') out.push(kbLine(label, k.arch.pae ? 2048 : 4096));
    else if (label === 'DirectMap4k') out.push(kbLine(label, hl.lowTotal - direct));
    else if (label === 'DirectMap2M') out.push(kbLine(k.arch.pae ? 'DirectMap2M' : 'DirectMap4M', direct));
    else out.push(l);
    if (label === 'Mlocked') {
      out.push(kbLine('HighTotal', hl.highTotal), kbLine('HighFree', hl.highFree), kbLine('LowTotal', hl.lowTotal), kbLine('LowFree', hl.lowFree));
    }
  }
  return out;
}

/**
 * The /proc/vmstat name of a counter on a 32-bit kernel, or null if the
 * kernel has no such line. mmsim counts per-zone events at VM.x_dma + zone
 * id, so on 32-bit the x86-64 slots dma, dma32, normal hold DMA, Normal and
 * HighMem: they print as x_dma, x_normal, x_high (then x_movable).
 */
export function vmstatName32(name: string): string | null {
  const m = /^(pgalloc|allocstall|pgskip)_(dma32|normal|device)$/.exec(name);
  if (!m) return name;
  if (m[2] === 'device') return null;
  return `${m[1]}_${m[2] === 'dma32' ? 'normal' : 'high'}`;
}
