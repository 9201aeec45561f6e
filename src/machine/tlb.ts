// The kernel's x86 TLB management over the cores' MMUs. Linux:
// arch/x86/mm/tlb.c (switch_mm_irqs_off, choose_new_asid, enter_lazy_tlb,
// flush_tlb_mm_range, native_flush_tlb_multi, should_flush_tlb,
// flush_tlb_func), as of Linux 6.13-6.18. It implements the kernel's flush
// hooks (kernel/tlbflush.ts), so every flush the kernel asks for reaches the
// simulated TLBs and page-walk caches exactly as Linux would send it:
//
//  - A request for more than tlb_single_page_flush_ceiling (33) strides, or
//    for everything, becomes a full flush of the mm's ASID; otherwise one
//    INVLPG per stride (4 KiB, or 2 MiB for PMD-level requests).
//  - Each mm has a generation (tlb_gen) bumped by every request; each CPU
//    records per ASID slot the generation it caught up to. A CPU exactly one
//    generation behind does the partial flush; further behind, a full one.
//  - The request goes to the CPUs of mm_cpumask: a CPU running the mm, not
//    lazy, gets it (an IPI if it is not the requesting CPU); a lazy CPU
//    (kernel thread on the mm) is skipped unless page tables were freed, in
//    which case it switches to init_mm; a CPU now running another mm just
//    leaves the mask (it gets the IPI only with freed tables, or when the
//    mask is trimmed, at most once per simulated second per mm).
//  - With PCID, each CPU keeps 6 ASID slots (TLB_NR_DYN_ASIDS): switching to
//    an mm that owns an up-to-date slot keeps its TLB entries (CR3 NOFLUSH);
//    a stale slot is flushed; no slot takes the next one round-robin. PCID in
//    the TLB tags = ASID + 1. Without PCID every switch flushes everything.
// Simplifications: no KPTI (no user PCIDs), no INVLPGB broadcast flushes, no
// global kernel mappings; IPIs are delivered at once, in CPU order.
import type { Mmu } from '../hw/mmu.js';
import type { PageTablePool } from '../hw/page_table.js';
import type { Mm } from '../kernel/mm_types.js';
import { TLB_FLUSH_ALL, type TlbFlushHooks } from '../kernel/tlbflush.js';

export const TLB_NR_DYN_ASIDS = 6;
/** Default of /sys/kernel/debug/x86/tlb_single_page_flush_ceiling. */
export const TLB_SINGLE_PAGE_FLUSH_CEILING = 33;

/** Per-CPU counter indices (X86Tlb.cpuCounts[cpu * N_CPU_COUNTS + i]). */
export const CPU_MM_SWITCHES = 0;
/** CR3 loads that flushed the new ASID (no slot, stale slot, no PCID, return from lazy mode with a stale TLB). */
export const CPU_SWITCH_FLUSHES = 1;
/** CR3 loads with NOFLUSH: the mm's slot was up to date. */
export const CPU_SWITCH_NOFLUSH = 2;
/** Slots taken round-robin from another mm. */
export const CPU_ASID_EVICTIONS = 3;
export const CPU_LAZY_ENTERS = 4;
/** Flush requests run on this CPU for another CPU (IPIs received). */
export const CPU_IPIS_RECEIVED = 5;
/** Requests this CPU was skipped for because it was lazy (it flushes when it leaves lazy mode if needed). */
export const CPU_LAZY_SKIPS = 6;
/** INVLPGs executed. */
export const CPU_INVLPG = 7;
/** Full flushes of the loaded ASID by a flush request. */
export const CPU_FLUSH_ALL = 8;
/** Lazy CPUs sent to init_mm by a request with freed page tables. */
export const CPU_LAZY_TO_INIT = 9;
/** Times this CPU left an mm's cpumask on a request (it ran another mm). */
export const CPU_MASK_TRIMS = 10;
export const N_CPU_COUNTS = 11;

/** mm->context: what tlb.c keeps per address space. */
export class MmContext {
  tlbGen = 0;
  readonly cpumask: Uint8Array;
  nextTrimMs: number;
  constructor(
    readonly mm: Mm | null,
    readonly ctxId: number,
    cpus: number,
    nowMs: number,
  ) {
    this.cpumask = new Uint8Array(cpus);
    this.nextTrimMs = nowMs + 1000;
  }
  /** The PGD's table id, -1 for init_mm (no user mappings) or an mm torn down. */
  get root(): number {
    return this.mm ? this.mm.pgd : -1;
  }
}

