// Simulated time. Every event the engine performs has a cost in
// nanoseconds (a user access, a fault, a page allocation, a page scanned by
// reclaim, a disk read or write), so that a run's elapsed time, and the
// slowdown of a thrashing run, come out in seconds as on a real machine.
//
// Costs are charged by difference: `settle()` compares the kernel's event
// counters (/proc/vmstat, the I/O page counts) with their values at the
// previous settle and turns the increase into time for whoever did the
// work. The running process is on CPU 0; kswapd, woken inside an
// allocation, runs at the same moment on CPU 1 when the machine has a
// second CPU, so its scanning costs the process nothing but still counts as
// memory pressure (psi.ts), as balance_pgdat() runs under psi_memstall_enter().
//
// The defaults were measured on the reference machine (x86-64 KVM guest,
// virtio disk); docs/time-model.md lists the programs and the figures.
import type { Kernel } from './kernel.js';
import { VM } from './vmstat.js';

export interface CostModel {
  /** A user load or store that does not fault: one page-stride access missing the caches. */
  accessNs: number;
  /** Exception entry, handle_mm_fault() and return, without allocation or I/O. */
  faultNs: number;
  /** A system call's entry, work on the VMAs and exit. */
  syscallNs: number;
  /** Allocating one 4 KiB page and clearing (or copying) it. */
  pageAllocNs: number;
  /** Reclaim's work per page scanned: isolation, the rmap walk, unmapping, freeing. */
  scanNs: number;
  /** A read request's latency at the device (the faulting task waits for it). */
  readLatencyNs: number;
  /** Transfer time of each 4 KiB page of a read request. */
  readPageNs: number;
  /** Latency of a synchronous write request (fsync, msync, writeback waited for). */
  writeLatencyNs: number;
  /** Transfer time of each 4 KiB page of a sequential write. */
  writePageNs: number;
  /** A page written by reclaim (swap-out or dirty file page), as the reclaimer experiences it. */
  reclaimWriteNs: number;
}

export const DEFAULT_COSTS: Readonly<CostModel> = Object.freeze({
  accessNs: 100,
  faultNs: 650,
  syscallNs: 1500,
  pageAllocNs: 1000,
  scanNs: 90,
  readLatencyNs: 60000,
  readPageNs: 2000,
  writeLatencyNs: 55000,
  writePageNs: 2100,
  reclaimWriteNs: 24000,
});

/**
 * Who did the work being settled: the process the kernel runs for (CPU 0,
 * its time passes), kswapd (CPU 1 when there is one: memory pressure, but
 * no time for the process), or background work such as the flusher (the
 * device's time; nobody waits).
 */
export const Actor = { Task: 0, Kswapd: 1, Background: 2 } as const;
export type Actor = (typeof Actor)[keyof typeof Actor];

/** Time spent since boot, split as PSI splits it (psi.ts reads these). */
export interface CpuTimes {
  nonidle: number;
  memSome: number;
  memFull: number;
  ioSome: number;
  ioFull: number;
}

function cpuTimes(): CpuTimes {
  return { nonidle: 0, memSome: 0, memFull: 0, ioSome: 0, ioFull: 0 };
}

export class SimClock {
  /** Nanoseconds since boot. */
  nowNs = 0;
  readonly costs: CostModel;
  /** User accesses and system calls performed (the runners count them). */
  accesses = 0;
  syscalls = 0;
  /** Per-CPU time in each PSI state since boot; [0] runs the processes, [1] kswapd. */
  readonly cpu: CpuTimes[];
  /** Time the processes spent stalled, for the reports. */
  memStallNs = 0;
  ioWaitNs = 0;
  kswapdNs = 0;
  /** Reclaim writes done by kswapd that the allocating task has yet to wait for. */
  private owedReclaimNs = 0;
  /** The counters' values at the previous settle. */
  private lAccesses = 0;
  private lSyscalls = 0;
  private lFaults = 0;
  private lMajfaults = 0;
  private lAllocs = 0;
  private lScanDirect = 0;
  private lScanKswapd = 0;
  private lReadPages = 0;
  private lWritePages = 0;
  private lSwapOut = 0;
  private lRestores = 0;
  /** Kernel work that runs at a given time (flusher wake-ups, PSI averaging). */
  readonly timers: Timer[] = [];
  /** Told when kswapd works (PSI arms its averaging worker). */
  onKswapd: ((now: number) => void) | null = null;

  constructor(costs: Partial<CostModel> = {}, cpus = 2) {
    this.costs = { ...DEFAULT_COSTS, ...costs };
    this.cpu = Array.from({ length: Math.max(1, Math.min(cpus, 2)) }, cpuTimes);
  }

