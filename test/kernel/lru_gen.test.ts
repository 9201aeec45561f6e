// The multi-gen LRU (kernel/lru_gen*.ts). Expectations are worked out by
// hand from the kernel's rules (mm/vmscan.c, include/linux/mm_inline.h,
// mm/workingset.c, mm/swap.c of Linux 6.14+, where a folio needs two young
// sightings to be promoted), with the reasoning next to each step; the
// debugfs lines are read as /sys/kernel/debug/lru_gen prints them:
//   " SEQ AGE_MS NR_ANON NR_FILE" per generation, oldest first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, SyscallError, type Process } from '../../src/index.js';
import { getTierIdx, getTypeToScan, positiveCtrlErr, readCtrlPos } from '../../src/kernel/lru_gen_evict.js';
import {
  folioLruGen,
  folioLruRefs,
  LRU_GEN_ANON,
  LRU_GEN_FILE,
  LruGenLruvec,
  lruTierFromRefs,
  MAX_NR_TIERS,
  orderBase2,
  parseLruGenEnabled,
} from '../../src/kernel/lru_gen.js';
import { PG_referenced, PG_workingset } from '../../src/kernel/page.js';
import { parseScenario } from '../../src/workload/scenario/parse.js';
import { SimRun } from '../../src/workload/scenario/sim_runner.js';

/** Generation lines of the root memcg: [seq, anon, file] (ages vary with the clock). */
function gens(m: Machine, memcg = 1): Array<[number, number, number]> {
  const text = m.lruGen();
  const blocks = text.split(/^memcg/m).slice(1);
  const block = blocks.find((b) => new RegExp(`^ +${memcg} `).test(b))!;
  return block
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const [seq, , anon, file] = l.trim().split(/\s+/).map(Number);
      return [seq!, anon!, file!];
    });
}

function kb(meminfo: string, key: string): number {
  return Number(new RegExp(`^${key.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB`, 'm').exec(meminfo)![1]);
}