/** cpu_tlbstate of one CPU. */
class CpuTlbState {
  loaded: MmContext;
  loadedAsid = 0;
  isLazy = false;
  nextAsid = 1;
  readonly ctxId = new Float64Array(TLB_NR_DYN_ASIDS);
  readonly ctxGen = new Float64Array(TLB_NR_DYN_ASIDS);
  /** The context owning each slot (for invariant checks; ctxId is what the kernel compares). */
  readonly ctx: Array<MmContext | null> = new Array<MmContext | null>(TLB_NR_DYN_ASIDS).fill(null);
  constructor(init: MmContext) {
    this.loaded = init;
    this.ctxId[0] = init.ctxId;
    this.ctx[0] = init;
  }
}

export interface X86TlbOptions {
  /** CR4.PCIDE (default true, as on any x86-64 core since Haswell). */
  pcid?: boolean;
  /** tlb_single_page_flush_ceiling (default 33). */
  flushCeiling?: number;
  /** Simulated time in milliseconds, for the once-a-second cpumask trim (default: always 0). */
  clockMs?: () => number;
}

/** Global counters, named after /proc/vmstat's CONFIG_DEBUG_TLBFLUSH fields where one exists. */
export interface TlbFlushStats {
  /** flush_tlb_mm_range() calls. */
  requests: number;
  /** Requests turned into a full flush (over the ceiling, or everything asked). */
  fullRequests: number;
  /** nr_tlb_remote_flush: requests sent to other CPUs (flush_tlb_multi). */
  nr_tlb_remote_flush: number;
  nr_tlb_remote_flush_received: number;
  nr_tlb_local_flush_all: number;
  nr_tlb_local_flush_one: number;
}

export class X86Tlb implements TlbFlushHooks {
  readonly pcid: boolean;
  readonly flushCeiling: number;
  /** The CPU the kernel runs on (the one that issues flush requests). */
  currentCpu = 0;
  readonly cpuCounts: Float64Array;
  readonly stats: TlbFlushStats = { requests: 0, fullRequests: 0, nr_tlb_remote_flush: 0, nr_tlb_remote_flush_received: 0, nr_tlb_local_flush_all: 0, nr_tlb_local_flush_one: 0 };
  readonly initMm: MmContext;
  private readonly cpus: CpuTlbState[];
  private readonly contexts = new WeakMap<Mm, MmContext>();
  /** last_mm_ctx_id: init_mm has 1. */
  private lastCtxId = 1;
  private readonly clockMs: () => number;
  /** choose_new_asid() results (no allocation). */
  private chosenAsid = 0;
  private chosenFlush = false;

  constructor(
    readonly cores: Mmu[],
    pool: PageTablePool,
    opts: X86TlbOptions = {},
  ) {
    this.pcid = opts.pcid ?? true;
    this.flushCeiling = opts.flushCeiling ?? TLB_SINGLE_PAGE_FLUSH_CEILING;
    this.clockMs = opts.clockMs ?? (() => 0);
    this.initMm = new MmContext(null, 1, cores.length, this.clockMs());
    this.cpus = cores.map(() => new CpuTlbState(this.initMm));
    this.cpuCounts = new Float64Array(cores.length * N_CPU_COUNTS);
    for (const c of cores) {
      c.pool = pool;
      c.root = -1;
      c.pcid = this.pcid ? 1 : 0;
    }
  }

  /** mm->context, created on first use (init_new_context: tlb_gen 0, a fresh ctx_id). */
  contextOf(mm: Mm): MmContext {
    let c = this.contexts.get(mm);
    if (!c) {
      c = new MmContext(mm, ++this.lastCtxId, this.cores.length, this.clockMs());
      this.contexts.set(mm, c);
    }
    return c;
  }

  /** The mm loaded on `cpu` (null: init_mm), whether the CPU is lazy, and its ASID slot. */
  loadedOn(cpu: number): { mm: Mm | null; lazy: boolean; asid: number } {
    const s = this.cpus[cpu]!;
    return { mm: s.loaded.mm, lazy: s.isLazy, asid: s.loadedAsid };
  }

  /**
   * The ASID slots of `cpu` in use: the owner, the generation the slot
   * caught up to, and the PCID its TLB entries carry.
   */
  slotsOf(cpu: number): Array<{ asid: number; pcid: number; ctx: MmContext; gen: number }> {
    const s = this.cpus[cpu]!;
    const out: Array<{ asid: number; pcid: number; ctx: MmContext; gen: number }> = [];
    const n = this.pcid ? TLB_NR_DYN_ASIDS : 1;
    for (let a = 0; a < n; a++) {
      const ctx = s.ctx[a];
      if (ctx) out.push({ asid: a, pcid: this.pcid ? a + 1 : 0, ctx, gen: s.ctxGen[a]! });
    }
    return out;
  }

