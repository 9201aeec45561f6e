// The simulated clock and PSI, checked against sums worked out by hand from
// the default costs (kernel/clock.ts DEFAULT_COSTS) and against the
// fixed-point arithmetic of kernel/sched/psi.c done on paper.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/index.js';
import { SimClock } from '../../src/kernel/clock.js';
import { Psi, PSI_PERIOD_NS } from '../../src/kernel/psi.js';
import type { Kernel } from '../../src/kernel/kernel.js';

describe('simulated clock', () => {
  it('charges a write-fault loop: syscall + accesses + faults + page allocations', () => {
    const m = new Machine({ memtotal: '1G' });
    const p = m.spawn('app', { image: null });
    const t0 = m.now;
    const a = p.mmap({ pages: 100, prot: 'rw', flags: ['private', 'anonymous'] });
    p.touch(a, 100, { write: true });
    // mmap: 1 syscall (1500). 100 accesses (100 each), 100 faults (650 each),
    // 100 anonymous pages + the PUD, PMD and PTE table of the first fault =
    // 103 page allocations (1000 each): 1500 + 10000 + 65000 + 103000.
    assert.equal(m.now - t0, 179500);
    // Touching again costs only the accesses: 100 × 100 ns.
    const t1 = m.now;
    p.touch(a, 100, { write: true });
    assert.equal(m.now - t1, 10000);
  });

  it('charges a major fault its read request and readahead pages', () => {
    const m = new Machine({ memtotal: '1G' });
    m.file('/data', 64);
    m.dropcache('/data');
    const p = m.spawn('app', { image: null });
    const t0 = m.now;
    const pgpgin = m.counter('pgpgin');
    const a = p.mmap({ pages: 64, prot: 'r', flags: ['private'], file: '/data' });
    p.read(a);
    // Read-around on the first fault reads the whole 64-page file (8 MiB
    // read_ahead_kb, capped by EOF): 256 kB in.
    assert.equal(m.counter('pgpgin') - pgpgin, 256);
    assert.equal(p.faults.majflt, 1);
    // mmap 1500 + one access 100 + one fault 650 + (64 cache pages + PUD,
    // PMD, PTE tables) × 1000 + one request 60000 + 64 pages × 2000.
    assert.equal(m.now - t0, 1500 + 100 + 650 + 67000 + 60000 + 128000);
  });

  it('costs are configurable', () => {
    const m = new Machine({ memtotal: '1G', costs: { accessNs: 1, faultNs: 0, pageAllocNs: 0, syscallNs: 0 } });
    const p = m.spawn('app', { image: null });
    const a = p.mmap({ pages: 10, prot: 'rw', flags: ['private', 'anonymous'] });
    const t0 = m.now;
    p.touch(a, 10, { write: true });
    assert.equal(m.now - t0, 10);
  });

  it('sleep is idle time, exactly as long as asked', () => {
    const m = new Machine({ memtotal: '1G' });
    const t0 = m.now;
    m.sleep(1234);
    assert.equal(m.now - t0, 1234e6);
  });

  it('the flusher writes back a file dirty for longer than dirty_expire_centisecs while time passes', () => {
    const m = new Machine({ memtotal: '1G' });
    m.file('/log', 8);
    const p = m.spawn('app', { image: null });
    const a = p.mmap({ pages: 8, prot: 'rw', flags: ['shared'], file: '/log' });
    p.touch(a, 8, { write: true });
    const dirty = (): number => Number(/Dirty:\s+(\d+)/.exec(m.meminfo())![1]);
    assert.equal(dirty(), 32);
    // Dirtied at t ≈ 0; the flusher wakes every 5 s and writes inodes dirty
    // for 30 s or more: still dirty at 29 s, clean after the wake-up at 35 s.
    m.sleep(29000);
    assert.equal(dirty(), 32);
    m.sleep(6100);
    assert.equal(dirty(), 0);
  });
});

/** A clock with hand-set per-CPU times, and a PSI group over it. */
function rig(): { clock: SimClock; psi: Psi } {
  const clock = new SimClock({}, 2);
  return { clock, psi: new Psi(clock) };
}
const k = null as unknown as Kernel;

