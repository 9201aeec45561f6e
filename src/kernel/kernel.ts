// The simulated kernel: physical memory, the page allocator, page tables,
// the page cache and the processes, booted from a MachineConfig. This is the
// object every kernel/ function receives as `k`. Linux: the global state of
// mm/ (pglist_data, vm_stat, init_mm) and kernel/ (the task list).
import { PageTablePool } from '../hw/page_table.js';
import { PhysMem } from '../hw/phys_mem.js';
import { ENOMEM } from './errno.js';
import { dupMm } from './fork.js';
import { Namespace, type Inode } from './fs.js';
import { LruLists } from './lru.js';
import type { MachineConfig } from './machine.js';
import { exitMmap } from './mmap.js';
import { Mm, type AnonVma } from './mm_types.js';
import { NO_PFN, PageArray, PG_reserved, PG_uptodate, PG_zero } from './page.js';
import { BuddyAllocator, layoutZones, setupWatermarks } from './page_alloc.js';
import { freeTable, pgdAlloc } from './pgtable.js';
import { Task } from './task.js';
import { DEFAULT_MAX_MAP_COUNT } from './vma.js';
import { Vmstat } from './vmstat.js';
import { checkInvariants } from './invariants.js';

export class Kernel {
  readonly totalramPages: number;
  readonly pages: PageArray;
  readonly mem: PhysMem;
  readonly pt = new PageTablePool();
  readonly vmstat = new Vmstat();
  readonly buddy: BuddyAllocator;
  readonly lru: LruLists;
  readonly fs = new Namespace();
  /** anon_vmas and inodes by the ids pages record in their `mapping`. */
  readonly anonVmas = new Map<number, AnonVma>();
  readonly inodes = new Map<number, Inode>();
  /** PTE tables deposited with huge PMDs, by PMD entry. */
  readonly deposits = new Map<number, number>();
  /** Large anonymous folios waiting for a deferred split. */
  readonly deferredSplit = new Set<number>();
  /** Folios waiting in the per-CPU lazyfree batch (lru_cache.ts). */
  readonly lazyfreeBatch: number[] = [];
  readonly tasks: Task[] = [];
  readonly zeroPfn: number;
  hugeZeroPfn = NO_PFN;
  /** vm_committed_as, in pages. */
  committedAs = 0;
  overcommitKbytes = 0;
  totalSwapPages: number;
  hugetlbTotalPages = 0;
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

  constructor(readonly machine: MachineConfig) {
    this.totalramPages = Math.floor(machine.memtotalKb / 4);
    const zones = layoutZones(this.totalramPages);
    const nrFrames = zones[zones.length - 1]!.endPfn;
    this.pages = new PageArray(nrFrames);
    this.mem = new PhysMem(nrFrames);
    this.buddy = new BuddyAllocator(zones, this.pages, this.vmstat);
    setupWatermarks(zones, machine.minFreeKbytes);
    this.lru = new LruLists(this.pages, this.vmstat);
    this.totalSwapPages = Math.floor(machine.swapKb / 4);
    const freeKb = this.buddy.freePages * 4;
    this.userReserveKbytes = Math.min(Math.floor(freeKb / 32), 131072);
    this.adminReserveKbytes = Math.min(Math.floor(freeKb / 32), 8192);
    // The shared zero page: one reserved frame, never freed, never counted.
    const zero = this.buddy.alloc(0, 0, 0);
    this.pages.flags[zero] = PG_reserved | PG_zero | PG_uptodate;
    this.mem.clear(zero);
    this.zeroPfn = zero;
  }

  /** Creates a process with an empty address space (no VMAs yet). */
  spawn(comm: string, parent: Task | null = null): Task {
    const mm = new Mm();
    if (!pgdAlloc(this, mm)) throw new Error('out of memory creating a process');
    mm.mmapBase = 0x7f0000000000;
    const t = new Task(this.nextPid++, comm, mm, parent);
    this.tasks.push(t);
    if (parent) parent.children.push(t);
    return t;
  }

  /** fork(): a child with a copy of the parent's address space, or -ENOMEM. */
  fork(parent: Task, comm = parent.comm): Task | number {
    const mm = dupMm(this, parent.mm!);
    if (typeof mm === 'number') return mm;
    const t = new Task(this.nextPid++, comm, mm, parent);
    t.oomScoreAdj = parent.oomScoreAdj;
    this.tasks.push(t);
    parent.children.push(t);
    return t;
  }

  /** Tears down an mm: all mappings, page tables and the PGD (exit_mmap + pgd_free). */
  exitMm(mm: Mm): void {
    exitMmap(this, mm);
    if (mm.pgd >= 0) {
      freeTable(this, mm, mm.pgd);
      mm.pgd = -1;
    }
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
    const parent = task.parent;
    if (parent) {
      parent.cminFlt += task.minFlt + task.cminFlt;
      parent.cmajFlt += task.majFlt + task.cmajFlt;
      parent.children.splice(parent.children.indexOf(task), 1);
    }
    this.tasks.splice(this.tasks.indexOf(task), 1);
  }

  /** Free swap slots (all of them until swap is simulated). */
  freeSwapPages(): number {
    return this.totalSwapPages;
  }

  /** Checks the global invariants; returns a list of problems (empty when sound). */
  checkInvariants(): string[] {
    return checkInvariants(this);
  }
}

export { ENOMEM };
