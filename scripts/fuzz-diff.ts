// Random scenarios, run in the simulator and on this machine's kernel: a
// search for rules the fidelity suite does not cover yet. Each scenario is
// seeded (the same seed writes the same file), mixes every v1 operation over
// a few anonymous and file mappings and a child process, and is kept in
// OUTDIR when `mmsim diff` finds a difference.
//
//   node --import tsx scripts/fuzz-diff.ts [--from SEED] [--count N] [--ops N] [--out DIR] [--mode M]
//
// M is mixed (the default), file, thp, mremap, fork, or any (one per seed).
//
// khugepaged collapses PTE-mapped ranges of MADV_HUGEPAGE mappings in the
// background, which the simulator does not model: it wakes when the first mm
// joins its list and then scans pages_to_scan pages every
// scan_sleep_millisecs. While a batch runs, a parked process holds a 1 TiB
// MADV_HUGEPAGE mapping at the head of that list, so the scanner stays in it
// (8 PMDs a pass) and never reaches a scenario's mm. Run the same parker
// (`--park-only`) while checking a kept scenario by hand.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function arg(name: string, def: number | string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : String(def);
}

/** A seeded xorshift32. */
function rng(seed: number): (n: number) => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

const ADVICE = ['normal', 'random', 'sequential', 'willneed', 'dontneed', 'free', 'remove', 'dontfork', 'dofork', 'wipeonfork', 'keeponfork', 'hugepage', 'nohugepage', 'cold', 'pageout', 'populate_read', 'populate_write', 'collapse', 'mergeable', 'unmergeable'];
const PROTS = ['none', 'r', 'rw', 'rx', 'rwx'];

export function scenario(seed: number, nOps: number): string {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[r(a.length)]!;
  const lines: string[] = [`# fuzz seed ${seed}`, 'file f1.bin 96 fill=3 chunk=8', 'file f2.bin 24 fill=9'];
  const mainMaps: Array<{ name: string; pages: number }> = [];
  let kidMaps: Array<{ name: string; pages: number }> = [];
  let child = false;
  let inChild = false;
  let n = 0;
  const mmap = (): void => {
    const name = `m${n++}`;
    const pages = pick([1, 4, 16, 64, 512, 1024]);
    const src = pick(['anon', 'anon', 'file:f1.bin', 'file:f2.bin']);
    const kind = pick(['private', 'private', 'shared']);
    const prot = pick(['r', 'rw', 'rw', 'rw', 'rx', 'none']);
    const extra = [r(6) === 0 ? 'populate' : '', r(8) === 0 ? 'noreserve' : '', src !== 'anon' && r(4) === 0 ? `offset=${r(16)}` : ''].filter(Boolean);
    lines.push(`mmap ${name} ${pages} ${src} ${kind} ${prot} ${extra.join(' ')}`.trimEnd());
    (inChild ? kidMaps : mainMaps).push({ name, pages });
  };
  mmap();
  mmap();
  while (lines.length < nOps) {
    const maps = inChild ? kidMaps : mainMaps;
    if (maps.length === 0 || r(14) === 0) {
      mmap();
      continue;
    }
    const m = pick(maps);
    const first = r(m.pages);
    const count = 1 + r(Math.min(m.pages - first, 40));
    const k = r(100);
    if (k < 25) lines.push(`touch ${m.name} ${first} ${count} ${pick(['read', 'write'])} value=${1 + r(200)}`);
    else if (k < 32) lines.push(`peek ${m.name} ${first} ${count}`);
    else if (k < 44) lines.push(`madvise ${m.name} ${first} ${count} ${pick(ADVICE)}`);
    else if (k < 50) lines.push(`mprotect ${m.name} ${first} ${count} ${pick(PROTS)}`);
    else if (k < 53) lines.push(`mlock ${m.name} ${first} ${count}`);
    else if (k < 55) lines.push(`munlock ${m.name} ${first} ${count}`);
    else if (k < 58) lines.push(`msync ${m.name} ${first} ${count} ${pick(['sync', 'async', 'invalidate'])}`);
    else if (k < 61) lines.push(`munmap ${m.name} ${first} ${count}`);
    else if (k < 64) lines.push(`mremap ${m.name} ${1 + r(m.pages * 2)}${r(2) ? ' move' : ''}`);
    else if (k < 70) lines.push(`report r${lines.length} ${m.name}`);
    else if (k < 73) lines.push(`vmas v${lines.length} ${m.name}`);
    else if (k < 77) lines.push(`pagemap ${m.name} ${first} ${count}`);
    else if (k < 80) lines.push(`status s${lines.length}`);
    else if (k < 83) lines.push(`expect_segv ${m.name} ${first} ${pick(['read', 'write'])}`);
    else if (k < 85) lines.push(`fpeek ${pick(['f1.bin', 'f2.bin'])} ${r(100)} ${1 + r(8)}`);
    else if (k < 87) lines.push(`truncate ${pick(['f1.bin', 'f2.bin'])} ${r(120)}${r(3) === 0 ? ` ${1 + r(4095)}` : ''}`);
    else if (k < 89) lines.push(`dropcache ${pick(['f1.bin', 'f2.bin'])}`);
    else if (k < 95) {
      if (!child) {
        lines.push('fork kid');
        kidMaps = mainMaps.map((m) => ({ ...m }));
        child = true;
      } else if (!inChild) {
        lines.push('in kid');
        inChild = true;
      } else {
        lines.push('in main', 'exit kid');
        inChild = false;
        child = false;
      }
    } else lines.push(`report all${lines.length}`);
  }
  if (inChild) lines.push('in main');
  lines.push('report end', 'status end');
  return lines.join('\n') + '\n';
}


