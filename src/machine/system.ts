// The simulated kernel running on simulated CPUs: N cores (src/hw/cores.ts)
// whose MMUs walk the kernel's page tables, the kernel's x86 TLB management
// (tlb.ts) installed as its flush hooks, and the page-fault path that joins
// them: an access that faults runs the kernel's handler
// (do_user_addr_fault) on the faulting CPU and is retried, as the CPU
// restarts the instruction. This is where hw/ and kernel/ meet; neither
// imports the other. Simplification: every access is a user-mode access of
// the task the CPU runs; the kernel's own accesses (copying pages, reading
// files) do not go through the caches.
import { buildCores, SKYLAKE_HARDWARE, type HardwareConfig } from '../hw/cores.js';
import { costOf, type CostReport } from '../hw/cost.js';
import { PAGING_I386, PAGING_PAE, PAGING_X86_64, type Mmu } from '../hw/mmu.js';
import { PTE_DIRTY, PTE_PRESENT, PTE_PSE, PTE_RW } from '../hw/pte.js';
import { TLB_DIRTY, TLB_HITS, TLB_MISSES, TLB_WRITE } from '../hw/tlb.js';
import { tlbConfigFor32BitPaging } from '../hw/tlb_hierarchy.js';
import type { Kernel } from '../kernel/kernel.js';
import { ACCESS_OK, ACCESS_OOM, ACCESS_SIGSEGV } from '../kernel/memory.js';
import type { Task } from '../kernel/task.js';
import { doUserAddrFault } from '../kernel/user_fault.js';
import { X86Tlb, type TlbFlushStats } from './tlb.js';

export interface SystemOptions {
  /** Cores, TLBs, caches and cost model (default: Skylake, one core per machine.cpus). */
  hardware?: HardwareConfig;
  /** CR4.PCIDE (default true). */
  pcid?: boolean;
  /** tlb_single_page_flush_ceiling (default 33). */
  flushCeiling?: number;
}

/** One TLB array's figures, for reports. */
export interface TlbArrayReport {
  name: string;
  hits: number;
  misses: number;
}

export interface CpuReport {
  cpu: number;
  tlb: { dAccesses: number; dL1Misses: number; iAccesses: number; iL1Misses: number; stlbHits: number; walks: number; arrays: TlbArrayReport[] };
  walks: ReturnType<Mmu['stats']>;
  pwc: { lookups: number; misses: number; pml4eHits: number; pdpteHits: number; pdeHits: number };
  caches: Array<{ name: string; reads: number; readMisses: number; writes: number; writeMisses: number; evictions: number; writebacks: number; invalidations: number }>;
  /** Walk reads served by L1, the lower levels and DRAM. */
  walkServedBy: number[];
  dramReads: number;
  dramWrites: number;
  tlbManagement: Record<string, number>;
  cost: CostReport;
}

export interface SystemReport {
  cpus: CpuReport[];
  tlbFlush: TlbFlushStats;
}

export class System {
  readonly kernel: Kernel;
  readonly cores: Mmu[];
  readonly tlb: X86Tlb;
  readonly hardware: HardwareConfig;
  /** The user task each CPU runs; null while it runs a kernel thread or idles (lazy TLB). */
  readonly running: Array<Task | null>;
  /** Faults resolved by the kernel, and accesses that ended in a signal. */
  faults = 0;
  signals = 0;

  constructor(kernel: Kernel, opts: SystemOptions = {}) {
    this.kernel = kernel;
    this.hardware = opts.hardware ?? SKYLAKE_HARDWARE;
    // A 32-bit kernel runs the CPU in 32-bit or PAE paging, where CR4.PCIDE
    // cannot be set (SDM 4.10.1: PCIDs exist only in IA-32e mode). In 32-bit
    // paging the large page is 4 MiB, which the TLB's 2M/4M arrays then hold.
    const arch = kernel.arch.arch;
    const paging = arch === 'i386' ? PAGING_I386 : arch === 'i386-pae' ? PAGING_PAE : PAGING_X86_64;
    const hw = paging === PAGING_I386 ? { ...this.hardware, tlb: tlbConfigFor32BitPaging(this.hardware.tlb) } : this.hardware;
    this.cores = buildCores(kernel.machine.cpus, hw);
    for (const c of this.cores) c.paging = paging;
    const pcid = paging === PAGING_X86_64 ? opts.pcid : false;
    this.tlb = new X86Tlb(this.cores, kernel.pt, { pcid, flushCeiling: opts.flushCeiling, clockMs: () => kernel.clockMs });
    kernel.tlb = this.tlb;
    this.running = this.cores.map(() => null);
  }

