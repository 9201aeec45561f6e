// The multi-gen LRU in the scenario language: the `lru_gen=` and
// `min_ttl_ms=` machine keys, the simulator-only `lru_gen` and `sysfs`
// operations, `mmsim proc ... lru_gen`, and the real-kernel runner refusing
// all of them (the host's kernel has no CONFIG_LRU_GEN).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MACHINE, machineLine } from '../../../src/kernel/machine.js';
import { checkKernelRunnable, compileProtocol, KernelRunnerError } from '../../../src/workload/scenario/kernel_runner.js';
import { parseScenario } from '../../../src/workload/scenario/parse.js';
import { scenarioError, simulate } from './helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/mmsim.js', import.meta.url));

function run(src: string): string[] {
  const out = simulate(src);
  return out.error ? [...out.lines, `ERROR line ${out.error.line}: ${out.error.message}`] : out.lines;
}

const parseError = scenarioError;

describe('workload/scenario: lru_gen', () => {
  it('reads lru_gen= as /sys/kernel/mm/lru_gen/enabled and prints it back only when on', () => {
    assert.equal(parseScenario('machine lru_gen=y\necho x').machine.lruGen, 7);
    assert.equal(parseScenario('machine lru_gen=0x0005\necho x').machine.lruGen, 5);
    assert.equal(parseScenario('machine lru_gen=n\necho x').machine.lruGen, undefined);
    const m = parseScenario('machine memtotal=1G lru_gen=y min_ttl_ms=1000\necho x').machine;
    assert.match(machineLine(m), / lru_gen=0x0007 min_ttl_ms=1000$/);
    assert.deepEqual(parseScenario(machineLine(m) + '\necho x').machine, m);
    // The default machine's line, the contract with the real-kernel runner, is unchanged.
    assert.ok(!machineLine(DEFAULT_MACHINE).includes('lru_gen'));
    assert.match(parseError('machine lru_gen=on\necho x'), /lru_gen must be y, n or a mask/);
    assert.match(parseError('machine min_ttl_ms=1000\necho x'), /min_ttl_ms needs the multi-gen LRU/);
  });

  it('prints the generations with lru_gen LABEL and switches MGLRU with sysfs', () => {
    const lines = run(
      [
        'machine memtotal=64M',
        'mmap a 8 anon private rw',
        'touch a 0 8 write',
        'lru_gen off',
        'sysfs lru_gen/enabled=y lru_gen/min_ttl_ms=0',
        'lru_gen on',
        'sysfs lru_gen/enabled=on',
        'sysfs lru_gen/enabled=0x0',
      ].join('\n'),
    );
    // Off: the generations exist, empty. On: the 8 anonymous pages (on the
    // inactive anon list) go to max_seq - 1 = 2 (fill_evictable).
    assert.deepEqual(lines.slice(1, 5), ['off memcg=/ gen=0 age_ms=0 anon_kb=0 file_kb=0', 'off memcg=/ gen=1 age_ms=0 anon_kb=0 file_kb=0', 'off memcg=/ gen=2 age_ms=0 anon_kb=0 file_kb=0', 'off memcg=/ gen=3 age_ms=0 anon_kb=0 file_kb=0']);
    assert.equal(lines[5], 'sysfs lru_gen/enabled=y lru_gen/min_ttl_ms=0 -> ok');
    assert.match(lines[8]!, /^on memcg=\/ gen=2 age_ms=\d+ anon_kb=32 file_kb=\d+$/);
    assert.equal(lines[10], 'sysfs lru_gen/enabled=on -> EINVAL');
    assert.equal(lines[11], 'sysfs lru_gen/enabled=0x0 -> ok');
    assert.match(parseError('sysfs transparent_hugepage/enabled=never'), /sysfs: unknown file 'transparent_hugepage\/enabled'/);
  });

  it('is refused by the real-kernel runner, naming the machine line', () => {
    const p = parseScenario('# MGLRU\nmachine lru_gen=y\necho hi\n');
    assert.throws(() => checkKernelRunnable(p), (e: KernelRunnerError) => e.message === 'line 2: lru_gen is simulator only; this host\'s kernel has no CONFIG_LRU_GEN');
    assert.throws(() => compileProtocol(parseScenario('lru_gen x\n')), /line 1: lru_gen is a simulator-only operation/);
    assert.throws(() => compileProtocol(parseScenario('sysfs lru_gen/enabled=y\n')), /line 1: sysfs lru_gen\/enabled is simulator-only: the real-kernel runner writes only the hugepages files/);
  });

  it('makes mmsim kernel stop with one line, and mmsim proc print /sys/kernel/debug/lru_gen', () => {
    const work = mkdtempSync(join(tmpdir(), 'mmsim-lru-gen-'));
    try {
      const r = spawnSync(process.execPath, [BIN, 'kernel', '-'], { input: 'machine lru_gen=y\necho hi\n', cwd: work, encoding: 'utf8', env: { ...process.env, CC: '/nonexistent/cc' } });
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, "mmsim: line 1: lru_gen is simulator only; this host's kernel has no CONFIG_LRU_GEN\n");
      assert.equal(r.status, 2);
      const file = join(work, 'g.scn');
      writeFileSync(file, 'machine memtotal=64M lru_gen=y\nmmap a 4 anon private rw\ntouch a 0 4 write\nlru_gen here\n');
      const p = spawnSync(process.execPath, [BIN, 'proc', file, '--at', 'here', 'lru_gen'], { encoding: 'utf8' });
      assert.equal(p.status, 0, p.stderr);
      // Four anonymous pages faulted in at max_seq - 1 = 2 of the root memcg.
      const lines = p.stdout.split('\n');
      assert.equal(lines[0], 'memcg     1 /');
      assert.equal(lines[1], ' node     0');
      assert.match(lines[4]!, /^ {10}2 +\d+ {10}4 +\d+ $/);
      assert.equal(lines.length, 7);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