// Modes that weight the operations towards one area (`--mode NAME`; `mixed`
// is the original generator above, `any` picks a mode per seed):
//   file   shared and private file mappings written, then msync, truncate,
//          dropcache, fpeek, and accesses past EOF (SIGBUS)
//   thp    2 MiB-aligned anonymous mappings of 1024+ pages with MADV_HUGEPAGE,
//          partial munmap/mprotect/mremap of huge pages, collapse, fork + COW
//   mremap grow, shrink and move of partly populated and locked mappings
//   fork   nested process trees, wipeonfork/dontfork, MADV_FREE then writes,
//          mlock/munlock across fork
// The special modes keep away from timing: readahead after dropcache of a
// file that is then faulted is left to `file` mode's fpeek, which is a
// synchronous read.
export const MODES = ['mixed', 'file', 'thp', 'mremap', 'fork'] as const;
type Mode = (typeof MODES)[number];

interface Proc {
  name: string;
  parent: string | null;
  maps: Array<{ name: string; pages: number; file?: string }>;
}

export function modeScenario(seed: number, nOps: number, mode: Mode): string {
  if (mode === 'mixed') return scenario(seed, nOps);
  const r = rng(seed * 7919 + MODES.indexOf(mode));
  const pick = <T>(a: readonly T[]): T => a[r(a.length)]!;
  const chance = (n: number): boolean => r(n) === 0;
  const files: Array<{ path: string; pages: number }> = [
    { path: 'g1.bin', pages: 64 },
    { path: 'g2.bin', pages: 16 },
  ];
  const lines: string[] = [`# fuzz seed ${seed} mode ${mode}`, 'file g1.bin 64 fill=3 chunk=4', 'file g2.bin 16 fill=9'];
  if (mode === 'file' && chance(2)) {
    files.push({ path: '/dev/shm/mm-fz', pages: 16 });
    lines.push('file /dev/shm/mm-fz 16 fill=5');
  }
  const procs = new Map<string, Proc>([['main', { name: 'main', parent: null, maps: [] }]]);
  let cur = procs.get('main')!;
  let nMap = 0;
  let nProc = 0;
  let lastMap: { name: string; proc: Proc } | null = null;
  const label = (p: string): string => `${p}${lines.length}`;
  const mmap = (): void => {
    const name = `m${nMap++}`;
    let pages: number;
    let src = 'anon';
    let kind: string;
    let prot = 'rw';
    const extra: string[] = [];
    if (mode === 'thp') {
      pages = pick([1024, 1024, 1536, 2048, 1100]);
      kind = chance(6) ? 'shared' : 'private';
      if (chance(8)) prot = 'r';
    } else if (mode === 'file') {
      const f = pick(files);
      src = chance(5) ? 'anon' : `file:${f.path}`;
      kind = pick(['shared', 'shared', 'private']);
      pages = src === 'anon' ? pick([4, 16, 64]) : pick([f.pages, f.pages, 8, 32, f.pages + 8]);
      prot = pick(['rw', 'rw', 'rw', 'r']);
      if (src !== 'anon' && chance(3)) extra.push(`offset=${r(8)}`);
    } else if (mode === 'mremap') {
      src = pick(['anon', 'anon', 'anon', `file:${pick(files).path}`]);
      kind = pick(['private', 'private', 'shared']);
      pages = pick([4, 16, 64, 512, 1024]);
      if (src !== 'anon') pages = Math.min(pages, 64);
    } else {
      src = pick(['anon', 'anon', 'anon', `file:${pick(files).path}`]);
      kind = pick(['private', 'private', 'private', 'shared']);
      pages = pick([4, 16, 64, 512]);
      if (src !== 'anon') pages = Math.min(pages, 64);
    }
    if (chance(6)) extra.push('populate');
    if (chance(6)) extra.push('noreserve');
    // after= only right behind the newest mapping, whose end is free.
    if (lastMap && lastMap.proc === cur && chance(mode === 'thp' ? 8 : 4)) {
      extra.push(`after=${lastMap.name}`);
      lastMap = null;
    } else lastMap = { name, proc: cur };
    lines.push(`mmap ${name} ${pages} ${src} ${kind} ${prot} ${extra.join(' ')}`.trimEnd());
    cur.maps.push({ name, pages, ...(src === 'anon' ? {} : { file: src.slice(5) }) });
    if (mode === 'thp' && !chance(5)) lines.push(`madvise ${name} 0 ${pages} hugepage`);
  };
  const range = (m: { pages: number }, max = 40): [number, number] => {
    if (mode === 'thp' && chance(2)) {
      // Huge-page-relative ranges: whole 2 MiB units or cuts inside one.
      const first = pick([0, 512, 1024, 256, 511, 513, 1]);
      const count = pick([512, 1, 2, 256, 1024, 64]);
      return [Math.min(first, m.pages - 1), Math.max(1, Math.min(count, m.pages - Math.min(first, m.pages - 1)))];
    }
    const first = r(m.pages);
    return [first, 1 + r(Math.min(m.pages - first, max))];
  };
  const observe = (m: { name: string; pages: number }): void => {
    const k = r(5);
    const [first, count] = range(m, 64);
    if (k === 0) lines.push(`report ${label('r')} ${m.name}`);
    else if (k === 1) lines.push(`vmas ${label('v')} ${m.name}`);
    else if (k === 2) lines.push(`pagemap ${m.name} ${first} ${count}`);
    else if (k === 3) lines.push(`status ${label('s')}`);
    else lines.push(`report ${label('all')}`);
  };
  const children = (p: Proc): Proc[] => [...procs.values()].filter((q) => q.parent === p.name);
  const killTree = (p: Proc): void => {
    for (const c of children(p)) killTree(c);
    procs.delete(p.name);
  };
  const procOp = (): void => {
    const k = r(10);
    if (k < 4 && procs.size < 4) {
      const name = `p${nProc++}`;
      lines.push(`fork ${name}`);
      procs.set(name, { name, parent: cur.name, maps: cur.maps.map((m) => ({ ...m })) });
      if (chance(2)) {
        lines.push(`in ${name}`);
        cur = procs.get(name)!;
      }
    } else if (k < 7 && procs.size > 1) {
      const others = [...procs.values()].filter((p) => p !== cur);
      cur = pick(others);
      lines.push(`in ${cur.name}`);
    } else {
      const kids = children(cur);
      if (kids.length) {
        const c = pick(kids);
        lines.push(`exit ${c.name}`);
        killTree(c);
      }
    }
  };
  const fileOp = (): void => {
    const f = pick(files);
    const k = r(10);
    if (k < 3) lines.push(`fpeek ${f.path} ${r(f.pages + 4)} ${1 + r(8)}`);
    else if (k < 6) {
      const pages = r(f.pages + 8);
      lines.push(`truncate ${f.path} ${pages}${chance(3) ? ` ${1 + r(4095)}` : ''}`);
    } else {
      lines.push(`dropcache ${f.path}`);
      settle(f.path);
    }
  };
  // Once a file's clean pages are evicted, a fault or read that misses
  // starts readahead I/O and waits only for its own folio; the rest of the
  // window stays under I/O for a while, and whether the next fault-around
  // maps those folios depends on the disk's timing. So after an eviction,
  // at most one single-page access, then a pread of every page, which waits
  // for all of it.
  const settle = (path: string): void => {
    const f = files.find((x) => x.path === path)!;
    const m = cur.maps.filter((x) => x.file === path);
    const k = r(3);
    if (k === 0 && m.length) {
      const x = pick(m);
      const page = r(x.pages);
      lines.push(chance(2) ? `peek ${x.name} ${page} 1` : `touch ${x.name} ${page} 1 read`);
    } else if (k === 1) lines.push(`fpeek ${path} ${r(f.pages)} 1`);
    lines.push(`fpeek ${path} 0 ${f.pages + 8}`);
  };
  // MADV_FREE leaves its last folios in this CPU's lazyfree batch, where any
  // lru_add_drain_all() on the machine may publish them; MADV_WILLNEED on
  // anonymous memory drains the batch (lru_add_drain()) and does nothing
  // else, so it follows every MADV_FREE here.
  const advise = (m: { name: string; file?: string }, first: number, count: number, advice: string[]): void => {
    const adv = pick(advice);
    lines.push(`madvise ${m.name} ${first} ${count} ${adv}`);
    if (adv === 'free' && !m.file) lines.push(`madvise ${m.name} ${first} 1 willneed`);
    if (adv === 'pageout' && m.file) settle(m.file);
  };
  while (lines.length < nOps) {
    if (cur.maps.length === 0 || chance(mode === 'thp' ? 12 : 9)) {
      mmap();
      continue;
    }
    const m = pick(cur.maps);
    const [first, count] = range(m);
    const k = r(100);
    const touch = (): void => {
      const step = mode === 'thp' && chance(3) ? ` step=${pick([1, 64, 511, 512])}` : '';
      lines.push(`touch ${m.name} ${first} ${count} ${pick(['read', 'write', 'write'])} value=${1 + r(200)}${step}`);
    };
    if (mode === 'file') {
      if (k < 25) touch();
      else if (k < 33) lines.push(`peek ${m.name} ${first} ${count}`);
      else if (k < 43) lines.push(`msync ${m.name} ${first} ${count} ${pick(['sync', 'async', 'invalidate'])}`);
      else if (k < 58) fileOp();
      else if (k < 66) lines.push(`expect_segv ${m.name} ${r(m.pages + 4)} ${pick(['read', 'write'])}`);
      else if (k < 72) advise(m, first, count, ['dontneed', 'remove', 'willneed', 'pageout', 'cold', 'populate_read', 'populate_write', 'free']);
      else if (k < 75) lines.push(`mprotect ${m.name} ${first} ${count} ${pick(['r', 'rw', 'none'])}`);
      else if (k < 78) lines.push(`mlock ${m.name} ${first} ${count}`);
      else if (k < 80) lines.push(`munmap ${m.name} ${first} ${count}`);
      else if (k < 83) procOp();
      else observe(m);
    } else if (mode === 'thp') {
      if (k < 22) touch();
      else if (k < 27) lines.push(`peek ${m.name} ${first} ${count}`);
      else if (k < 33) lines.push(`munmap ${m.name} ${first} ${count}`);
      else if (k < 40) lines.push(`mprotect ${m.name} ${first} ${count} ${pick(['r', 'rw', 'none', 'rw'])}`);
      else if (k < 45) {
        const np = pick([512, 1024, 1536, 2048, 700, 1, m.pages + 512]);
        lines.push(`mremap ${m.name} ${np}${chance(2) ? ' move' : ''}`);
        m.pages = np;
      }
      else if (k < 52) advise(m, first, count, ['collapse', 'collapse', 'dontneed', 'free', 'nohugepage', 'hugepage', 'pageout', 'populate_write', 'cold']);
      else if (k < 55) lines.push(`mlock ${m.name} ${first} ${count}`);
      else if (k < 57) lines.push(`munlock ${m.name} ${first} ${count}`);
      else if (k < 67) procOp();
      else if (k < 70) lines.push(`expect_segv ${m.name} ${first} ${pick(['read', 'write'])}`);
      else observe(m);
    } else if (mode === 'mremap') {
      if (k < 25) touch();
      else if (k < 30) lines.push(`peek ${m.name} ${first} ${count}`);
      else if (k < 47) {
        const np = pick([1, Math.max(1, m.pages >> 1), m.pages + 1, m.pages * 2, m.pages + 16, 1 + r(m.pages * 2)]);
        lines.push(`mremap ${m.name} ${np}${chance(2) ? ' move' : ''}`);
        if (m.pages < np && chance(3)) lines.push(`peek ${m.name} ${m.pages - 1} ${Math.min(np - m.pages + 1, 64)}`);
        m.pages = np;
      } else if (k < 55) lines.push(`mlock ${m.name} ${first} ${count}`);
      else if (k < 59) lines.push(`munlock ${m.name} ${first} ${count}`);
      else if (k < 63) lines.push(`munmap ${m.name} ${first} ${count}`);
      else if (k < 67) lines.push(`mprotect ${m.name} ${first} ${count} ${pick(['r', 'rw', 'none'])}`);
      else if (k < 71) advise(m, first, count, ['dontneed', 'free', 'populate_write', 'dontfork', 'wipeonfork']);
      else if (k < 76) procOp();
      else if (k < 79) lines.push(`expect_segv ${m.name} ${r(m.pages * 2)} ${pick(['read', 'write'])}`);
      else observe(m);
    } else {
      if (k < 24) touch();
      else if (k < 29) lines.push(`peek ${m.name} ${first} ${count}`);
      else if (k < 45) procOp();
      else if (k < 55) advise(m, first, count, ['dontfork', 'dofork', 'wipeonfork', 'keeponfork', 'free', 'free', 'dontneed']);
      else if (k < 61) lines.push(`mlock ${m.name} ${first} ${count}`);
      else if (k < 65) lines.push(`munlock ${m.name} ${first} ${count}`);
      else if (k < 68) lines.push(`munmap ${m.name} ${first} ${count}`);
      else if (k < 71) lines.push(`mprotect ${m.name} ${first} ${count} ${pick(['r', 'rw', 'none'])}`);
      else if (k < 73) lines.push(`mremap ${m.name} ${1 + r(m.pages * 2)}${chance(2) ? ' move' : ''}`);
      else if (k < 76) lines.push(`expect_segv ${m.name} ${first} ${pick(['read', 'write'])}`);
      else observe(m);
    }
  }
  // Every process reports before the end, newest first.
  for (const p of [...procs.values()].reverse()) {
    if (p !== cur) lines.push(`in ${p.name}`);
    cur = p;
    lines.push(`report end-${p.name}`, `status end-${p.name}`);
  }
  if (cur.name !== 'main') lines.push('in main');
  if (files.some((f) => f.path.startsWith('/dev/shm/'))) lines.push('unlink /dev/shm/mm-fz');
  return lines.join('\n') + '\n';
}

