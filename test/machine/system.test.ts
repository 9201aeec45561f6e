// The MMU on the kernel's page tables, checked against a naive reference
// that walks the page tables directly on every access (no TLB, no page-walk
// cache): for random programs of accesses, mmap, munmap, mprotect, madvise,
// fork (COW), exit and context switches on two CPUs, with and without PCID,
// every access must land on the frame the page tables give at that moment
// with the permission they give, and no up-to-date ASID slot may hold a
// stale translation (System.checkInvariants()).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Machine, type Process } from '../../src/api/machine.js';
import { OP_FETCH, OP_LOAD, OP_STORE } from '../../src/hw/cache_hierarchy.js';
import { SKYLAKE_HARDWARE, type HardwareConfig } from '../../src/hw/cores.js';
import { PTE_DIRTY, PTE_NX, PTE_PRESENT, PTE_RW, PTE_USER } from '../../src/hw/pte.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import type { Mm } from '../../src/kernel/mm_types.js';
import { System } from '../../src/machine/system.js';

/** Tiny TLBs and page-walk caches, so that entries are evicted and refilled all the time. */
const TINY: HardwareConfig = {
  ...SKYLAKE_HARDWARE,
  tlb: {
    l1d: [
      { entries: 4, ways: 2, pageSizes: ['4k'] },
      { entries: 2, ways: 2, pageSizes: ['2m'] },
    ],
    l1i: [{ entries: 4, ways: 4, pageSizes: ['4k', '2m'] }],
    stlb: [{ entries: 16, ways: 4, pageSizes: ['4k', '2m'] }],
    policy: 'lru',
    seed: 3,
  },
  pwc: { pml4e: { entries: 2, ways: 2 }, pdpte: { entries: 2, ways: 2 }, pde: { entries: 4, ways: 2 }, policy: 'lru', seed: 5 },
};

/**
 * The reference: the page tables' answer for `va` in `mm`, read directly
 * (what userAccess() in kernel/access.ts walks), or null if not mapped.
 */
function reference(k: Kernel, mm: Mm, va: number): { pa: number; flags: number } | null {
  const pt = k.pt;
  const vpn = Math.floor(va / 4096);
  const e = pt.walk(mm.pgd, vpn);
  if (e < 0 || !(pt.flags[e]! & PTE_PRESENT)) return null;
  const span = pt.walkLevel === 1 ? 1 : pt.walkLevel === 2 ? 512 : 512 * 512;
  return { pa: (pt.val[e]! + (vpn % span)) * 4096 + (va % 4096), flags: pt.flags[e]! };
}

type Cmd =
  | { c: 'access'; proc: number; cpu: number; map: number; page: number; off: number; op: number }
  | { c: 'mmap'; proc: number; pages: number; prot: 'rw' | 'r' | 'rx'; file: boolean }
  | { c: 'munmap' | 'dontneed' | 'free' | 'cold' | 'pageout'; proc: number; map: number; first: number; count: number }
  | { c: 'mprotect'; proc: number; map: number; first: number; count: number; prot: 'r' | 'rw' | 'none' }
  | { c: 'fork' | 'exit'; proc: number }
  | { c: 'idle'; cpu: number };

const idx = fc.nat({ max: 7 });
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ c: fc.constant('access' as const), proc: idx, cpu: fc.nat({ max: 1 }), map: idx, page: fc.nat({ max: 1100 }), off: fc.nat({ max: 4095 }), op: fc.constantFrom(OP_LOAD, OP_STORE, OP_STORE, OP_FETCH) }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('mmap' as const), proc: idx, pages: fc.constantFrom(1, 3, 40, 600, 1024), prot: fc.constantFrom('rw' as const, 'r' as const, 'rx' as const), file: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constantFrom('munmap' as const, 'dontneed' as const, 'free' as const, 'cold' as const, 'pageout' as const), proc: idx, map: idx, first: fc.nat({ max: 600 }), count: fc.constantFrom(1, 2, 33, 34, 512, 2000) }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('mprotect' as const), proc: idx, map: idx, first: fc.nat({ max: 600 }), count: fc.constantFrom(1, 5, 40, 700), prot: fc.constantFrom('r' as const, 'rw' as const, 'none' as const) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constantFrom('fork' as const, 'exit' as const), proc: idx }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('idle' as const), cpu: fc.nat({ max: 1 }) }) },
);

interface Proc {
  p: Process;
  maps: Array<{ addr: number; pages: number }>;
}

