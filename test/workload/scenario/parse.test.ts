import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePages, parseScenario } from '../../../src/workload/scenario/parse.js';
import { scenarioError } from './helpers.js';

const error = scenarioError;

describe('workload/scenario/parse', () => {
  it('reads page arguments as pages, byte sizes and ram-relative counts', () => {
    assert.equal(parsePages('12', 1000), 12);
    assert.equal(parsePages('2M', 1000), 512);
    assert.equal(parsePages('8K', 1000), 2);
    assert.equal(parsePages('1G', 1000), 262144);
    assert.equal(parsePages('ram', 1000), 1000);
    assert.equal(parsePages('ram+5', 1000), 1005);
    assert.equal(parsePages('ram-1M', 1000), 744);
    assert.match(String(parsePages('6K', 1000)), /multiple of 4 KiB/);
    assert.match(String(parsePages('x', 1000)), /not a page count/);
  });

  it('uses the machine line for ram and defaults', () => {
    const p = parseScenario('machine memtotal=4G thp=always\nmmap a ram anon private rw noreserve\n');
    assert.equal(p.machine.memtotalKb, 4194304);
    assert.equal(p.machine.thp, 'always');
    assert.equal(p.ops[0]!.op === 'mmap' && p.ops[0]!.pages, 1048576);
  });

  it('reports bad lines with their number and what is wrong', () => {
    assert.equal(error('mmap a 4 anon private rw\n\n  frobnicate a\n'), "ERROR line 3: unknown operation 'frobnicate'");
    assert.match(error('mmap a 4 anon private\n'), /^ERROR line 1: mmap: expected 'mmap NAME PAGES/);
    assert.equal(error('mmap a 5K anon private rw\n'), "ERROR line 1: mmap: PAGES: '5K' is not a multiple of 4 KiB");
    assert.equal(error('touch b 0 1 read\n'), "ERROR line 1: touch: unknown mapping 'b' in process main");
    assert.equal(error('in nobody\n'), "ERROR line 1: in: no live process named 'nobody'");
    assert.equal(error('mmap a 1 anon private rwz\n'), "ERROR line 1: mmap: PROT must be none or a combination of r, w, x, got 'rwz'");
    assert.equal(error('mmap a 1 anon private rw\nmadvise a 0 1 sleepy\n'), "ERROR line 2: madvise: unknown advice 'sleepy'");
    assert.equal(error('echo hi\nmachine memtotal=1G\n'), 'ERROR line 2: machine must be the first line of the scenario, and only once');
    assert.equal(error('fork c\nin c\nexit c\n'), "ERROR line 3: exit: 'c' is not a child of c");
    assert.equal(error('mmap a 1 anon private rw\ntouch a 0 1 write value=300\n'), "ERROR line 2: touch: value must be a byte 0..255, got '300'");
  });

  it('keeps mapping names per process: a child sees those mapped before the fork only', () => {
    assert.equal(error('fork c\nmmap a 1 anon private rw\nin c\ntouch a 0 1 read\n'), "ERROR line 4: touch: unknown mapping 'a' in process c");
    assert.doesNotThrow(() => parseScenario('mmap a 1 anon private rw\nfork c\nin c\ntouch a 0 1 read\n'));
  });

  it('echoes each operation as written, without its comment', () => {
    const p = parseScenario('mmap   a  4 anon private rw   # four pages\n');
    assert.equal(p.ops[0]!.text, 'mmap   a  4 anon private rw');
  });
});