  /**
   * The scheduler's context switch: `cpu` runs `task` from now on (null: a
   * kernel thread or the idle task, which keeps the last user mm loaded in
   * lazy TLB mode). Switching to the task already running changes nothing;
   * a task whose mm changed (exec) switches to the new mm.
   */
  run(cpu: number, task: Task | null): void {
    this.tlb.currentCpu = cpu;
    if (task === null || task.mm === null) {
      this.running[cpu] = null;
      this.tlb.enterLazyTlb(cpu);
      return;
    }
    this.running[cpu] = task;
    this.tlb.switchMm(cpu, task.mm);
  }

  /**
   * One user access (OP_FETCH, OP_LOAD, OP_STORE) of `size` bytes at `va`
   * by the task running on `cpu`. Returns the physical address (>= 0), or
   * -ACCESS_SIGSEGV / -ACCESS_SIGBUS / -ACCESS_OOM when the access raised a
   * signal. Precondition: run(cpu, task) was called.
   */
  access(cpu: number, va: number, size: number, op: number): number {
    const mmu = this.cores[cpu]!;
    return mmu.access(va, size, op) === 0 ? mmu.pa : this.fault(cpu, va, size, op);
  }

  /**
   * Cold path: the MMU faulted. The kernel's handler runs on this CPU for
   * the running task, then the access is retried (a few times at most: a
   * retry may fault again on the next level, or on the second page of a
   * straddling access).
   */
  fault(cpu: number, va: number, size: number, op: number): number {
    const task = this.running[cpu];
    if (!task || !task.mm) return -ACCESS_SIGSEGV;
    const mmu = this.cores[cpu]!;
    const k = this.kernel;
    for (let attempt = 0; attempt < 8; attempt++) {
      this.tlb.currentCpu = cpu;
      this.faults++;
      k.enter(task);
      let r: number;
      try {
        r = doUserAddrFault(k, task, mmu.faultAddr, mmu.faultWrite, mmu.faultPresent, mmu.faultExec);
      } finally {
        k.leave();
      }
      if (task.killed || !task.mm) r = ACCESS_OOM;
      if (r !== ACCESS_OK) {
        this.signals++;
        return -r;
      }
      // The fault may have changed mm (no), or reclaimed the task's own TLB'd pages (flushed): just retry.
      if (mmu.access(va, size, op) === 0) return mmu.pa;
    }
    throw new Error(`access at 0x${va.toString(16)} on cpu ${cpu} did not resolve after faulting`);
  }

  /**
   * Runs a system call (or any kernel work) for `task` on `cpu`: the task
   * is switched in first, the kernel runs as `current`, and if the call
   * replaced the task's mm (execve) the CPU switches to the new one.
   */
  syscall<T>(cpu: number, task: Task, fn: () => T): T {
    this.run(cpu, task);
    const k = this.kernel;
    k.enter(task);
    let out: T;
    try {
      out = fn();
    } finally {
      k.leave();
    }
    if (task.exited || task.killed || !task.mm) this.descheduleDead();
    else this.run(cpu, task);
    return out;
  }

  /**
   * exit(2) of `task` and its descendants (Kernel.exit): every CPU running
   * one of them first enters lazy TLB mode on its mm (exit_mm), so the
   * teardown's flush with freed page tables sends it to init_mm.
   */
  exit(cpu: number, task: Task): void {
    const dying = new Set<Task>();
    const collect = (t: Task) => {
      dying.add(t);
      for (const c of t.children) collect(c);
    };
    collect(task);
    for (let c = 0; c < this.running.length; c++) {
      const t = this.running[c];
      if (t && dying.has(t)) this.run(c, null);
    }
    this.tlb.currentCpu = cpu;
    this.kernel.exit(task);
  }

  /** CPUs running a task that is gone (OOM-killed, exited) go idle. */
  private descheduleDead(): void {
    for (let c = 0; c < this.running.length; c++) {
      const t = this.running[c];
      if (t && (t.exited || t.killed || !t.mm)) this.run(c, null);
    }
  }