describe('kernel/lru_gen: generations by hand', () => {
  it('places faults, reads, aging and eviction in the generations the kernel rules give', () => {
    // A 16 MiB machine without swap, MGLRU on (0x0007). lru_gen_init_lruvec():
    // max_seq = MIN_NR_GENS + 1 = 3, min_seq = [0, 0]: four generations 0..3.
    const m = new Machine({ memtotal: '16M', lruGen: true });
    assert.deepEqual(gens(m), [
      [0, 0, 0],
      [1, 0, 0],
      [2, 0, 0],
      [3, 0, 0],
    ]);
    // write(2) of a 4-page file: page cache added outside a fault, not active,
    // not workingset: lru_gen_folio_seq() gives max_seq - MAX_NR_GENS + 1 = 0.
    m.file('/f', 4);
    // 8 anonymous write faults: folio_add_lru() in a fault sets PG_active, so
    // max_seq - MIN_NR_GENS + 1 = 2.
    const p = m.spawn('app', { image: null });
    const a = p.mmap({ pages: 8, prot: 'rw', flags: ['private', 'anonymous'] });
    p.touch(a, 8, { write: true, value: 1 });
    assert.deepEqual(gens(m), [
      [0, 0, 4],
      [1, 0, 0],
      [2, 8, 0],
      [3, 0, 0],
    ]);
    // pread page 0 twice and page 1 once: lru_gen_inc_refs() sets
    // PG_referenced first, then counts: page 0 has refs 2 (tier 1), page 1 refs 1.
    const k = m.kernel;
    const inode = k.fs.lookup('/f')!;
    m.pread('/f', 0, 2);
    m.pread('/f', 0, 1);
    const flags = (i: number): number => k.pages.flags[inode.lookup(i)]!;
    assert.equal(folioLruRefs(flags(0)), 2);
    assert.equal(folioLruRefs(flags(1)), 1);
    assert.equal(folioLruGen(flags(0)), 0);
    // Aging with swappiness 60 (there is no swap, so the default would skip
    // anon VMAs): the walk finds the 8 PTEs young (set by the faults), a first
    // sighting, so the folios only get PG_referenced (folio_update_gen).
    // inc_max_seq(): both types have MAX_NR_GENS generations, so inc_min_seq()
    // drops each oldest: anon's seq 0 is empty; file's moves to seq 1
    // (folio_inc_gen, PG_referenced cleared). max_seq becomes 4.
    m.lruGenWrite('+ 1 0 3 60');
    assert.deepEqual(gens(m), [
      [1, 0, 4],
      [2, 8, 0],
      [3, 0, 0],
      [4, 0, 0],
    ]);
    assert.equal(folioLruRefs(flags(0)), 0);
    // Read the anon pages again (accessed bits set once more) and age: a
    // second sighting promotes them to max_seq = 4 by their gen bits
    // (PG_workingset), though they stay on seq 2's list until sorted. Then
    // file seq 1 moves to 2; max_seq becomes 5.
    p.touch(a, 8, { write: false });
    m.lruGenWrite('+ 1 0 4 60');
    assert.deepEqual(gens(m), [
      [2, 0, 4],
      [3, 0, 0],
      [4, 8, 0],
      [5, 0, 0],
    ]);
    const anonFlags = k.pages.flags[k.pt.val[k.pt.walk(p.task.mm!.pgd, a / 4096)]!]!;
    assert.ok(anonFlags & PG_workingset);
    // lru_gen_is_active(): the two youngest (5 and 4) are Active.
    const mi = m.meminfo();
    assert.equal(kb(mi, 'Active(anon)'), 32);
    assert.equal(kb(mi, 'Inactive(anon)'), 0);
    assert.equal(kb(mi, 'Inactive(file)'), 16);
    // Evict up to seq 2 (no swap: swappiness 0, file only). scan_folios()
    // takes the 4 file folios of seq 2 (tier 0 after inc_gen cleared
    // PG_referenced, clean, unmapped): 4 scanned, 4 stolen. min_seq[file]
    // then skips the empty 3 up to max_seq - MIN_NR_GENS + 1 = 4; anon's
    // stays at 2, so the file still shows from 2.
    m.lruGenWrite('- 1 0 2');
    assert.deepEqual(gens(m), [
      [2, 0, 0],
      [3, 0, 0],
      [4, 8, 0],
      [5, 0, 0],
    ]);
    assert.equal(m.counter('pgscan_direct'), 4);
    assert.equal(m.counter('pgsteal_direct'), 4);
    assert.equal(m.counter('pgscan_file'), 4);
    assert.equal(m.counter('pgrefill'), 0);
    // Read the file again: each page finds its shadow, token = min_seq 2 at
    // eviction; max_seq 5 is within MAX_NR_GENS of it: a recent refault,
    // counted; not in a fault, so not activated; not workingset, so no
    // restore. The pages go to max(5 - 4 + 1, min_seq[file] = 4) = 4.
    m.pread('/f', 0, 4);
    assert.equal(m.counter('workingset_refault_file'), 4);
    assert.equal(m.counter('workingset_activate_file'), 0);
    assert.equal(m.counter('workingset_restore_file'), 0);
    assert.deepEqual(gens(m)[2], [4, 8, 4]);
    assert.deepEqual(m.checkInvariants(), []);
  });

  it('puts a swapped-in page of the working set back young, as a restore', () => {
    // 16 MiB with swap: anon pages fault in at max_seq - 1 = 2. Aging twice
    // with the pages read in between promotes them (PG_workingset) to 4.
    const m = new Machine({ memtotal: '16M', swap: '16M', lruGen: true });
    const p = m.spawn('app', { image: null });
    const a = p.mmap({ pages: 4, prot: 'rw', flags: ['private', 'anonymous'] });
    p.touch(a, 4, { write: true, value: 3 });
    m.lruGenWrite('+ 1 0 3');
    p.touch(a, 4, { write: false });
    m.lruGenWrite('+ 1 0 4');
    assert.deepEqual(gens(m)[2], [4, 4, 0]);
    // Two more agings without touching them: the walks find nothing young.
    // The first one's inc_min_seq() meets them on seq 2's list, sees that
    // their gen bits already say 4 (folio_inc_gen: promoted) and moves them
    // to that list; min_seq[anon] reaches 4, the oldest of four.
    m.lruGenWrite('+ 1 0 5');
    m.lruGenWrite('+ 1 0 6');
    assert.deepEqual(
      gens(m).map(([s, an]) => [s, an]),
      [
        [4, 4],
        [5, 0],
        [6, 0],
        [7, 0],
      ],
    );
    // Evict seq 4 with swappiness 200 (anon only): sort_folio() sees refs 0
    // with PG_workingset: tier 3 > tier_idx 3? No, 3 is not above 3; and
    // refs + workingset = 1 is not the lazily promoted 5: so they are
    // isolated, swapped out, and leave shadows with workingset = 1.
    m.lruGenWrite('- 1 0 4 200');
    assert.equal(m.counter('pswpout'), 4);
    // A fault reads one back: in a fault, so workingset_activate counts; the
    // shadow says workingset, so it is a restore and gets PG_workingset back;
    // folio_add_lru() makes it active, and PG_workingset puts it at max_seq.
    assert.equal(p.read(a), 3);
    assert.ok(m.counter('workingset_refault_anon') >= 1);
    assert.equal(m.counter('workingset_refault_anon'), m.counter('workingset_activate_anon'));
    assert.equal(m.counter('workingset_refault_anon'), m.counter('workingset_restore_anon'));
    const last = gens(m).at(-1)!;
    assert.equal(last[0], 7);
    assert.ok(last[1] >= 1);
    assert.deepEqual(m.checkInvariants(), []);
  });
});