/** Runs one random program and checks every access and the invariant after every command. */
function runProgram(cmds: Cmd[], opts: { pcid: boolean; hardware: HardwareConfig; memtotal: string; swap: string }): void {
  const m = new Machine({ memtotal: opts.memtotal, swap: opts.swap, cpus: 2, thp: 'always', minFreeKbytes: 1024 });
  m.file('/data', 2048, { fill: 3 });
  const sys = new System(m.kernel, { pcid: opts.pcid, hardware: opts.hardware });
  const k = m.kernel;
  const procs: Proc[] = [{ p: m.spawn('main', { image: null }), maps: [] }];
  const pick = <T>(xs: T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
  const call = (pr: Proc, cpu: number, fn: () => void) => {
    try {
      sys.syscall(cpu, pr.p.task, fn);
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'SyscallError') throw err;
    }
  };
  for (const [n, cmd] of cmds.entries()) {
    const where = `command ${n} ${JSON.stringify(cmd)}`;
    if (cmd.c === 'idle') sys.run(cmd.cpu, null);
    else {
      const pr = pick(procs, cmd.proc)!;
      const mp = 'map' in cmd ? pick(pr.maps, cmd.map) : undefined;
      switch (cmd.c) {
        case 'access': {
          if (!mp) break;
          const va = mp.addr + (cmd.page % mp.pages) * 4096 + (cmd.off & ~7);
          sys.run(cmd.cpu, pr.p.task);
          const pa = sys.access(cmd.cpu, va, 8, cmd.op);
          const ref = reference(k, pr.p.task.mm!, va);
          if (pa < 0) {
            // A signal: the page tables must not allow this access either.
            const ok = ref && ref.flags & PTE_USER && (cmd.op !== OP_STORE || ref.flags & PTE_RW) && (cmd.op !== OP_FETCH || !(ref.flags & PTE_NX));
            assert.ok(!ok, `${where}: signal ${-pa} but the page tables allow it`);
          } else {
            assert.ok(ref, `${where}: translated to 0x${pa.toString(16)} but not mapped`);
            assert.equal(pa, ref.pa, `${where}: stale frame`);
            if (cmd.op === OP_STORE) assert.ok(ref.flags & PTE_RW && ref.flags & PTE_DIRTY, `${where}: store through a read-only or clean entry`);
          }
          break;
        }
        case 'mmap':
          call(pr, 0, () => {
            const addr = pr.p.mmap(cmd.file ? { pages: cmd.pages, prot: cmd.prot, flags: ['private'], file: '/data' } : { pages: cmd.pages, prot: cmd.prot, flags: ['private', 'anonymous'] });
            pr.maps.push({ addr, pages: cmd.pages });
          });
          break;
        case 'munmap':
        case 'mprotect':
        case 'dontneed':
        case 'free':
        case 'cold':
        case 'pageout': {
          if (!mp) break;
          const first = cmd.first % mp.pages;
          const len = Math.min(cmd.count, mp.pages - first) * 4096;
          const a = mp.addr + first * 4096;
          call(pr, 1, () => {
            if (cmd.c === 'munmap') pr.p.munmap(a, len);
            else if (cmd.c === 'mprotect') pr.p.mprotect(a, len, cmd.prot);
            else pr.p.madvise(a, len, cmd.c);
          });
          break;
        }
        case 'fork':
          if (procs.length < 5) call(pr, 0, () => procs.push({ p: pr.p.fork(), maps: pr.maps.map((x) => ({ ...x })) }));
          break;
        case 'exit':
          if (pr !== procs[0]) {
            sys.exit(0, pr.p.task);
            for (let i = procs.length - 1; i > 0; i--) if (procs[i]!.p.task.exited) procs.splice(i, 1);
          }
          break;
      }
    }
    assert.deepEqual(sys.checkInvariants(), [], where);
  }
  assert.deepEqual(k.checkInvariants(), []);
}

describe('machine/system: the MMU against a naive page-table walk', () => {
  for (const pcid of [true, false]) {
    it(`never translates stale, with tiny TLBs (${pcid ? 'PCID' : 'no PCID'})`, () => {
      fc.assert(
        fc.property(fc.array(cmdArb, { minLength: 10, maxLength: 80 }), (cmds) => runProgram(cmds, { pcid, hardware: TINY, memtotal: '256M', swap: '0' })),
        { numRuns: 40, seed: pcid ? 11 : 12 },
      );
    });
  }

  it('never translates stale under memory pressure (reclaim and swap unmap pages)', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { minLength: 20, maxLength: 120 }), (cmds) => runProgram(cmds, { pcid: true, hardware: SKYLAKE_HARDWARE, memtotal: '24M', swap: '64M' })),
      { numRuns: 15, seed: 13 },
    );
  });
});
