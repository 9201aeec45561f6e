// The simulated kernel: physical memory, the page allocator, page tables,
// the page cache and the processes, booted from a MachineConfig. This is the
// object every kernel/ function receives as `k`. Linux: the global state of
// mm/ (pglist_data, vm_stat, init_mm) and kernel/ (the task list).
import { PageTablePool } from '../hw/page_table.js';
import { PhysMem } from '../hw/phys_mem.js';
import { ENOMEM } from './errno.js';
import type { MmIds } from './mm_id.js';
import { dupMm } from './fork.js';
import { Namespace, type Inode } from './fs.js';
import { LruLists } from './lru.js';
import type { MachineConfig } from './machine.js';
import { exitMmap } from './mmap.js';
import { Mm, type AnonVma } from './mm_types.js';
import { NO_PFN, PageArray, PG_reserved, PG_uptodate, PG_zero } from './page.js';
import { BuddyAllocator, kernelZone, layoutZones, setupWatermarks } from './page_alloc.js';
import { pgdAlloc, pgdFree } from './pgtable.js';
import { archInfo, type ArchInfo } from './arch.js';
import { HighmemPhysMem } from './highmem.js';
import { Task } from './task.js';
import { outOfMemory, reapTask, type OomKill } from './oom_kill.js';
import { MemCgroup, MemcgStatsFlusher, MemcgStock } from './memcontrol.js';
import { lruNoteCost, tryToFreeMemcgPages } from './vmscan.js';
import { DEFAULT_MAX_MAP_COUNT } from './vma.js';
import { Vmstat } from './vmstat.js';
import { checkInvariants } from './invariants.js';
import { swapon, type SwapInfo } from './swapfile.js';
import { CountingTlbFlush, type TlbFlushHooks } from './tlbflush.js';
import { workingsetRefault } from './workingset.js';
import { LruGen } from './lru_gen.js';
import { lruGenRefault } from './lru_gen_workingset.js';
import { SimClock, type CostModel } from './clock.js';
import { Psi } from './psi.js';
import { balanceDirtyPages } from './page_writeback.js';
import { archHstates, type Hstate } from './hugetlb.js';
import { PeriodicWriteback } from './fs_writeback.js';

export class Kernel {
  readonly totalramPages: number;
  /** x86-64 or 32-bit x86 (kernel/arch.ts). */
  readonly arch: ArchInfo;
  /** TASK_SIZE: user space ends here (2^47 - 4 KiB, or 3 GiB on 32-bit). */
  readonly taskSize: number;
  /** The highest zone of kernel allocations (GFP_KERNEL): Normal. */
  readonly kernelZone: number;
  readonly pages: PageArray;
  readonly mem: PhysMem;
  readonly pt = new PageTablePool();
  readonly vmstat = new Vmstat();
  readonly buddy: BuddyAllocator;
  readonly lru: LruLists;
  /** The multi-gen LRU (lru_gen.ts), on when the machine's lru_gen caps include LRU_GEN_CORE. */
  readonly lruGen: LruGen;
  readonly fs = new Namespace();
  /** anon_vmas and inodes by the ids pages record in their `mapping`. */
  readonly anonVmas = new Map<number, AnonVma>();
  readonly inodes = new Map<number, Inode>();
  /** PTE tables deposited with huge PMDs, by PMD entry. */
  readonly deposits = new Map<number, number>();
  /** Large anonymous folios waiting for a deferred split. */
  readonly deferredSplit = new Set<number>();
  /** Large folios' mm-id slots (mm_id.ts), by head frame. */
  readonly mmIds = new Map<number, MmIds>();
  /** Folios waiting in the per-CPU lazyfree batch (lru_cache.ts). */
  readonly lazyfreeBatch: number[] = [];
  readonly tasks: Task[] = [];
  readonly zeroPfn: number;
  hugeZeroPfn = NO_PFN;
  /** vm_committed_as, in pages. */
  committedAs = 0;
  overcommitKbytes = 0;
  /** total_swap_pages and nr_swap_pages (free slots), summed over the areas in use. */
  totalSwapPages = 0;
  nrSwapPages = 0;
  /** Swap areas in use, highest priority first. */
  readonly swapAreas: SwapInfo[] = [];
  /** least_priority: areas swapped on without a priority get -2, -3, ... */
  leastSwapPrio = -1;
  /** What each swap slot holds (first byte, fill byte), by entry. */
  readonly swapData = new Map<number, [number, number]>();
  /** vm.page-cluster: swap readahead of up to 2^pageCluster pages. */
  pageCluster = 3;
  ioSwapInPages = 0;
  ioSwapOutPages = 0;
  /** vm.swappiness (0..200). */
  swappiness = 60;
  watermarkScaleFactor = 10;
  /** vm.dirty_* writeback settings. */
  dirtyRatio = 20;
  dirtyBackgroundRatio = 10;
  dirtyExpireCs = 3000;
  dirtyWritebackCs = 500;
  /** Simulated time and what events cost (clock.ts). */
  readonly clock: SimClock;
  /** Pressure stall information (psi.ts). */
  readonly psi: Psi;
  /** Memory cgroups; [0] is the root, whose lruvec state is the node's. */
  readonly memcgs: MemCgroup[] = [new MemCgroup(0, '')];
  /** The per-CPU stock of charges taken ahead (memcontrol.ts). */
  readonly memcgStock = new MemcgStock();
  /** The cgroup charged for each swap slot holding a page (swap_cgroup). */
  readonly swapCgroup = new Map<number, number>();
  kswapdFailures = 0;
  /** Pages scanned by reclaim, for the benchmarks. */
  reclaimScanned = 0;
  /** vm.panic_on_oom and vm.oom_kill_allocating_task. */
  panicOnOom = 0;
  oomKillAllocatingTask = 0;
  /** The kernel log (OOM kills). */
  readonly dmesg: string[] = [];
  readonly oomKills: OomKill[] = [];
  /** The task on whose behalf the kernel is running (current). */
  current: Task | null = null;
  /** TLB maintenance requests go here (tlbflush.ts); the hardware model installs its own. */
  tlb: TlbFlushHooks = new CountingTlbFlush();
  /** OOM victims whose memory is reaped once their current fault has unwound. */
  readonly pendingReap: Task[] = [];
  /** The hugetlb pools, one per huge page size, the default (2 MiB) first (hugetlb.ts). */
  readonly hstates: readonly Hstate[];
  /** default_hstate: the size of MAP_HUGETLB without a size, vm.nr_hugepages and HugePages_*. */
  readonly hstate: Hstate;
  userReserveKbytes: number;
  adminReserveKbytes: number;
  maxMapCount = DEFAULT_MAX_MAP_COUNT;
  mmapMinAddr = 65536;
  /** Pages read from and written to disk, for the cost model. */
  ioReadPages = 0;
  ioWritePages = 0;
  /**
   * Read I/O is left in flight (its folios locked, not uptodate) while a
   * user fault is being handled, so that the retry's fault-around skips
   * them; see endReadIo().
   */
  deferReadIo = false;
  /** Folios under read I/O that has not completed. */
  readsInFlight: number[] = [];
  private nextPid = 1000;