  /** CPUs in mm_cpumask of `mm`. */
  cpumaskOf(mm: Mm): number[] {
    const c = this.contextOf(mm);
    const out: number[] = [];
    for (let i = 0; i < c.cpumask.length; i++) if (c.cpumask[i]) out.push(i);
    return out;
  }

  private count(cpu: number, what: number, n = 1): void {
    this.cpuCounts[cpu * N_CPU_COUNTS + what]! += n;
  }

  /** Per-CPU counters by name. */
  cpuStats(cpu: number): Record<string, number> {
    const c = (i: number) => this.cpuCounts[cpu * N_CPU_COUNTS + i]!;
    return {
      mmSwitches: c(CPU_MM_SWITCHES),
      switchFlushes: c(CPU_SWITCH_FLUSHES),
      switchNoFlush: c(CPU_SWITCH_NOFLUSH),
      asidEvictions: c(CPU_ASID_EVICTIONS),
      lazyEnters: c(CPU_LAZY_ENTERS),
      ipisReceived: c(CPU_IPIS_RECEIVED),
      lazySkips: c(CPU_LAZY_SKIPS),
      invlpg: c(CPU_INVLPG),
      flushAll: c(CPU_FLUSH_ALL),
      lazyToInit: c(CPU_LAZY_TO_INIT),
      maskTrims: c(CPU_MASK_TRIMS),
    };
  }

  /**
   * switch_mm_irqs_off(): `cpu` starts running a task of `mm` (null:
   * init_mm). Leaves lazy mode; to the same mm it flushes only if the TLB
   * went stale meanwhile; to another mm it picks an ASID slot and loads CR3
   * with or without a flush. The CPU stays in the previous mm's cpumask
   * until a flush request trims it.
   */
  switchMm(cpu: number, mm: Mm | null): void {
    const next = mm ? this.contextOf(mm) : this.initMm;
    const s = this.cpus[cpu]!;
    const prev = s.loaded;
    const wasLazy = s.isLazy;
    s.isLazy = false;
    let asid: number;
    let flush: boolean;
    if (prev === next) {
      if (!wasLazy) return;
      if (s.ctxGen[s.loadedAsid] === next.tlbGen) return;
      // The TLB went out of date while the CPU was lazy.
      asid = s.loadedAsid;
      flush = true;
    } else {
      this.count(cpu, CPU_MM_SWITCHES);
      if (next !== this.initMm) next.cpumask[cpu] = 1;
      this.chooseNewAsid(s, next, next.tlbGen);
      asid = this.chosenAsid;
      flush = this.chosenFlush;
    }
    if (flush) {
      s.ctxId[asid] = next.ctxId;
      s.ctxGen[asid] = next.tlbGen;
      s.ctx[asid] = next;
    }
    this.loadCr3(cpu, next, asid, flush);
    s.loaded = next;
    s.loadedAsid = asid;
  }

  /** choose_new_asid(): the slot already owned by `next`, else the next one round-robin. */
  private chooseNewAsid(s: CpuTlbState, next: MmContext, nextGen: number): void {
    if (!this.pcid) {
      this.chosenAsid = 0;
      this.chosenFlush = true;
      return;
    }
    for (let asid = 0; asid < TLB_NR_DYN_ASIDS; asid++) {
      if (s.ctxId[asid] !== next.ctxId) continue;
      this.chosenAsid = asid;
      this.chosenFlush = s.ctxGen[asid]! < nextGen;
      return;
    }
    let asid = s.nextAsid++;
    if (asid >= TLB_NR_DYN_ASIDS) {
      asid = 0;
      s.nextAsid = 1;
    }
    if (s.ctxId[asid] !== 0) this.count(this.cpus.indexOf(s), CPU_ASID_EVICTIONS);
    this.chosenAsid = asid;
    this.chosenFlush = true;
  }

  /** load_new_mm_cr3(): CR3 = next's PGD with PCID asid + 1; without NOFLUSH the PCID's entries go. */
  private loadCr3(cpu: number, next: MmContext, asid: number, flush: boolean): void {
    const mmu = this.cores[cpu]!;
    mmu.root = next.root;
    mmu.pcid = this.pcid ? asid + 1 : 0;
    if (flush) {
      mmu.flushPcid(mmu.pcid);
      this.count(cpu, CPU_SWITCH_FLUSHES);
    } else this.count(cpu, CPU_SWITCH_NOFLUSH);
  }

