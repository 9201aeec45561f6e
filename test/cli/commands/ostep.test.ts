// End to end: the real `mmsim` binary in a folder holding the -f file, as a
// student would run it. Golden bytes come from the OSTEP scripts themselves.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases } from '../../lab/ostep/golden_cases.js';

const BIN = fileURLToPath(new URL('../../../bin/mmsim.js', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// Runs `mmsim ostep ARGS` in `cwd`, without $COLUMNS (help layout depends on it).
function mmsim(args: string[], cwd: string): Promise<Run> {
  const env = { ...process.env };
  delete env.COLUMNS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'ostep', ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// Each case starts a Node process; they run concurrently to keep the suite quick.
describe('cli ostep', { concurrency: true }, () => {
  it('runs a -f case from its own folder and prints the golden bytes', async () => {
    const c = loadCases('policy.jsonl').find((g) => g.file !== undefined && g.args.includes('CLOCK'))!;
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-ostep-cli-'));
    try {
      writeFileSync(join(dir, c.args[c.args.indexOf('-f') + 1]), c.file!);
      const r = await mmsim(['policy', ...c.args], dir);
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
      assert.equal(r.stdout, c.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [name, set] of [['linear', 'linear.jsonl'], ['multilevel', 'multilevel.jsonl']]) {
    it(`passes ${name} arguments through untouched`, async () => {
      const c = loadCases(set)[3];
      const r = await mmsim([name, ...c.args], tmpdir());
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, c.stdout);
    });
  }

  it('lets "--" end the options as optparse does', async () => {
    const r = await mmsim(['policy', '--', '-c'], tmpdir());
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Hit\/Miss\?/); // question mode: -c was not an option
  });

  it('rejects a bad option with the usage line, one error line and status 2', async () => {
    const r = await mmsim(['policy', '-c', '--cache'], tmpdir());
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Usage: mmsim ostep policy [options]\n\nmmsim: ostep policy: --cachesize option requires 1 argument\n');
  });

  it('keeps the stdout printed before a crash, then one error line and status 2', async () => {
    const r = await mmsim(['policy', '-c', '-a', '1,2,x'], tmpdir());
    assert.equal(r.status, 2);
    assert.match(r.stdout, /Access: 2 {2}MISS FirstIn -> {7}\[1, 2\] <- Lastin {2}Replaced:- \[Hits:0 Misses:2\]\n$/);
    assert.equal(r.stderr, "mmsim: ostep policy: ValueError: invalid literal for int() with base 10: 'x'\n");
  });

  it('exits 1 where the script calls exit(1)', async () => {
    const r = await mmsim(['linear', '-a', '8k', '-p', '4k'], tmpdir());
    assert.equal(r.status, 1);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /Error: physical memory size must be GREATER than address space size/);
  });

  it('prints optparse-style help on -h', async () => {
    const r = await mmsim(['multilevel', '-h'], tmpdir());
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: mmsim ostep multilevel \[options\]\n\nOptions:\n {2}-h, --help {12}show this help message and exit\n/);
  });
});
