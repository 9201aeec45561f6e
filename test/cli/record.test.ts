// `mmsim record` end to end, with a stand-in for valgrind on PATH that writes
// the log of fixtures/record/mapper.c (captured from valgrind 3.19) to the
// file descriptor `mmsim record` gives it, so the test needs no valgrind and
// always sees the same log. Expectations come from counting the log's lines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openMmsim } from '../../src/workload/trace/mmsim.js';
import { parseAddressSpace } from '../../src/workload/trace/address_space.js';

const ROOT = join(import.meta.dirname, '../..');
const LOG = join(ROOT, 'fixtures/record/mapper.vglog.gz');

function fakeValgrind(dir: string, body: string): string {
  const bin = join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  const f = join(bin, 'valgrind');
  writeFileSync(f, `#!/bin/sh\nif [ "$1" = --version ]; then echo valgrind-3.19.0; exit 0; fi\n${body}\n`);
  chmodSync(f, 0o755);
  return bin;
}

const mmsim = (pathDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${pathDir}:${process.env.PATH}` },
  });

describe('cli/record', () => {
  it('writes every reference of the log and the address-space changes between them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-rec-'));
    const bin = fakeValgrind(dir, `gzip -dc '${LOG}' >&3`);
    const out = join(dir, 'mapper.mmsim');
    const r = mmsim(bin, 'record', '-o', out, '--', '/bin/mapper');
    assert.equal(r.status, 0, r.stderr);
    const lines = gunzipSync(readFileSync(LOG)).toString('latin1').split('\n');
    const kinds = { I: 0, L: 0, S: 0, M: 0 };
    for (const l of lines) {
      const m = /^(?:I {2}| ([LSM]) )[0-9a-f]+,\d+$/.exec(l);
      if (m) kinds[(m[1] ?? 'I') as 'I']++;
    }
    const total = kinds.I + kinds.L + kinds.S + kinds.M;
    assert.match(r.stderr, new RegExp(`^mmsim: recorded ${total} references \\(I ${kinds.I}, L ${kinds.L}, S ${kinds.S}, M ${kinds.M}\\)`));
    const reader = await openMmsim(out, { pages: true });
    assert.equal(reader.header.records, total);
    const space = parseAddressSpace(reader.maps!);
    assert.deepEqual(space.command, ['/bin/mapper']);
    // 5 brk, 2 mprotect, 2 mmap, 2 munmap lines in the log (grep -c of each).
    const count = (name: string) => lines.filter((l) => l.startsWith('SYSCALL') && l.includes(` sys_${name} `) && l.includes('Success')).length;
    assert.equal(space.events.length, count('brk') + count('mprotect') + count('mmap') + count('munmap'));
    // The first reference after an event's position is the one that followed its line in the log.
    const firstMmap = space.events.find((e) => e.call === 'mmap')!;
    const at = lines.findIndex((l) => l.includes(' sys_mmap '));
    const before = lines.slice(0, at).filter((l) => /^(I {2}| [LSM] )[0-9a-f]+,\d+$/.test(l)).length;
    assert.equal(firstMmap.at, before);
  });

  it('silences forked children and sets `_` to the path of valgrind, as a shell running valgrind would', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-rec-'));
    // The stand-in keeps its arguments and the `_` of the environment it was started with, then logs as valgrind did.
    const bin = fakeValgrind(dir, `printf '%s\\n' "$@" > '${dir}/args'; tr '\\0' '\\n' < /proc/$$/environ | grep '^_=' > '${dir}/env'; gzip -dc '${LOG}' >&3`);
    const r = mmsim(bin, 'record', '--quiet', '-o', join(dir, 'x.mmsim'), '--', '/bin/mapper', 'a b');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readFileSync(join(dir, 'args'), 'utf8').split('\n'), [
      '--tool=lackey',
      '--trace-mem=yes',
      '--trace-syscalls=yes',
      '--child-silent-after-fork=yes',
      '--log-fd=3',
      '--',
      '/bin/mapper',
      'a b',
      '',
    ]);
    // bash sets `_` to the full path of the command it runs: here the first valgrind on PATH.
    assert.equal(readFileSync(join(dir, 'env'), 'utf8'), `_=${bin}/valgrind\n`);
  });

  it('fails in one line, leaving no file, when nothing was traced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-rec-'));
    const bin = fakeValgrind(dir, 'echo "valgrind: /no/such: command not found" >&2; exit 1');
    const out = join(dir, 'x.mmsim');
    const r = mmsim(bin, 'record', '-o', out, '--', '/no/such');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^valgrind: \/no\/such: command not found\nmmsim: record: \/no\/such: no memory reference was traced \(valgrind exit status 1\)\n$/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir).sort(), ['bin']);
  });

  it('says how to install valgrind when it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-rec-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'record', '-o', join(dir, 'x.mmsim'), '--', 'true'], {
      cwd: ROOT,
      encoding: 'utf8',
      // No valgrind on this PATH, and not root-with-apt: the command must not try to install it.
      env: { PATH: dir, HOME: dir },
      uid: process.getuid?.() === 0 ? 65534 : undefined,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, 'mmsim: valgrind is not installed (Debian: sudo apt-get install valgrind)\n');
  });
});