describe('kernel/lru_gen: refs and tiers', () => {
  it('counts fd accesses as PG_referenced, then 1..3, then PG_workingset (lru_gen_inc_refs)', () => {
    const m = new Machine({ memtotal: '16M', lruGen: true });
    m.file('/f', 1);
    const k = m.kernel;
    const pfn = k.fs.lookup('/f')!.lookup(0);
    const refs: number[] = [];
    for (let i = 0; i < 5; i++) {
      m.pread('/f', 0, 1);
      refs.push(folioLruRefs(k.pages.flags[pfn]!));
    }
    // 1: PG_referenced; 2, 3, 4: the counter; the fifth finds it full and
    // sets PG_workingset instead.
    assert.deepEqual(refs, [1, 2, 3, 4, 4]);
    assert.ok(k.pages.flags[pfn]! & PG_workingset);
    assert.ok(k.pages.flags[pfn]! & PG_referenced);
  });

  it('maps refs to tiers as order_base_2, PG_workingset to the top tier', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 8, 9].map(orderBase2), [0, 0, 1, 2, 2, 3, 3, 4]);
    assert.deepEqual([0, 1, 2, 3, 4].map((r) => lruTierFromRefs(r, false)), [0, 0, 1, 2, 2]);
    assert.equal(lruTierFromRefs(0, true), MAX_NR_TIERS - 1);
  });
});

describe('kernel/lru_gen: the PID controller', () => {
  /** A lruvec with the given [refaulted, evicted] per tier of one type. */
  function lruvec(type: number, tiers: Array<[number, number]>): LruGenLruvec {
    const l = new LruGenLruvec(0, 0);
    tiers.forEach(([r, e], t) => {
      l.refaulted[type * MAX_NR_TIERS + t] = r;
      l.evicted[type * MAX_NR_TIERS + t] = e;
    });
    return l;
  }

  it('protects the tiers above the first one that refaults more than tier 0 (get_tier_idx, gain 2:3)', () => {
    // Tier 0: 10 of 100 refaulted. Tier 1: 80 of 100: 80 * (100 + 64) * 2 =
    // 26240 > (10 + 1) * 100 * 3 = 3300: worse than tier 0, so only tier 0
    // is evicted (tier_idx 0) and tiers 1-3 are protected.
    assert.equal(getTierIdx(lruvec(LRU_GEN_FILE, [[10, 100], [80, 100]]), LRU_GEN_FILE), 0);
    // Tier 1: 64 of 1000: 64 * 164 * 2 = 20992 <= 11 * 1000 * 3 = 33000: no
    // worse. Tier 2: 70 of 100: 22960 > 3300: stop: tier_idx 1.
    assert.equal(getTierIdx(lruvec(LRU_GEN_FILE, [[10, 100], [64, 1000], [70, 100]]), LRU_GEN_FILE), 1);
    // Fewer than MIN_LRU_BATCH (64) refaults never count as worse: all tiers evictable.
    assert.equal(getTierIdx(lruvec(LRU_GEN_ANON, [[10, 100], [63, 63], [0, 0], [63, 63]]), LRU_GEN_ANON), 3);
  });

  it('scans file unless its refault rate, weighted by 200 - swappiness, beats anon weighted by swappiness', () => {
    const l = lruvec(LRU_GEN_ANON, [[100, 1000]]);
    l.refaulted[LRU_GEN_FILE * MAX_NR_TIERS] = 200;
    l.evicted[LRU_GEN_FILE * MAX_NR_TIERS] = 1000;
    // 200 * (1000 + 64) * 60 = 12,768,000 <= (100 + 1) * 1000 * 140 = 14,140,000: file.
    assert.equal(getTypeToScan(l, 60), LRU_GEN_FILE);
    // 300 file refaults: 19,152,000 > 14,140,000: anon.
    l.refaulted[LRU_GEN_FILE * MAX_NR_TIERS] = 300;
    assert.equal(getTypeToScan(l, 60), LRU_GEN_ANON);
    // The ends of the swappiness range decide alone.
    assert.equal(getTypeToScan(l, 1), LRU_GEN_FILE);
    assert.equal(getTypeToScan(l, 200), LRU_GEN_ANON);
    const all = readCtrlPos(l, LRU_GEN_FILE, MAX_NR_TIERS, 140);
    assert.deepEqual(all, { refaulted: 300, total: 1000, gain: 140 });
    assert.equal(positiveCtrlErr({ refaulted: 0, total: 0, gain: 1 }, { refaulted: 63, total: 63, gain: 1 }), true);
  });
});

