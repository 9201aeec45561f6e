// Tests of the field-by-field comparison of scenario outputs, against
// hand-made outputs: tolerated fields within their percentage, every other
// word exact, line and word counts equal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareOutputs, parseTolerances, withinTolerance } from '../../../src/workload/scenario/tolerance.js';

describe('workload/scenario/tolerance', () => {
  it('reads # tolerance lines, several fields per line', () => {
    const t = parseTolerances('machine memtotal=64M\n# tolerance rss_kb=10% swap_kb=12.5%\n#tolerance majflt=50%\necho x');
    assert.deepEqual([...t], [
      ['rss_kb', 0.1],
      ['swap_kb', 0.125],
      ['majflt', 0.5],
    ]);
  });

  it('refuses a malformed tolerance instead of making the field exact', () => {
    assert.throws(() => parseTolerances('# tolerance rss_kb=10'), /line 1: expected FIELD=N%/);
    assert.throws(() => parseTolerances('echo\n# tolerance'), /line 2: '# tolerance' without FIELD=N%/);
  });

  it('measures the difference against the larger of the two values', () => {
    // |33376 - 36144| = 2768 <= 10% of 36144 = 3614.4
    assert.equal(withinTolerance(36144, 33376, 0.1), true);
    // |100 - 89| = 11 > 10% of 100
    assert.equal(withinTolerance(89, 100, 0.1), false);
    assert.equal(withinTolerance(0, 0, 0), true);
    assert.equal(withinTolerance(0, 4, 0.5), false);
  });

  it('lets tolerated fields move and holds everything else exact', () => {
    const tol = parseTolerances('# tolerance rss_kb=10% swap_kb=20%');
    const golden = 'mmap a 80M anon private rw -> ok\nr proc=main rss_kb=1000 swap_kb=500 majflt=3\nkills oom_kill proc=c\n';
    assert.deepEqual(compareOutputs(golden, golden.replace('rss_kb=1000', 'rss_kb=950').replace('swap_kb=500', 'swap_kb=590'), tol), []);
    assert.deepEqual(compareOutputs(golden, golden.replace('rss_kb=1000', 'rss_kb=880'), tol), [
      'line 2: rss_kb=880 differs from rss_kb=1000 by more than 10%',
    ]);
    assert.deepEqual(compareOutputs(golden, golden.replace('majflt=3', 'majflt=4'), tol), ["line 2: 'majflt=4' differs from 'majflt=3' (exact)"]);
    assert.deepEqual(compareOutputs(golden, golden.replace('-> ok', '-> ENOMEM'), tol), ["line 1: 'ENOMEM' differs from 'ok' (exact)"]);
    assert.deepEqual(compareOutputs(golden, golden.replace('proc=c', 'proc=d'), tol), ["line 3: 'proc=d' differs from 'proc=c' (exact)"]);
    assert.deepEqual(compareOutputs(golden, golden.replace('kills oom_kill proc=c\n', ''), tol), ['expected 4 lines, got 3', "line 3: '' differs from 'kills oom_kill proc=c'"]);
  });
});
