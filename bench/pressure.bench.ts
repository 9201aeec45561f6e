// Memory-pressure benchmarks:
//   1. reclaim throughput: pages scanned (and reclaimed) per second of host
//      time, for clean page cache and for anonymous memory going to swap,
//      with the classic LRU and with the multi-gen LRU;
//   2. a process touching 10^6 pages in a machine ten times too small for
//      them (about 100,000 pages of RAM, swap for the rest).
//
//   npm run bench -- pressure
import { Machine } from '../src/index.js';

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
}

function stat(m: Machine, name: string): number {
  return m.counter(name);
}

export function run(): Promise<void> {
  console.log('## pressure (reclaim, swap)');
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };

  // 1a. Clean page cache: read a 2 GiB file through a 512 MiB machine,
  // with the classic LRU and with MGLRU.
  for (const lruGen of [false, true]) {
    const m = new Machine({ memtotal: '512M', lruGen });
    m.file('/big', 512 * 1024, { chunk: 16 });
    m.dropcache('/big');
    const t0 = performance.now();
    const scanned0 = stat(m, 'pgscan_kswapd') + stat(m, 'pgscan_direct');
    const stolen0 = stat(m, 'pgsteal_kswapd') + stat(m, 'pgsteal_direct');
    m.pread('/big', 0, 512 * 1024);
    const dt = (performance.now() - t0) / 1000;
    const scanned = stat(m, 'pgscan_kswapd') + stat(m, 'pgscan_direct') - scanned0;
    const stolen = stat(m, 'pgsteal_kswapd') + stat(m, 'pgsteal_direct') - stolen0;
    sample();
    console.log(`reclaim${lruGen ? ' (MGLRU)' : ''}, clean page cache: read 2 GiB through 512 MiB; ${fmt(scanned)} pages scanned, ${fmt(stolen)} reclaimed in ${dt.toFixed(2)} s = ${fmt(scanned / dt)} pages scanned/s`);
  }

  // 1c. Anonymous memory to swap: 2.5 * 10^5 pages written twice in a
  // machine with 10^5 pages of RAM, with the classic LRU and with MGLRU (its
  // page-table walks, look-arounds and eviction).
  for (const lruGen of [false, true]) {
    const N = 250_000;
    const m = new Machine({ memtotal: `${Math.round(100_000 * 4)}K`, swap: '2G', lruGen });
    const p = m.spawn('big', { image: null });
    const a = p.mmap({ pages: N, prot: 'rw', flags: ['private', 'anonymous'] });
    const t0 = performance.now();
    p.touch(a, N, { write: true, value: 1 });
    p.touch(a, N, { write: true, value: 2 });
    const dt = (performance.now() - t0) / 1000;
    const scanned = stat(m, 'pgscan_kswapd') + stat(m, 'pgscan_direct');
    const stolen = stat(m, 'pgsteal_kswapd') + stat(m, 'pgsteal_direct');
    sample();
    console.log(`reclaim${lruGen ? ' (MGLRU)' : ''}, anonymous to swap: 2.5 * 10^5 pages written twice through 10^5; ${fmt(scanned)} pages scanned, ${fmt(stolen)} reclaimed in ${dt.toFixed(2)} s = ${fmt(scanned / dt)} pages scanned/s`);
    const bad = m.checkInvariants();
    if (bad.length) console.log(`  INVARIANTS BROKEN: ${bad[0]}`);
  }

  // 1b and 2. Anonymous memory to swap: 10^6 pages written in a machine with
  // 10^5 pages of RAM (390 MiB) and 4 GiB of swap, twice over.
  {
    const N = 1_000_000;
    const m = new Machine({ memtotal: `${Math.round((N / 10) * 4)}K`, swap: '4G' });
    const p = m.spawn('big', { image: null });
    const a = p.mmap({ pages: N, prot: 'rw', flags: ['private', 'anonymous'] });
    const t0 = performance.now();
    const sim0 = m.now;
    p.touch(a, N, { write: true, value: 1 });
    const pass1 = (performance.now() - t0) / 1000;
    const simPass1 = (m.now - sim0) / 1e9;
    const t1 = performance.now();
    const sim1 = m.now;
    p.touch(a, N, { write: true, value: 2 });
    const pass2 = (performance.now() - t1) / 1000;
    const simPass2 = (m.now - sim1) / 1e9;
    const dt = pass1 + pass2;
    const scanned = stat(m, 'pgscan_kswapd') + stat(m, 'pgscan_direct');
    sample();
    console.log(
      `10^6 pages in a machine 10x too small: first pass ${pass1.toFixed(2)} s, second pass (every page swapped back in) ${pass2.toFixed(2)} s; ` +
        `${fmt(p.faults.minflt + p.faults.majflt)} faults (${fmt(p.faults.majflt)} major), pswpout ${fmt(stat(m, 'pswpout'))}, pswpin ${fmt(stat(m, 'pswpin'))}`,
    );
    console.log(`  = ${fmt((2 * N) / dt)} page touches/s, ${fmt(scanned / dt)} pages scanned/s; simulated time ${simPass1.toFixed(1)} s + ${simPass2.toFixed(1)} s`);
    const bad = m.checkInvariants();
    if (bad.length) console.log(`  INVARIANTS BROKEN: ${bad[0]}`);
  }
  console.log(`peak RSS ${Math.round(peak / 1048576)} MB`);
  return Promise.resolve();
}
