// Tests of the host machine line and its comparison with a scenario's
// machine, on a fake host whose /proc and /sys files are given here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MACHINE, machineLine } from '../../../src/kernel/machine.js';
import { compareMachine, readHostMachine, type HostFiles } from '../../../src/workload/scenario/host_machine.js';
import { parseScenario } from '../../../src/workload/scenario/parse.js';

function fakeHost(files: Record<string, string>, dev: string | null = '8:1', cpus = 4): HostFiles {
  return { read: (p) => files[p] ?? null, cpus: () => cpus, deviceOf: () => dev };
}

const THP = '/sys/kernel/mm/transparent_hugepage';
const BASE: Record<string, string> = {
  '/proc/meminfo': 'MemTotal:        8052116 kB\nMemFree:         7000000 kB\nSwapTotal:       2097148 kB\nSwapFree:        2097148 kB\n',
  '/proc/sys/vm/overcommit_memory': '2\n',
  '/proc/sys/vm/overcommit_ratio': '80\n',
  '/proc/sys/vm/min_free_kbytes': '45056\n',
  [`${THP}/enabled`]: '[always] madvise never\n',
  [`${THP}/defrag`]: 'always defer [defer+madvise] madvise never\n',
  [`${THP}/use_zero_page`]: '0\n',
  '/sys/kernel/debug/fault_around_bytes': '16384\n',
  // A partition: its own directory has no queue/, the disk's has.
  '/sys/dev/block/8:1/../queue/read_ahead_kb': '512\n',
};

describe('host_machine readHostMachine', () => {
  it('reads every key from /proc and /sys', () => {
    const m = readHostMachine({ host: fakeHost(BASE) });
    assert.equal(
      machineLine(m),
      'machine memtotal=8052116K swap=2097148K cpus=4 overcommit_memory=2 overcommit_ratio=80 thp=always thp_defrag=defer+madvise thp_zero_page=0 fault_around_kb=16 read_ahead_kb=512 min_free_kbytes=45056',
    );
  });

  it('assumes 64 kB fault-around when debugfs is unreadable, 128 kB read-ahead without a block device', () => {
    const files = { ...BASE };
    delete files['/sys/kernel/debug/fault_around_bytes'];
    const m = readHostMachine({ host: fakeHost(files, null) });
    assert.equal(m.faultAroundKb, 64);
    assert.equal(m.readAheadKb, 128);
  });

  it('takes a whole disk read_ahead_kb from its own queue directory', () => {
    const m = readHostMachine({ host: fakeHost({ ...BASE, '/sys/dev/block/254:0/queue/read_ahead_kb': '8192\n' }, '254:0') });
    assert.equal(m.readAheadKb, 8192);
  });

  it('fails without /proc/meminfo', () => {
    assert.throws(() => readHostMachine({ host: fakeHost({}) }), /MemTotal/);
  });

  it('reads the real host', () => {
    const m = readHostMachine();
    assert.ok(m.memtotalKb > 0 && m.cpus >= 1);
    assert.match(machineLine(m), /^machine memtotal=\d+K swap=\d+K cpus=\d+ /);
  });
});

describe('host_machine compareMachine', () => {
  it('warns once per differing key, naming both values', () => {
    const host = readHostMachine({ host: fakeHost(BASE) });
    const scenario = parseScenario('machine memtotal=8052116K swap=2097148K cpus=4 overcommit_memory=0 thp=always\necho x').machine;
    assert.deepEqual(compareMachine(scenario, host), [
      "warning: the scenario's machine has overcommit_memory=0 but this host has overcommit_memory=2",
      "warning: the scenario's machine has overcommit_ratio=50 but this host has overcommit_ratio=80",
      "warning: the scenario's machine has thp_defrag=madvise but this host has thp_defrag=defer+madvise",
      "warning: the scenario's machine has thp_zero_page=1 but this host has thp_zero_page=0",
      "warning: the scenario's machine has fault_around_kb=64 but this host has fault_around_kb=16",
      "warning: the scenario's machine has read_ahead_kb=8192 but this host has read_ahead_kb=512",
      "warning: the scenario's machine has min_free_kbytes=67584 but this host has min_free_kbytes=45056",
    ]);
  });

  it('is silent when the host is the machine', () => {
    assert.deepEqual(compareMachine({ ...DEFAULT_MACHINE }, { ...DEFAULT_MACHINE }), []);
  });
});