  constructor(
    readonly machine: MachineConfig,
    costs: Partial<CostModel> = {},
  ) {
    this.clock = new SimClock(costs, machine.cpus);
    this.psi = new Psi(this.clock);
    this.clock.timers.push(new PeriodicWriteback(this), this.psi, new MemcgStatsFlusher());
    this.clock.onKswapd = (now) => this.psi.noteActivity(now);
    this.totalramPages = Math.floor(machine.memtotalKb / 4);
    this.arch = archInfo(machine.arch);
    this.hstates = archHstates(this.arch.arch);
    this.hstate = this.hstates[0]!;
    this.taskSize = this.arch.taskSize;
    const zones = layoutZones(this.totalramPages, machine);
    this.kernelZone = kernelZone(zones);
    const nrFrames = zones[zones.length - 1]!.endPfn;
    this.pages = new PageArray(nrFrames);
    // With high memory, the kernel's clears and copies of HighMem frames count kmaps (highmem.ts).
    this.mem = this.arch.highmem ? new HighmemPhysMem(nrFrames, zones[2]!.startPfn) : new PhysMem(nrFrames);
    this.buddy = new BuddyAllocator(zones, this.pages, this.vmstat);
    setupWatermarks(zones, machine.minFreeKbytes);
    this.lru = new LruLists(this.pages, this.vmstat);
    this.lruGen = new LruGen(this);
    if (machine.lruGen) this.lruGen.writeEnabled(String(machine.lruGen));
    if (machine.minTtlMs) this.lruGen.setMinTtlMs(machine.minTtlMs);
    const freeKb = this.buddy.freePages * 4;
    this.userReserveKbytes = Math.min(Math.floor(freeKb / 32), 131072);
    this.adminReserveKbytes = Math.min(Math.floor(freeKb / 32), 8192);
    // The shared zero page: one reserved frame, never freed, never counted.
    const zero = this.buddy.alloc(0, 0, 0);
    this.pages.flags[zero] = PG_reserved | PG_zero | PG_uptodate;
    this.mem.clear(zero);
    this.zeroPfn = zero;
    // The machine's swap (`swap=` on the machine line) is a swap file in use from boot.
    if (machine.swapKb > 0) swapon(this, '/swapfile', Math.floor(machine.swapKb / 4) + 1);
  }

