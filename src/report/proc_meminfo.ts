// /proc/meminfo and /proc/vmstat in the kernel's formats. Linux:
// fs/proc/meminfo.c (meminfo_proc_show), mm/show_mem.c (si_mem_available),
// mm/vmstat.c (vmstat_show). Slab, kernel stacks and other kernel memory are
// not simulated and read 0.
import type { Kernel } from '../kernel/kernel.js';
import { totalreservePages, WMARK_LOW } from '../kernel/page_alloc.js';
import { globalDirtyLimits } from '../kernel/page_writeback.js';
import { vmCommitLimit } from '../kernel/util.js';
import { VM, VMSTAT_NAMES } from '../kernel/vmstat.js';
import { meminfo32, vmstatName32 } from './proc_32.js';

function line(label: string, kb: number): string {
  return `${(label + ':').padEnd(16)}${String(Math.max(0, Math.floor(kb))).padStart(8)} kB`;
}

export { totalreservePages };

/** si_mem_available(), in pages. */
export function memAvailablePages(k: Kernel): number {
  const v = k.vmstat;
  const wmarkLow = k.buddy.zones.reduce((s, z) => s + z.watermark[WMARK_LOW]!, 0);
  let available = v.get(VM.nr_free_pages) - totalreservePages(k);
  const pagecache = v.get(VM.nr_active_file) + v.get(VM.nr_inactive_file);
  available += pagecache - Math.min(Math.floor(pagecache / 2), wmarkLow);
  const reclaimable = v.get(VM.nr_slab_reclaimable) + v.get(VM.nr_kernel_misc_reclaimable);
  available += reclaimable - Math.min(Math.floor(reclaimable / 2), wmarkLow);
  return Math.max(available, 0);
}

/** /proc/meminfo. */
export function procMeminfo(k: Kernel): string {
  const v = (item: number): number => k.vmstat.get(item) * 4;
  const totalKb = k.totalramPages * 4;
  const swapCached = v(VM.nr_swapcached);
  const cached = Math.max(0, v(VM.nr_file_pages) - swapCached);
  const gb = Math.floor(totalKb / 1048576) * 1048576;
  const twoM = Math.floor((totalKb - gb) / 2048) * 2048;
  const lines = [
    line('MemTotal', totalKb),
    line('MemFree', v(VM.nr_free_pages)),
    line('MemAvailable', memAvailablePages(k) * 4),
    line('Buffers', 0),
    line('Cached', cached),
    line('SwapCached', swapCached),
    line('Active', v(VM.nr_active_anon) + v(VM.nr_active_file)),
    line('Inactive', v(VM.nr_inactive_anon) + v(VM.nr_inactive_file)),
    line('Active(anon)', v(VM.nr_active_anon)),
    line('Inactive(anon)', v(VM.nr_inactive_anon)),
    line('Active(file)', v(VM.nr_active_file)),
    line('Inactive(file)', v(VM.nr_inactive_file)),
    line('Unevictable', v(VM.nr_unevictable)),
    line('Mlocked', v(VM.nr_mlock)),
    line('SwapTotal', k.totalSwapPages * 4),
    line('SwapFree', k.freeSwapPages() * 4),
    line('Zswap', 0),
    line('Zswapped', 0),
    line('Dirty', v(VM.nr_dirty)),
    line('Writeback', v(VM.nr_writeback)),
    line('AnonPages', v(VM.nr_anon_pages)),
    line('Mapped', v(VM.nr_mapped)),
    line('Shmem', v(VM.nr_shmem)),
    line('KReclaimable', v(VM.nr_slab_reclaimable) + v(VM.nr_kernel_misc_reclaimable)),
    line('Slab', v(VM.nr_slab_reclaimable) + v(VM.nr_slab_unreclaimable)),
    line('SReclaimable', v(VM.nr_slab_reclaimable)),
    line('SUnreclaim', v(VM.nr_slab_unreclaimable)),
    line('KernelStack', k.vmstat.get(VM.nr_kernel_stack)),
    line('PageTables', v(VM.nr_page_table_pages)),
    line('SecPageTables', v(VM.nr_sec_page_table_pages)),
    line('NFS_Unstable', 0),
    line('Bounce', 0),
    line('WritebackTmp', 0),
    line('CommitLimit', vmCommitLimit(k) * 4),
    line('Committed_AS', Math.max(0, k.committedAs) * 4),
    line('VmallocTotal', 34359738367),
    line('VmallocUsed', 0),
    line('VmallocChunk', 0),
    line('Percpu', 0),
    line('AnonHugePages', v(VM.nr_anon_transparent_hugepages)),
    line('ShmemHugePages', v(VM.nr_shmem_hugepages)),
    line('ShmemPmdMapped', v(VM.nr_shmem_pmdmapped)),
    line('FileHugePages', v(VM.nr_file_hugepages)),
    line('FilePmdMapped', v(VM.nr_file_pmdmapped)),
    line('Balloon', 0),
    `HugePages_Total:   ${String(k.hstate.nrHugePages).padStart(5)}`,
    `HugePages_Free:    ${String(k.hstate.freeHugePages).padStart(5)}`,
    `HugePages_Rsvd:    ${String(k.hstate.resvHugePages).padStart(5)}`,
    `HugePages_Surp:    ${String(k.hstate.surplusHugePages).padStart(5)}`,
    line('Hugepagesize', k.hstate.sizeBytes / 1024),
    // hugetlb_report_meminfo(): HugePages_* are the default size's, Hugetlb sums every size.
    line('Hugetlb', k.hstates.reduce((kb, h) => kb + (h.nrHugePages * h.sizeBytes) / 1024, 0)),
    line('DirectMap4k', totalKb - gb - twoM),
    line('DirectMap2M', twoM),
    line('DirectMap1G', gb),
  ];
  return (k.arch.highmem ? meminfo32(k, lines) : lines).join('\n') + '\n';
}

/** /proc/vmstat. */
export function procVmstat(k: Kernel): string {
  const out: string[] = [];
  for (let i = 0; i < VMSTAT_NAMES.length; i++) {
    const name = VMSTAT_NAMES[i]!;
    const shown = k.arch.highmem ? vmstatName32(name) : name;
    if (shown === null) continue;
    let value = k.vmstat.v[i]!;
    if (name === 'nr_dirty_threshold') value = globalDirtyLimits(k).thresh;
    else if (name === 'nr_dirty_background_threshold') value = globalDirtyLimits(k).bgThresh;
    else if (name === 'nr_memmap_boot_pages') value = Math.ceil((k.pages.nrFrames * 64) / 4096);
    out.push(`${shown} ${value}`);
  }
  return out.join('\n') + '\n';
}