  /**
   * Charges the work done since the previous settle to `actor` and moves
   * the clock on by what the running process spent (or waited). Runs after
   * every fault, so it only reads counters and adds.
   */
  settle(k: Kernel, actor: Actor = Actor.Task): void {
    const v = k.vmstat.v;
    const c = this.costs;
    const faultsNow = v[VM.pgfault]!;
    const majNow = v[VM.pgmajfault]!;
    const allocsNow = v[VM.pgalloc_dma]! + v[VM.pgalloc_dma32]! + v[VM.pgalloc_normal]! + v[VM.pgalloc_movable]! + v[VM.pgalloc_device]!;
    const scanDirectNow = v[VM.pgscan_direct]!;
    const scanKswapdNow = v[VM.pgscan_kswapd]!;
    const readNow = k.ioReadPages + k.ioSwapInPages;
    const writeNow = k.ioWritePages;
    const swapOutNow = k.ioSwapOutPages;
    const restoresNow = v[VM.workingset_restore_anon]! + v[VM.workingset_restore_file]!;
    const faults = faultsNow - this.lFaults;
    const majfaults = majNow - this.lMajfaults;
    const scanDirect = scanDirectNow - this.lScanDirect;
    const scanKswapd = scanKswapdNow - this.lScanKswapd;
    const readPages = readNow - this.lReadPages;
    const writePages = writeNow - this.lWritePages;
    const swapOut = swapOutNow - this.lSwapOut;
    const restores = restoresNow - this.lRestores;
    const cpuNs =
      (this.accesses - this.lAccesses) * c.accessNs +
      (this.syscalls - this.lSyscalls) * c.syscallNs +
      faults * c.faultNs +
      (allocsNow - this.lAllocs) * c.pageAllocNs;
    this.lAccesses = this.accesses;
    this.lSyscalls = this.syscalls;
    this.lFaults = faultsNow;
    this.lMajfaults = majNow;
    this.lAllocs = allocsNow;
    this.lScanDirect = scanDirectNow;
    this.lScanKswapd = scanKswapdNow;
    this.lReadPages = readNow;
    this.lWritePages = writeNow;
    this.lSwapOut = swapOutNow;
    this.lRestores = restoresNow;
    if (actor === Actor.Background) return;
    // Pages written by reclaim (swapped out, or dirty file pages cleaned) are
    // free only once the write completes: the allocation that needed them
    // waits, whether kswapd or the task itself reclaimed them. This is what
    // bounds a thrashing process by the device's write throughput.
    const reclaimWrites = scanDirect + scanKswapd > 0 ? swapOut + writePages : 0;
    if (actor === Actor.Kswapd) {
      const ns = scanKswapd * c.scanNs;
      this.kswapdNs += ns;
      this.owedReclaimNs += reclaimWrites * c.reclaimWriteNs;
      if (ns > 0 && this.onKswapd) this.onKswapd(this.nowNs);
      if (this.cpu.length > 1) {
        const t = this.cpu[1]!;
        t.nonidle += ns;
        t.memSome += ns;
        t.memFull += ns;
      } else this.spend(k, ns, ns, 0);
      return;
    }
    // Reads the task waited for: one request per major fault (or per read(2)
    // that missed the cache), each with its readahead pages.
    const requests = majfaults || (readPages > 0 ? 1 : 0);
    const readWait = readPages > 0 ? requests * c.readLatencyNs + readPages * c.readPageNs : 0;
    // A synchronous flush (fsync, msync) is one sequential write request.
    const flushWait = reclaimWrites === 0 && writePages > 0 ? c.writeLatencyNs + writePages * c.writePageNs : 0;
    const reclaimWait = reclaimWrites * c.reclaimWriteNs + this.owedReclaimNs;
    this.owedReclaimNs = 0;
    // Memory stalls (psi_memstall_enter): reclaim and waiting for it, and
    // the read of a refaulting page that was in the working set.
    const memStall = scanDirect * c.scanNs + reclaimWait + (restores > 0 ? readWait : 0);
    const ioWait = readWait + flushWait;
    this.memStallNs += memStall;
    this.ioWaitNs += ioWait;
    this.spend(k, cpuNs + scanDirect * c.scanNs + reclaimWait + readWait + flushWait, memStall, ioWait);
  }

  /**
   * The running process spends `ns` on CPU 0, `mem` of it stalled on memory
   * and `io` waiting for I/O; kernel timers due in between fire on time.
   */
  private spend(k: Kernel, ns: number, mem: number, io: number): void {
    if (ns > 0) this.run(k, ns, true, mem / ns, io / ns);
  }

  /** Time passes by `ns` with the processes idle (sleep(2)). */
  idle(k: Kernel, ns: number): void {
    if (ns > 0) this.run(k, ns, false, 0, 0);
  }

  private run(k: Kernel, ns: number, busy: boolean, memFrac: number, ioFrac: number): void {
    const t = this.cpu[0]!;
    const end = this.nowNs + ns;
    for (;;) {
      let next = end;
      let timer: Timer | null = null;
      for (const tm of this.timers) {
        const at = tm.at(this.nowNs, busy);
        if (at !== null && at <= next && (timer === null || at < next)) {
          next = at;
          timer = tm;
        }
      }
      const step = next - this.nowNs;
      if (busy && step > 0) {
        t.nonidle += step;
        t.memSome += step * memFrac;
        t.memFull += step * memFrac;
        t.ioSome += step * ioFrac;
        t.ioFull += step * ioFrac;
      }
      this.nowNs = next;
      if (timer === null) break;
      // A timer must move its next run past `next` (or disarm) when it fires.
      timer.fire(k, next);
      // What the timer did (the flusher writing back) is nobody's wait.
      this.settle(k, Actor.Background);
    }
  }
}

/**
 * Periodic kernel work. `at` gives the time of its next run (never before
 * `now`), or null when it is not armed; `fire` runs it.
 */
export interface Timer {
  at(now: number, busy: boolean): number | null;
  fire(k: Kernel, now: number): void;
}