  /** Creates a process with an empty address space (no VMAs yet). */
  spawn(comm: string, parent: Task | null = null): Task {
    const mm = new Mm();
    if (!pgdAlloc(this, mm)) throw new Error('out of memory creating a process');
    // 32-bit: TASK_SIZE minus the 128 MiB minimum gap below the stack (arch/x86/mm/mmap.c mmap_base()).
    mm.mmapBase = this.arch.highmem ? this.taskSize - 128 * 1024 * 1024 : 0x7f0000000000;
    const t = new Task(this.nextPid++, comm, mm, parent);
    this.tasks.push(t);
    this.memcgs[0]!.tasks.add(t);
    if (parent) parent.children.push(t);
    return t;
  }

  /** fork(): a child with a copy of the parent's address space, or -ENOMEM. */
  fork(parent: Task, comm = parent.comm): Task | number {
    const mm = dupMm(this, parent.mm!);
    if (typeof mm === 'number') return mm;
    const t = new Task(this.nextPid++, comm, mm, parent);
    t.oomScoreAdj = parent.oomScoreAdj;
    t.memcg = parent.memcg;
    this.memcgs[t.memcg]!.tasks.add(t);
    this.tasks.push(t);
    parent.children.push(t);
    return t;
  }

  /** Tears down an mm: all mappings, page tables and the PGD (exit_mmap + pgd_free). */
  exitMm(mm: Mm): void {
    exitMmap(this, mm);
    pgdFree(this, mm);
  }

  /**
   * exit(): the task's address space goes; its parent reaps it (wait),
   * adding its fault counts to the parent's cmin_flt / cmaj_flt.
   */
  exit(task: Task): void {
    if (task.exited) return;
    for (const c of [...task.children]) if (!c.exited) this.exit(c);
    if (task.mm) {
      task.mm.users--;
      if (task.mm.users === 0) this.exitMm(task.mm);
      task.mm = null;
    }
    task.exited = true;
    this.memcgs[task.memcg]!.tasks.delete(task);
    const parent = task.parent;
    if (parent) {
      parent.cminFlt += task.minFlt + task.cminFlt;
      parent.cmajFlt += task.majFlt + task.cmajFlt;
      parent.children.splice(parent.children.indexOf(task), 1);
    }
    this.tasks.splice(this.tasks.indexOf(task), 1);
  }

  /** Free swap slots (nr_swap_pages). */
  freeSwapPages(): number {
    return this.nrSwapPages;
  }

  /** lru_note_cost_refault(): a workingset refault costs its type SWAP_CLUSTER_MAX per page. */
  noteRefaultCost(memcg: number, file: boolean, nr: number): void {
    lruNoteCost(this, memcg, file, nr, 0);
  }

  /** Limit reclaim inside a cgroup (try_to_free_mem_cgroup_pages). */
  reclaimMemcg(m: MemCgroup, nr: number, maySwap: boolean): number {
    return tryToFreeMemcgPages(this, m, nr, maySwap);
  }

  /** The cgroup's OOM killer; false if nothing could be killed. */
  memcgOom(m: MemCgroup): boolean {
    return outOfMemory(this, this.current, m);
  }

  /** A refault of a page evicted with `shadow` (workingset.ts). */
  workingsetRefault(pfn: number, shadow: number, anon: boolean): void {
    if (this.lruGen.enabled) lruGenRefault(this, pfn, shadow);
    else workingsetRefault(this, pfn, shadow, anon);
  }

  /**
   * Enters the kernel on behalf of `task` (a fault or a system call); returns
   * a function to call on the way out, which reaps OOM victims whose own
   * fault or call was the one that ran out of memory.
   */
  enter(task: Task): void {
    if (this.depth++ === 0) this.current = task;
  }

  leave(): void {
    // Each fault and each system call is charged as it ends (clock.ts).
    this.clock.settle(this);
    if (this.dirtyBalancePending) {
      this.dirtyBalancePending = false;
      balanceDirtyPages(this);
    }
    if (--this.depth > 0) return;
    this.current = null;
    while (this.pendingReap.length) reapTask(this, this.pendingReap.shift()!);
  }

  private depth = 0;
  /** A page became dirty since the last balance_dirty_pages() check. */
  dirtyBalancePending = false;

  /** hugetlb_total_pages(): base pages in the hugetlb pools of every size, surplus included. */
  get hugetlbTotalPages(): number {
    let n = 0;
    for (const h of this.hstates) n += h.nrHugePages * h.nrPages;
    return n;
  }

  /** Simulated time in milliseconds since boot. */
  get clockMs(): number {
    return this.clock.nowNs / 1e6;
  }

  /** Checks the global invariants; returns a list of problems (empty when sound). */
  checkInvariants(): string[] {
    return checkInvariants(this);
  }
}

export { ENOMEM };
