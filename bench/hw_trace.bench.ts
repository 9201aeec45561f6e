// Throughput of the whole model on real programs' traces: gzip -6 and xz -1
// compressing generated text (400 KiB and 224 KiB: about 10^8 references
// each; gzip's working set fits the L2 cache, xz's 1 MiB dictionary and
// match finder do not), each recorded once with `mmsim record` (valgrind's
// lackey, a few minutes) into the system's temporary directory and reused
// by later runs, then replayed as
// `mmsim trace FILE` replays it (the process's recorded mappings and
// address-space changes, page faults, TLBs, page walks, caches; one CPU).
// Figures are CPU time of this process: end to end (reading and decoding
// the trace included), and the model alone, which is that less the time of
// a pass that only reads and decodes the trace (a modify, lackey's M, is one
// reference and two accesses: a load and a store).
//
//   npm run bench -- hw_trace
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { record } from '../src/cli/commands/record.js';
import { openByteTrace } from '../src/cli/commands/trace_replay.js';
import { Prng } from '../src/hw/prng.js';
import { Kernel } from '../src/kernel/kernel.js';
import { DEFAULT_MACHINE } from '../src/kernel/machine.js';
import { System } from '../src/machine/system.js';
import { replay } from '../src/workload/replay/replay.js';

/** The programs: a compressor, its options (-k -f: keep the input, write FILE.gz or FILE.xz), the input size. */
const PROGRAMS = [
  { cmd: 'gzip', args: ['-6', '-k', '-f'], inputBytes: 400 * 1024 },
  { cmd: 'xz', args: ['-1', '-k', '-f'], inputBytes: 224 * 1024 },
];

/** Text gzip finds worth compressing: words from a 2,000-word vocabulary with Zipf-like frequencies, in lines. */
function makeInput(bytes: number): Buffer {
  const rng = new Prng(2026);
  const letters = 'etaoinshrdlucmfwypvbgkjqxz';
  const words: string[] = [];
  for (let i = 0; i < 2000; i++) {
    let w = '';
    const n = 2 + rng.below(8);
    for (let j = 0; j < n; j++) w += letters[Math.min(25, Math.floor(-Math.log(1 - rng.nextFloat()) * 5))];
    words.push(w);
  }
  let text = '';
  let col = 0;
  while (text.length < bytes) {
    // Rank r with probability about 1/r: a few words dominate, as in prose.
    const w = words[Math.min(words.length - 1, Math.floor(Math.exp(rng.nextFloat() * Math.log(words.length))) - 1)]!;
    text += w;
    col += w.length + 1;
    if (col > 72) {
      text += '\n';
      col = 0;
    } else text += ' ';
  }
  return Buffer.from(text.slice(0, bytes));
}

/** The recorded trace of `p`, made on first use: null (with the reason printed) if it cannot be made here. */
async function traceFile(p: (typeof PROGRAMS)[number]): Promise<string | null> {
  const version = spawnSync(p.cmd, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    console.log(`${p.cmd}: skipped, not installed`);
    return null;
  }
  const input = makeInput(p.inputBytes);
  const key = createHash('sha256').update(input).update(version.stdout).update(p.args.join(' ')).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'mmsim-bench');
  const file = join(dir, `${p.cmd}-${key}.mmsim.gz`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const text = join(dir, `input-${key}.txt`);
  writeFileSync(text, input);
  const cmd = [p.cmd, ...p.args, text];
  console.log(`recording ${cmd.join(' ')} under valgrind's lackey (once; kept as ${file})`);
  try {
    const status = await record(cmd, { output: file, quiet: true });
    if (status !== 0) throw new Error(`${p.cmd} exited with status ${status}`);
  } catch (err) {
    console.log(`${p.cmd}: skipped, cannot record the trace (${(err as Error).message})`);
    return null;
  }
  return file;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
}

export async function run(): Promise<void> {
  console.log('# hw_trace: recorded programs replayed through the whole model (mappings, faults, TLBs, walks, caches), Skylake defaults, one CPU');
  for (const p of PROGRAMS) {
    const file = await traceFile(p);
    if (file !== null) await measure(`${p.cmd} ${p.args[0]} of ${p.inputBytes / 1024} KiB`, file);
  }
}

async function measure(label: string, file: string): Promise<void> {
  // Reading and decoding alone, the second time (the replay's reader runs warm too).
  let refs = 0;
  let readSeconds = 0;
  for (let pass = 0; pass < 2; pass++) {
    const r0 = process.cpuUsage();
    refs = 0;
    for await (const b of (await openByteTrace(file)).reader.batches()) refs += b.length;
    readSeconds = cpuSeconds(r0);
  }

  const c0 = process.cpuUsage();
  const { reader, space } = await openByteTrace(file);
  const sys = new System(new Kernel({ ...DEFAULT_MACHINE, cpus: 1 }), { pcid: true });
  let peakRss = 0;
  const processes = await replay(sys, [{ name: label.split(' ')[0]!, space, batches: reader.batches() }], {
    quantum: 100000,
    onProgress: () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  });
  const seconds = cpuSeconds(c0);
  const p = processes[0]!;
  const r = sys.report().cpus[0]!;
  const model = seconds - readSeconds;
  const m = (x: number) => `${(x / 1e6).toFixed(1)} M`;
  console.log(
    `${label}: ${m(refs)} references (I ${m(p.references.I)}, L ${m(p.references.L)}, S ${m(p.references.S)}, M ${m(p.references.M)}), ${p.minflt} minor faults; ` +
      `end to end ${seconds.toFixed(2)} s = ${m(refs / seconds)} references/s; reading and decoding ${readSeconds.toFixed(2)} s; ` +
      `the model ${model.toFixed(2)} s = ${m(refs / model)} references/s; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; ` +
      `dTLB L1 misses ${((100 * r.tlb.dL1Misses) / r.tlb.dAccesses).toFixed(2)}%, walks ${r.walks.walks4k + r.walks.walks2m}, ` +
      `L1d misses ${((100 * (r.caches[1]!.readMisses + r.caches[1]!.writeMisses)) / (r.caches[1]!.reads + r.caches[1]!.writes)).toFixed(2)}%, AMAT ${r.cost.amat.toFixed(2)} cycles`,
  );
}