describe('kernel/lru_gen: /sys/kernel/mm/lru_gen', () => {
  it('reads enabled as the kernel prints the mask, and parses y, n and C numbers', () => {
    // Documentation/admin-guide/mm/multigen_lru.rst: "echo y" reads 0x0007, "echo 5" reads 0x0005.
    const m = new Machine({ memtotal: '16M' });
    assert.equal(m.sysfsRead('lru_gen/enabled'), '0x0000\n');
    m.sysfs('lru_gen/enabled', 'y');
    assert.equal(m.sysfsRead('lru_gen/enabled'), '0x0007\n');
    m.sysfs('lru_gen/enabled', '5\n');
    assert.equal(m.sysfsRead('lru_gen/enabled'), '0x0005\n');
    m.sysfs('lru_gen/enabled', 'N');
    assert.equal(m.sysfsRead('lru_gen/enabled'), '0x0000\n');
    assert.deepEqual([parseLruGenEnabled('0x3'), parseLruGenEnabled('07'), parseLruGenEnabled('0xff'), parseLruGenEnabled('seven')], [3, 7, 7, null]);
    assert.throws(() => m.sysfs('lru_gen/enabled', 'on'), (e: SyscallError) => e.errno === 'EINVAL');
    m.sysfs('lru_gen/min_ttl_ms', '1000');
    assert.equal(m.sysfsRead('lru_gen/min_ttl_ms'), '1000\n');
    // msecs_to_jiffies() rounds up to a 4 ms jiffy (HZ 250).
    m.sysfs('lru_gen/min_ttl_ms', '5');
    assert.equal(m.sysfsRead('lru_gen/min_ttl_ms'), '8\n');
  });

  it('moves every evictable folio between the classic lists and the generations when switched at runtime', () => {
    // Classic: new anon goes to the inactive anon list, written page cache
    // to inactive file.
    const m = new Machine({ memtotal: '16M' });
    m.file('/f', 4);
    const p = m.spawn('app', { image: null });
    const a = p.mmap({ pages: 8, prot: 'rw', flags: ['private', 'anonymous'] });
    p.touch(a, 8, { write: true });
    let mi = m.meminfo();
    assert.deepEqual([kb(mi, 'Active(anon)'), kb(mi, 'Inactive(anon)'), kb(mi, 'Inactive(file)')], [0, 32, 16]);
    // fill_evictable(): inactive anon (not in the swap cache) goes to
    // max_seq - 1 = 2, an active generation; file to the oldest, 0.
    m.sysfs('lru_gen/enabled', 'y');
    assert.deepEqual(gens(m), [
      [0, 0, 4],
      [1, 0, 0],
      [2, 8, 0],
      [3, 0, 0],
    ]);
    mi = m.meminfo();
    assert.deepEqual([kb(mi, 'Active(anon)'), kb(mi, 'Inactive(anon)'), kb(mi, 'Inactive(file)')], [32, 0, 16]);
    assert.deepEqual(m.checkInvariants(), []);
    // drain_evictable(): leaving an active generation sets PG_active, so the
    // anon pages land on the active list.
    m.sysfs('lru_gen/enabled', 'n');
    mi = m.meminfo();
    assert.deepEqual([kb(mi, 'Active(anon)'), kb(mi, 'Inactive(anon)'), kb(mi, 'Inactive(file)')], [32, 0, 16]);
    assert.deepEqual(m.checkInvariants(), []);
  });
});

