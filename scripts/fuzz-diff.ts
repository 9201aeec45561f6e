// Random scenarios, run in the simulator and on this machine's kernel: a
// search for rules the fidelity suite does not cover yet. Each scenario is
// seeded (the same seed writes the same file), mixes every v1 operation over
// a few anonymous and file mappings and a child process, and is kept in
// OUTDIR when `mmsim diff` finds a difference.
//
//   node --import tsx scripts/fuzz-diff.ts [--from SEED] [--count N] [--ops N] [--out DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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

const from = Number(arg('from', 1));
const count = Number(arg('count', 20));
const ops = Number(arg('ops', 60));
const out = arg('out', '/tmp/mmsim-fuzz');
mkdirSync(out, { recursive: true });
let bad = 0;
for (let s = from; s < from + count; s++) {
  const file = join(out, `fuzz-${s}.scn`);
  writeFileSync(file, scenario(s, ops));
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
console.log(`${count - bad}/${count} identical`);
process.exitCode = bad ? 1 : 0;
