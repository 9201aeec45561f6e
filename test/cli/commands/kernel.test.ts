// Tests of `mmsim kernel` as a user runs it: output on stdout, script errors
// on stdout and stderr with exit status 2, warnings and failures as one line
// on stderr.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { machineLine } from '../../../src/kernel/machine.js';
import { parseScenario } from '../../../src/workload/scenario/parse.js';

// bin/mmsim.js loads tsx relative to itself, so it runs from any directory.
const BIN = fileURLToPath(new URL('../../../bin/mmsim.js', import.meta.url));
let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'mmsim-cli-kernel-'));
});
after(() => {
  rmSync(work, { recursive: true, force: true });
});

function mmsim(args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'kernel', ...args], {
    input,
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('mmsim kernel', () => {
  it('runs stdin, warns about machine keys the host lacks, and stops at a runtime error', () => {
    const r = mmsim(['-'], 'machine cpus=999\nmmap a 0 anon private rw\necho hello\ntouch a 0 1 write\necho never\n');
    assert.equal(r.stdout, "mmap a 0 anon private rw -> EINVAL\nhello\nERROR line 4: mapping 'a' does not exist (its mmap failed)\n");
    assert.match(r.stderr, /^mmsim: warning: the scenario's machine has cpus=999 but this host has cpus=\d+$/m);
    assert.match(r.stderr, /^ERROR line 4: mapping 'a' does not exist \(its mmap failed\)$/m);
    assert.equal(r.status, 2);
  });

  it('prints a parse error on stdout and stderr, runs nothing, exits 2', () => {
    const r = mmsim(['-'], 'echo hi\nmmap a 4 anon private rwz\n');
    assert.equal(r.stdout, "ERROR line 2: mmap: PROT must be none or a combination of r, w, x, got 'rwz'\n");
    assert.equal(r.stderr, r.stdout);
    assert.equal(r.status, 2);
  });

  it('prints the host machine line, which parses back to itself', () => {
    const r = mmsim(['--print-machine']);
    assert.equal(r.status, 0);
    const line = r.stdout.trimEnd();
    assert.match(line, /^machine memtotal=\d+K swap=\d+K cpus=\d+ overcommit_memory=[012] /);
    assert.equal(machineLine(parseScenario(line + '\necho x').machine), line);
  });

  it('refuses a 32-bit machine in one line that names the machine line', () => {
    const r = mmsim(['-'], '# a 32-bit machine\nmachine arch=i386 memtotal=1G\necho hi\n', { CC: '/nonexistent/cc' });
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "mmsim: line 2: arch=i386 is simulator only; the real-kernel runner runs scenarios on this host's x86-64 kernel\n");
    assert.equal(r.status, 2);
  });

  it('says in one line that a C compiler is needed', () => {
    const r = mmsim(['-'], 'echo hi\n', { CC: '/nonexistent/cc', XDG_CACHE_HOME: join(work, 'emptycache') });
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "mmsim: mmsim kernel needs a C compiler: '/nonexistent/cc' was not found (install gcc or clang, or set CC)\n");
    assert.equal(r.status, 2);
  });
});
