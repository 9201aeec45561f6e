import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../src/index.js';
import { parseSmaps } from '../../src/report/smaps_parse.js';
import { procPidSmapsRecords } from '../../src/report/proc_pid_smaps.js';

describe('report/proc_pid_smaps', () => {
  it('prints smaps byte for byte as the kernel did for the same accesses (fixture from the real kernel)', () => {
    const real = readFileSync(join(import.meta.dirname, 'fixtures', 'smaps-two-vmas.txt'), 'utf8');
    const m = new Machine({ memtotal: '1G' });
    const p = m.spawn('t', { image: null });
    const a = p.mmap({ addr: 0x100000000000, length: '2M', prot: 'rw', flags: ['private', 'anonymous', 'fixed_noreplace'] });
    p.write(a, 1);
    p.write(a + 4096, 1);
    p.read(a + 8192);
    const b = p.mmap({ addr: 0x100080000000, length: '2M', prot: 'rw', flags: ['shared', 'anonymous', 'fixed_noreplace'] });
    p.write(b, 1);
    // Inode numbers of shmem objects are arbitrary: take the simulator's.
    const ino = /00:01 (\d+)/.exec(p.smaps())![1]!;
    assert.equal(p.smaps(), real.replace(/00:01 \d+ +/, (s) => `00:01 ${ino} `.padEnd(s.length, ' ')));
  });

  it('divides a page shared by three processes into Pss thirds, truncated in 1/4096 bytes', () => {
    // Each page adds (4096 << 12) / 3 = 5592405 (truncated); three pages add
    // 16777215, >> 12 = 4095 bytes: 3 kB, not 4. One page alone: 1365 bytes, 1 kB.
    const m = new Machine({ memtotal: '1G' });
    const p = m.spawn('t', { image: null });
    const a = p.mmap({ pages: 3, prot: 'rw', flags: ['private', 'anonymous'] });
    p.touch(a, 3, { write: true });
    const c1 = p.fork();
    p.fork();
    const rec = procPidSmapsRecords(m.kernel, c1.task).find((v) => v.start === a)!;
    assert.equal(rec.fields.get('Pss'), 3);
    assert.equal(rec.fields.get('Shared_Dirty'), 12);
    c1.munmap(a + 4096, 2 * 4096);
    assert.equal(procPidSmapsRecords(m.kernel, c1.task).find((v) => v.start === a)!.fields.get('Pss'), 1);
  });

  it('reads back its own text into the same numbers it reports directly', () => {
    const m = new Machine({ memtotal: '1G' });
    m.file('f.bin', 8, { chunk: 4 });
    const p = m.spawn('t');
    const a = p.mmap({ pages: 8, prot: 'rw', flags: ['private'], file: 'f.bin' });
    p.touch(a, 8);
    p.write(a, 3);
    p.fork().write(a + 4096, 4);
    const fromText = parseSmaps(p.smaps());
    const direct = procPidSmapsRecords(m.kernel, p.task);
    assert.deepEqual(
      direct.map((v) => [...v.fields]),
      fromText.map((v) => [...v.fields]),
    );
  });
});