  /**
   * The TLB coherence invariant, for tests: on every CPU, every ASID slot
   * that is up to date with its mm's tlb_gen (so that it could be used
   * without a flush) holds only translations that the mm's page tables
   * still give: same frame and page size, Write only if the entry is
   * writable, Dirty only if the entry is dirty; and its page-walk-cache
   * entries point to the tables the page tables point to. Stale slots may
   * hold anything: they are flushed before use. Returns the problems found.
   */
  checkInvariants(): string[] {
    const problems: string[] = [];
    const pt = this.kernel.pt;
    const i386 = this.kernel.arch.arch === 'i386';
    this.cores.forEach((mmu, cpu) => {
      for (const slot of this.tlb.slotsOf(cpu)) {
        const mm = slot.ctx.mm;
        if (!mm || slot.gen !== slot.ctx.tlbGen) continue;
        const where = `cpu ${cpu} asid ${slot.asid}`;
        for (const arr of mmu.tlb.all()) {
          for (const e of arr.validEntries()) {
            if (e.asid !== slot.pcid) continue;
            const va = e.vpn * 2 ** e.pageShift;
            let leaf = mm.pgd < 0 ? -1 : pt.walk(mm.pgd, va / 4096);
            const f = leaf < 0 ? 0 : pt.flags[leaf]!;
            let shift = pt.walkLevel === 1 ? 12 : pt.walkLevel === 2 ? 21 : 30;
            // i386: a huge PMD is half of a 4 MiB PDE; the TLB holds the first half's frame.
            if (shift === 21 && i386) {
              shift = 22;
              leaf -= leaf & 1;
            }
            const bad =
              leaf < 0 || !(f & PTE_PRESENT) ? 'is not mapped' :
              shift !== e.pageShift ? `is mapped with page shift ${shift}` :
              pt.val[leaf] !== e.pfn ? `maps frame ${pt.val[leaf]}` :
              e.flags & TLB_WRITE && !(f & PTE_RW) ? 'is read-only' :
              e.flags & TLB_DIRTY && !(f & PTE_DIRTY) ? 'is clean' : null;
            if (bad) problems.push(`${where}: ${arr.name} entry 0x${va.toString(16)} -> frame ${e.pfn}, but the page ${bad}`);
          }
        }
        for (const [arr, depth] of [[mmu.pwc.pml4e, 0], [mmu.pwc.pdpte, 1], [mmu.pwc.pde, 2]] as const) {
          for (const e of arr.validEntries()) {
            if (e.asid !== slot.pcid) continue;
            const va = e.vpn * 2 ** e.pageShift;
            let table = mm.pgd;
            for (let d = 0; d <= depth && table >= 0; d++) {
              const ent = table * 512 + (Math.floor(va / 2 ** (39 - 9 * d)) % 512);
              const f = pt.flags[ent]!;
              table = f & PTE_PRESENT && !(d > 0 && f & PTE_PSE) ? pt.val[ent]! : -1;
            }
            if (table !== e.pfn) problems.push(`${where}: ${arr.name} entry 0x${va.toString(16)} -> table ${e.pfn}, page tables say ${table}`);
          }
        }
      }
    });
    return problems;
  }

  /** Everything counted so far, per CPU. */
  report(): SystemReport {
    const cost = this.hardware.cost;
    const cpus = this.cores.map((m, cpu): CpuReport => {
      const t = m.tlb.stats();
      const p = m.pwc.stats();
      const h = m.caches;
      return {
        cpu,
        tlb: {
          dAccesses: t.dAccesses,
          dL1Misses: t.dL1Misses,
          iAccesses: t.iAccesses,
          iL1Misses: t.iL1Misses,
          stlbHits: t.stlbHits,
          walks: t.walks,
          arrays: m.tlb.all().map((a) => ({ name: a.name, hits: a.counts[TLB_HITS]!, misses: a.counts[TLB_MISSES]! })),
        },
        walks: m.stats(),
        pwc: { lookups: p.lookups, misses: p.misses, pml4eHits: p.pml4eHits, pdpteHits: p.pdpteHits, pdeHits: p.pdeHits },
        caches: h.all().map((c) => ({ name: c.name, ...c.stats() })),
        walkServedBy: h.served(2),
        dramReads: h.dramReads,
        dramWrites: h.dramWrites,
        tlbManagement: this.tlb.cpuStats(cpu),
        cost: costOf({ caches: h, stlbHits: t.stlbHits }, cost),
      };
    });
    return { cpus, tlbFlush: { ...this.tlb.stats } };
  }
}