describe('kernel/lru_gen: min_ttl_ms', () => {
  it('OOM-kills rather than evict a working set younger than min_ttl_ms (lru_gen_age_node)', () => {
    // 32 MiB with 64 MiB of swap; an idle process holds 8 MiB, a second one
    // writes 32 MiB. Without min_ttl, kswapd swaps; with 1000 ms, every
    // generation is younger than 1 s (the machine just booted), so no lruvec
    // is reclaimable and kswapd calls the OOM killer.
    const run = (minTtlMs: number): { kills: number; swapped: number } => {
      const m = new Machine({ memtotal: '32M', swap: '64M', lruGen: true, minTtlMs });
      const idle = m.spawn('idle');
      idle.touch(idle.mmap({ pages: 2048, prot: 'rw', flags: ['private', 'anonymous'] }), 2048, { write: true });
      const hog = m.spawn('hog');
      const a = hog.mmap({ pages: 8192, prot: 'rw', flags: ['private', 'anonymous'] });
      try {
        hog.touch(a, 8192, { write: true });
      } catch (e) {
        if (!(e instanceof Error && e.name === 'SignalError')) throw e;
      }
      assert.deepEqual(m.checkInvariants(), []);
      return { kills: m.counter('oom_kill'), swapped: m.counter('pswpout') };
    };
    const off = run(0);
    assert.equal(off.kills, 0);
    assert.ok(off.swapped > 0);
    const on = run(1000);
    assert.ok(on.kills >= 1);
    assert.equal(on.swapped, 0);
  });
});

describe('kernel/lru_gen: invariants', () => {
  it('hold after every step of every fidelity scenario and example run with MGLRU on', () => {
    const dirs = [join(import.meta.dirname, 'scenarios'), join(import.meta.dirname, '..', '..', 'examples')];
    for (const file of dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.scn')).map((f) => join(d, f)))) {
      const program = parseScenario(readFileSync(file, 'utf8'));
      program.machine.lruGen = 0x7;
      const run = new SimRun(program);
      run.onStep = (i) => {
        const bad = run.kernel.checkInvariants();
        assert.deepEqual(bad, [], `${file} after line ${program.ops[i]!.line}`);
        return true;
      };
      run.run();
    }
  });

  it('hold under any mix of faults, reads, forks, madvise, mlock, aging and eviction on a small machine with swap', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.nat(), fc.nat()), { maxLength: 30 }), (ops) => {
        const m = new Machine({ memtotal: '16M', swap: '8M', lruGen: true, readAheadKb: 64 });
        m.file('/f', 1024);
        const procs: Process[] = [m.spawn('p', { image: null })];
        const maps: Array<[Process, number, number]> = [];
        for (const [op, a, b] of ops) {
          const p = procs[a % procs.length]!;
          const pick = maps[b % Math.max(maps.length, 1)];
          try {
            if (op === 0) maps.push([p, p.mmap({ pages: 256 + (b % 2048), prot: 'rw', flags: ['private', 'anonymous'] }), 256 + (b % 2048)]);
            else if (op === 1) maps.push([p, p.mmap({ pages: 1024, prot: 'r', flags: ['shared'], file: '/f' }), 1024]);
            else if (op === 2) m.pread('/f', b % 1024, 1 + (a % 256));
            else if (op === 3) {
              if (procs.length < 4) procs.push(p.fork());
            } else if (op === 4) {
              if (procs.indexOf(p) > 0) p.exit();
            } else if (op === 5) m.lruGenWrite(`+ 1 0 ${b % 100000} ${[0, 60, 200][a % 3]}`);
            else if (op === 6) m.lruGenWrite(`- 1 0 ${b % 8} ${[0, 60, 200][a % 3]} ${1 + (a % 500)}`);
            else if (pick && pick[0] === p) {
              const [, addr, pages] = pick;
              const first = b % pages;
              const n = Math.min(pages - first, 1 + (a % 1024));
              if (op <= 8) p.touch(addr + first * 4096, n, { write: op === 7 && pages !== 1024, step: 1 + (a % 3) });
              else if (op === 9) p.madvise(addr + first * 4096, n * 4096, (['cold', 'pageout', 'dontneed', 'free'] as const)[a % 4]);
              else if (op === 10) p.mlock(addr + first * 4096, Math.min(n, 64) * 4096);
              else p.munmap(addr + first * 4096, n * 4096);
            }
          } catch (e) {
            const ok = e instanceof SyscallError || (e instanceof Error && e.name === 'SignalError');
            if (!ok) throw e;
          }
          for (let i = procs.length - 1; i >= 0; i--) if (procs[i]!.task.exited || procs[i]!.killed) procs.splice(i, 1);
          if (procs.length === 0) procs.push(m.spawn('q', { image: null }));
          for (let i = maps.length - 1; i >= 0; i--) if (!procs.includes(maps[i]![0])) maps.splice(i, 1);
          assert.deepEqual(m.checkInvariants(), []);
        }
      }),
      { numRuns: 40 },
    );
  });
});