const PARK_C = `#include <sys/mman.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
  size_t len = 1UL << 40;
  char *p = mmap((void *)0x300000000000UL, len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED || madvise(p, len, MADV_HUGEPAGE)) { perror("park"); return 1; }
  p[len - 1] = 1; /* an anon_vma, which khugepaged needs to scan the VMA */
  puts("parked");
  fflush(stdout);
  pause();
  return 0;
}
`;

/** Starts the khugepaged parker; resolves once its mapping is in place. */
async function parkKhugepaged(): Promise<() => void> {
  const dir = join(tmpdir(), 'mmsim-khugepaged-park');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'park.c'), PARK_C);
  execFileSync('cc', ['-O2', '-o', join(dir, 'park'), join(dir, 'park.c')]);
  const child = spawn(join(dir, 'park'), [], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`khugepaged parker exited with ${code}`)));
  });
  return () => child.kill('SIGTERM');
}

if (process.argv.includes('--park-only')) {
  await parkKhugepaged();
  console.log('khugepaged parked; Ctrl-C to end');
  await new Promise(() => {});
}
const from = Number(arg('from', 1));
const count = Number(arg('count', 20));
const ops = Number(arg('ops', 60));
const out = arg('out', '/tmp/mmsim-fuzz');
const modeArg = arg('mode', 'mixed');
if (modeArg !== 'any' && !(MODES as readonly string[]).includes(modeArg)) throw new Error(`--mode: one of any, ${MODES.join(', ')}`);
mkdirSync(out, { recursive: true });
const unpark = await parkKhugepaged();
let bad = 0;
for (let s = from; s < from + count; s++) {
  const file = join(out, `fuzz-${s}.scn`);
  const m = modeArg === 'any' ? MODES[s % MODES.length]! : (modeArg as Mode);
  writeFileSync(file, modeScenario(s, ops, m));
  try {
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'diff', file], { stdio: 'pipe' });
    console.log(`seed ${s}: identical`);
  } catch (e) {
    bad++;
    const err = e as { status: number; stdout: Buffer; stderr: Buffer };
    writeFileSync(join(out, `fuzz-${s}.diff`), err.stdout.toString() + err.stderr.toString());
    console.log(`seed ${s}: DIFFERS (exit ${err.status}) -> ${join(out, `fuzz-${s}.diff`)}`);
  }
}
unpark();
console.log(`${count - bad}/${count} identical`);
process.exitCode = bad ? 1 : 0;
