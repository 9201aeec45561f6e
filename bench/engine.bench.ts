// The core engine's throughput and memory, on the reference 24 GiB machine:
//   1. a write-fault storm over 1 M pages (anonymous first-touch faults/s);
//   2. fork of a process with a 1 GiB populated mapping (PTEs copied/s);
//   3. a scenario of 10^5 mixed operations (seeded), end to end;
//   4. memory (RSS, V8 heap, typed arrays) of the simulated machine.
//
//   npm run bench -- engine
import { Kernel } from '../src/kernel/kernel.js';
import { DEFAULT_MACHINE } from '../src/kernel/machine.js';
import { userAccess } from '../src/kernel/access.js';
import { doMmap, MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE } from '../src/kernel/mmap.js';
import { formatRun } from '../src/workload/scenario/format.js';
import { parseScenario } from '../src/workload/scenario/parse.js';
import { runSim } from '../src/workload/scenario/sim_runner.js';

const MB = 1048576;
/** Collects garbage when node runs with --expose-gc (npm run bench does). */
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
let peakRss = 0;
function sample(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

function fmt(n: number, digits = 2): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(digits)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(digits)} k` : n.toFixed(digits);
}

/** A seeded xorshift32 for the mixed scenario. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** 10^5 mixed operations over a handful of mappings, a file and two processes. */
export function mixedScenario(nOps: number, seed = 1): string {
  const r = rng(seed);
  const lines = ['file data.bin 256 chunk=16'];
  const names = ['a', 'b', 'c', 'd', 'f'];
  lines.push('mmap a 512 anon private rw', 'mmap b 256 anon shared rw', 'mmap c 1024 anon private rw', 'mmap d 64 anon private r');
  lines.push('mmap f 256 file:data.bin private rw');
  let forked = false;
  while (lines.length < nOps) {
    const n = names[r() % names.length]!;
    const size = n === 'c' ? 1024 : n === 'a' ? 512 : n === 'd' ? 64 : 256;
    const first = r() % size;
    const count = 1 + (r() % Math.min(32, size - first));
    const k = r() % 100;
    if (k < 45) lines.push(`touch ${n} ${first} ${count} ${r() % 2 && n !== 'd' ? 'write' : 'read'} value=${r() % 256}`);
    else if (k < 55) lines.push(`peek ${n} ${first} ${count}`);
    else if (k < 63) lines.push(`madvise ${n} ${first} ${count} ${['dontneed', 'cold', 'normal', 'random', 'willneed'][r() % 5]}`);
    else if (k < 70) lines.push(`mprotect ${n} ${first} ${count} ${['r', 'rw', 'none'][r() % 3]}`);
    else if (k < 74) lines.push(`mprotect ${n} 0 ${size} ${n === 'd' ? 'r' : 'rw'}`);
    else if (k < 78) lines.push(`mlock ${n} ${first} ${count}`, `munlock ${n} ${first} ${count}`);
    else if (k < 84) lines.push(`report r${lines.length} ${n}`);
    else if (k < 88) lines.push(`status s${lines.length}`);
    else if (k < 92) lines.push(`pagemap ${n} ${first} ${count}`);
    else if (k < 95) lines.push(`msync ${n} ${first} ${count} ${['sync', 'async'][r() % 2]}`);
    else if (k < 98) {
      if (!forked) lines.push('fork kid', 'in kid', `touch a ${first % 512} 8 write`, 'in main');
      else lines.push('exit kid');
      forked = !forked;
    } else lines.push(`fpeek data.bin ${first % 256} ${count}`);
  }
  return lines.slice(0, nOps).join('\n') + '\n';
}

export async function run(): Promise<void> {
  console.log('## engine (24 GiB machine, x86-64 4-level paging)');
  sample();
  const base = process.memoryUsage();
  // Memory of a 24 GiB machine, idle and after 4 GiB of writes, measured first on a clean heap.
  {
    gc();
    const before = process.memoryUsage();
    const k = new Kernel({ ...DEFAULT_MACHINE });
    const idle = process.memoryUsage();
    const t = k.spawn('mem');
    const N = 1 << 20;
    const a = doMmap(k, t, { addr: 0, len: N * 4096, prot: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS, file: null, offset: 0 });
    for (let i = 0; i < N; i++) userAccess(k, t, a + i * 4096, true);
    gc();
    const busy = process.memoryUsage();
    sample();
    if (k.checkInvariants().length) throw new Error('invariants broken');
    console.log(
      `memory, 24 GiB machine: idle +${((idle.rss - before.rss) / MB).toFixed(0)} MB RSS; with 4 GiB resident ` +
        `+${((busy.rss - before.rss) / MB).toFixed(0)} MB RSS, V8 heap ${(busy.heapUsed / MB).toFixed(0)} MB, ` +
        `typed arrays ${(busy.arrayBuffers / MB).toFixed(0)} MB reserved (touched lazily)`,
    );
  }

  // 1. Write-fault storm: 1 M first-touch writes, one anonymous fault each.
  {
    const k = new Kernel({ ...DEFAULT_MACHINE });
    const t = k.spawn('storm');
    const N = 1 << 20;
    const a = doMmap(k, t, { addr: 0, len: N * 4096, prot: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS, file: null, offset: 0 });
    const t0 = performance.now();
    for (let i = 0; i < N; i++) userAccess(k, t, a + i * 4096, true);
    const dt = (performance.now() - t0) / 1000;
    sample();
    console.log(`write-fault storm: ${N} pages, ${t.minFlt} faults in ${dt.toFixed(3)} s = ${fmt(t.minFlt / dt)} faults/s`);

    // 2. fork of the first 1 GiB: the child's page tables are copied, pages shared.
    const k2 = new Kernel({ ...DEFAULT_MACHINE });
    const p = k2.spawn('parent');
    const G = 262144;
    const b = doMmap(k2, p, { addr: 0, len: G * 4096, prot: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS, file: null, offset: 0 });
    for (let i = 0; i < G; i++) userAccess(k2, p, b + i * 4096, true);
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t1 = performance.now();
      const c = k2.fork(p);
      runs.push(performance.now() - t1);
      if (typeof c !== 'number') k2.exit(c);
    }
    runs.sort((x, y) => x - y);
    const med = runs[2]! / 1000;
    sample();
    console.log(`fork of a 1 GiB populated mapping: ${G} PTEs, median of 5 ${(med * 1000).toFixed(1)} ms = ${fmt(G / med)} PTEs/s`);
  }

  // 3. A scenario of 10^5 mixed operations, parse + run + format.
  {
    const text = mixedScenario(100000);
    const t0 = performance.now();
    const prog = parseScenario(text);
    const recs = runSim(prog);
    const out = formatRun(prog, recs);
    const dt = (performance.now() - t0) / 1000;
    sample();
    console.log(`mixed scenario: ${prog.ops.length} operations, ${out.lines.length} output lines in ${dt.toFixed(3)} s = ${fmt(prog.ops.length / dt)} ops/s${out.error ? ` (stopped: ${out.error.message})` : ''}`);
  }

  console.log(`peak RSS of the whole run ${(peakRss / MB).toFixed(0)} MB (process started at ${(base.rss / MB).toFixed(0)} MB)`);
}
