// The recorded address space: /proc/PID/maps lines, and the address-space
// changes read from valgrind's --trace-syscalls lines, checked on hand-made
// lines and on the log of fixtures/record/mapper.c, whose calls are known
// from its source.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parseAddressSpace, parseMaps, ValgrindSyscalls } from '../../../src/workload/trace/address_space.js';

const LOG = join(import.meta.dirname, '../../../fixtures/record/mapper.vglog.gz');
const PAGE = 4096;

describe('workload/trace/address_space', () => {
  it('parses /proc/PID/maps lines, anonymous ones included', () => {
    const m = parseMaps('00108000-0010b000 r-xp 00003000 fe:00 260879      /usr/bin/sort\n1ffefff000-1fff001000 rw-p 00000000 00:00 0 \n');
    assert.deepEqual(m, [
      { start: 0x108000, end: 0x10b000, perms: 'r-xp', offset: 0x3000, inode: 260879, path: '/usr/bin/sort' },
      { start: 0x1ffefff000, end: 0x1fff001000, perms: 'rw-p', offset: 0, inode: 0, path: '' },
    ]);
    assert.throws(() => parseMaps('nonsense\n'), /maps line 1/);
  });

  it('follows a file descriptor from an asynchronous openat to mmap, and forgets it at close', () => {
    const s = new ValgrindSyscalls();
    s.line('SYSCALL[7,1](257) sys_openat ( 4294967196, 0x4034bb0(/lib/libc.so.6), 524288 ) --> [async] ... ', 10);
    s.line('SYSCALL[7,1](257) ... [async] --> Success(0x4) ', 11);
    s.line('SYSCALL[7,1](9) sys_mmap ( 0x486b000, 1400832, 5, 2066, 4, 155648 ) --> [pre-success] Success(0x486b000) ', 20);
    s.line('SYSCALL[7,1](3) sys_close ( 4 )[sync] --> Success(0x0) ', 21);
    s.line('SYSCALL[7,1](9) sys_mmap ( 0x0, 8192, 1, 2, 4, 0 ) --> [pre-success] Success(0x5000000) ', 22);
    s.line('SYSCALL[7,1](11) sys_munmap ( 0x6000000, 4096 )[sync] --> Failure(0x16) ', 23);
    s.line(' L 1fff0000,8', 24);
    assert.deepEqual(s.events, [
      { at: 20, call: 'mmap', addr: 0x486b000, len: 1400832, prot: 5, flags: 2066, path: '/lib/libc.so.6', offset: 155648 },
      { at: 22, call: 'mmap', addr: 0x5000000, len: 8192, prot: 1, flags: 2, path: null, offset: 0 },
    ]);
  });

  it("finds mapper.c's calls, in its order, in the valgrind log", () => {
    const lines = gunzipSync(readFileSync(LOG)).toString('latin1').split('\n');
    const s = new ValgrindSyscalls();
    let records = 0;
    for (const l of lines) {
      if (/^(I {2}| [LSM] )[0-9a-f]+,\d+$/.test(l)) records++;
      else s.line(l, records);
    }
    const ev = s.events.filter((e) => e.call !== 'brk');
    // 1. mmap 64 anonymous pages rw; 2. mprotect the first 16 to PROT_READ; 3. munmap the last 16;
    // 4. the 256 KiB malloc: an anonymous mmap a little larger (glibc's chunk header), then its munmap.
    const big = ev.find((e) => e.call === 'mmap' && e.len === 64 * PAGE)!;
    assert.ok(big && big.call === 'mmap' && big.prot === 3 && big.path === null);
    const i = ev.indexOf(big);
    assert.deepEqual(ev.slice(i + 1, i + 3).map((e) => ({ ...e, at: 0 })), [
      { at: 0, call: 'mprotect', addr: big.addr, len: 16 * PAGE, prot: 1 },
      { at: 0, call: 'munmap', addr: big.addr + 48 * PAGE, len: 16 * PAGE },
    ]);
    const m = ev[i + 3]!;
    const u = ev[i + 4]!;
    assert.ok(m.call === 'mmap' && m.len > 256 * 1024 && m.len <= 256 * 1024 + PAGE);
    assert.ok(u.call === 'munmap' && m.call === 'mmap' && u.addr === m.addr && u.len === m.len);
    // Between the mmap and the munmap of the 64 pages the program wrote 64 bytes and read 16.
    const between = ev[i + 1]!.at - big.at;
    assert.ok(between >= 64, `${between} references between mmap and mprotect`);
    // The break: brk(0) first, then growth only.
    const brks = s.events.filter((e) => e.call === 'brk').map((e) => (e.call === 'brk' ? e.brk : 0));
    assert.ok(brks.length >= 2 && brks.every((b, j) => j === 0 || b >= brks[j - 1]!));
  });

  it('checks a maps section', () => {
    const ok = { version: 1, command: ['x'], recorder: 'r', maps: '', files: {}, events: [{ at: 1, call: 'brk', brk: 4096 }] };
    assert.equal(parseAddressSpace(JSON.stringify(ok)).events.length, 1);
    assert.throws(() => parseAddressSpace('{'), /not JSON/);
    assert.throws(() => parseAddressSpace(JSON.stringify({ ...ok, version: 2 })), /version/);
    assert.throws(() => parseAddressSpace(JSON.stringify({ ...ok, events: [{ at: 5 }, { at: 2 }] })), /event 1 is out of order/);
  });
});