  /** enter_lazy_tlb(): a kernel thread (or idle) runs on `cpu`; the user mm stays loaded. */
  enterLazyTlb(cpu: number): void {
    const s = this.cpus[cpu]!;
    if (s.loaded === this.initMm || s.isLazy) return;
    s.isLazy = true;
    this.count(cpu, CPU_LAZY_ENTERS);
  }

  flushPage(mm: Mm, addr: number): void {
    this.flushRange(mm, addr, addr + 4096, false, 12);
  }

  flushMm(mm: Mm): void {
    this.flushRange(mm, 0, TLB_FLUSH_ALL, true, 0);
  }

  /**
   * flush_tlb_mm_range() from currentCpu. Example: munmap of 10 touched
   * pages is one request of 10 strides: 10 INVLPGs on each CPU that gets
   * it; 40 pages exceed the ceiling of 33: one full flush of the ASID.
   */
  flushRange(mm: Mm, start: number, end: number, freedTables: boolean, strideShift = 12): void {
    const ctx = this.contextOf(mm);
    const cpu = this.currentCpu;
    this.stats.requests++;
    if (end === TLB_FLUSH_ALL || (end - start) / 2 ** strideShift > this.flushCeiling) {
      start = 0;
      end = TLB_FLUSH_ALL;
      this.stats.fullRequests++;
    }
    const newGen = ++ctx.tlbGen;
    let others = false;
    for (let c = 0; c < ctx.cpumask.length; c++) if (c !== cpu && ctx.cpumask[c]) others = true;
    if (others) {
      const trim = this.clockMs() > ctx.nextTrimMs;
      if (trim) ctx.nextTrimMs = this.clockMs() + 1000;
      this.stats.nr_tlb_remote_flush++;
      // native_flush_tlb_multi(): all of the mask with freed tables, else should_flush_tlb().
      for (let c = 0; c < ctx.cpumask.length; c++) {
        if (!ctx.cpumask[c]) continue;
        if (!freedTables && !this.shouldFlush(c, ctx, trim)) continue;
        this.flushFunc(c, cpu, ctx, start, end, strideShift, newGen);
      }
    } else if (this.cpus[cpu]!.loaded === ctx) {
      this.flushFunc(cpu, cpu, ctx, start, end, strideShift, newGen);
    }
  }

  /** should_flush_tlb(): lazy CPUs flush at their next switch; CPUs on another mm only when trimming. */
  private shouldFlush(c: number, ctx: MmContext, trim: boolean): boolean {
    const s = this.cpus[c]!;
    if (s.isLazy) {
      this.count(c, CPU_LAZY_SKIPS);
      return false;
    }
    return s.loaded === ctx || trim;
  }

  /** flush_tlb_func() on CPU `c` for a request from CPU `from`. */
  private flushFunc(c: number, from: number, ctx: MmContext, start: number, end: number, strideShift: number, newGen: number): void {
    const local = c === from;
    if (!local) {
      this.count(c, CPU_IPIS_RECEIVED);
      this.stats.nr_tlb_remote_flush_received++;
    }
    const s = this.cpus[c]!;
    if (s.loaded !== ctx) {
      // The CPU was left in the mm's cpumask: clear it.
      ctx.cpumask[c] = 0;
      this.count(c, CPU_MASK_TRIMS);
      return;
    }
    if (s.loaded === this.initMm) return;
    if (s.isLazy) {
      // Lazy and page tables were freed: switching to init_mm also drops the paging-structure caches.
      this.count(c, CPU_LAZY_TO_INIT);
      this.switchMm(c, null);
      return;
    }
    const asid = s.loadedAsid;
    const localGen = s.ctxGen[asid]!;
    if (newGen <= localGen) return;
    const mmGen = ctx.tlbGen;
    if (localGen === mmGen) return;
    const mmu = this.cores[c]!;
    if (end !== TLB_FLUSH_ALL && newGen === localGen + 1 && newGen === mmGen) {
      const stride = 2 ** strideShift;
      let n = 0;
      for (let a = start; a < end; a += stride) {
        mmu.invlpg(a);
        n++;
      }
      this.count(c, CPU_INVLPG, n);
      if (local) this.stats.nr_tlb_local_flush_one += n;
    } else {
      // flush_tlb_local(): a CR3 reload of the current PCID.
      mmu.flushPcid(mmu.pcid);
      this.count(c, CPU_FLUSH_ALL);
      if (local) this.stats.nr_tlb_local_flush_all++;
    }
    s.ctxGen[asid] = mmGen;
  }
}