describe('pressure stall information', () => {
  it('one busy CPU: total is its stall time; avg10 after one period of full stall', () => {
    const { clock, psi } = rig();
    // CPU 0 busy and stalled on memory for the whole first period.
    Object.assign(clock.cpu[0]!, { nonidle: PSI_PERIOD_NS, memSome: PSI_PERIOD_NS, memFull: PSI_PERIOD_NS });
    psi.fire(k, PSI_PERIOD_NS);
    // pct = 100 × 2048 = 204800; calc_load(0, 1677, 204800) =
    // (204800 × 371 + 2047) / 2048 = 37100 → LOAD_INT 18, LOAD_FRAC
    // (236 × 100) >> 11 = 11: "18.11". avg60: 204800 × 67 / 2048 = 6700 →
    // 3.27 ((556 × 100) >> 11 = 27). avg300: 204800 × 14 / 2048 = 1400 → 0.68.
    // total = 2.004 s = 2004000 µs.
    assert.equal(
      psi.show('memory', PSI_PERIOD_NS),
      'some avg10=18.11 avg60=3.27 avg300=0.68 total=2004000\nfull avg10=18.11 avg60=3.27 avg300=0.68 total=2004000\n',
    );
    assert.equal(psi.show('io', PSI_PERIOD_NS), 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
  });

  it('CPUs are weighted by their non-idle jiffies (collect_percpu_times)', () => {
    const { clock, psi } = rig();
    // CPU 0: 2 s busy, no stall (500 jiffies). CPU 1: kswapd, 1 s of memory
    // stall (250 jiffies). some = (0 × 500 + 1e9 × 250) / 750 = 333333333 ns.
    Object.assign(clock.cpu[0]!, { nonidle: 2e9 });
    Object.assign(clock.cpu[1]!, { nonidle: 1e9, memSome: 1e9, memFull: 1e9 });
    assert.match(psi.show('memory', 2e9), /^some .* total=333333\nfull .* total=333333\n$/);
  });

  it('idle periods decay the averages by missed periods (calc_load_n)', () => {
    const { clock, psi } = rig();
    Object.assign(clock.cpu[0]!, { nonidle: PSI_PERIOD_NS, memSome: PSI_PERIOD_NS, memFull: PSI_PERIOD_NS });
    psi.fire(k, PSI_PERIOD_NS);
    // Three periods later, with nothing in between: missed = 2, so avg10 =
    // calc_load(37100, 1677^2 in fixed point, 0) then one calc_load with
    // pct 0. fixed_power_int(1677, 11, 2) = (1677 × 1677 + 1024) >> 11 =
    // 1373; 37100 × 1373 / 2048 = 24872; then 24872 × 1677 / 2048 = 20366
    // → 9.94 (20366 − 18432 = 1934; 193400 >> 11 = 94).
    const out = psi.show('memory', 4 * PSI_PERIOD_NS);
    assert.match(out, /^some avg10=9\.94 /);
  });

  it('a thrashing process shows memory and io pressure, and runs far slower than from RAM', () => {
    const m = new Machine({ memtotal: '256M', swap: '512M' });
    const p = m.spawn('app', { image: null });
    const pages = 300 * 256; // 300 MiB working set in 256 MiB of RAM
    const a = p.mmap({ pages, prot: 'rw', flags: ['private', 'anonymous'] });
    p.touch(a, pages, { write: true });
    const t0 = m.now;
    p.touch(a, pages, { write: true });
    const pass = m.now - t0;
    // From RAM the pass would cost pages × accessNs = 7.68 ms.
    assert.ok(pass > 100 * pages * 100, `pass took ${pass} ns`);
    const mem = /some avg10=\S+ avg60=\S+ avg300=\S+ total=(\d+)/.exec(m.pressure('memory'))!;
    const io = /some avg10=\S+ avg60=\S+ avg300=\S+ total=(\d+)/.exec(m.pressure('io'))!;
    assert.ok(Number(mem[1]) > 0 && Number(io[1]) > 0);
  });
});
