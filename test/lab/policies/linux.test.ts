import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinuxLru, inactiveIsLow, isqrt } from '../../../src/lab/policies/linux.js';
import { NaiveLinux } from './naive_models.js';
import { checkAgainstModel, hitPattern } from './model_check.js';

describe('lab/policies/linux', () => {
  it('inactive_is_low uses ratio isqrt(10·GiB): 1:1 below 1 GiB, 1:3, 1:10, 1:31, 1:101', () => {
    assert.deepEqual([isqrt(10), isqrt(100), isqrt(1000), isqrt(10240), isqrt(99), isqrt(0)], [3, 10, 31, 101, 9, 0]);
    // 1 GiB of 4 KiB pages = 262144 pages.
    assert.equal(inactiveIsLow(65536, 196609, { pageSizeBytes: 4096 }), true); // 65536·3 < 196609
    assert.equal(inactiveIsLow(65536, 196608, { pageSizeBytes: 4096 }), false);
    assert.equal(inactiveIsLow(100, 101, { pageSizeBytes: 4096 }), true); // < 1 GiB: 1:1
    assert.equal(inactiveIsLow(100, 100, { pageSizeBytes: 4096 }), false);
    const tenGiB = 10 * 262144;
    assert.equal(inactiveIsLow(tenGiB / 11 - 1, tenGiB - tenGiB / 11 + 1, { pageSizeBytes: 4096 }), true); // 1:10
  });

  it('hand-worked C=3: second chance for once-referenced pages, activation on a second reference', () => {
    // 1 2 3 fault (young). 4: 1, 2, 3 are young and unreferenced -> rotated
    // with PG_referenced; 1 comes round again, old -> reclaimed.
    // 2 hit (young). 5: 2 young + referenced -> activated; 3 old -> reclaimed.
    // 6: 4, 5 young -> rotated; 4 old -> reclaimed. 2 hit. 7: 5 old -> reclaimed.
    const p = new LinuxLru(3);
    assert.equal(hitPattern(p, [1, 2, 3, 4, 2, 5, 6, 2, 7]), 'mmmmHmmHm');
    assert.deepEqual(p.stats(), { pgscan: 10, pgsteal: 4, pgactivate: 1, pgdeactivate: 0, rotated: 5, nrActive: 1, nrInactive: 2 });
  });

  it('hand-worked C=3: activations make the inactive list low and deactivate the active tail', () => {
    // 4 reclaims 1 after rotating 1 2 3; 2 3 hit; 5: 2 and 3 are activated,
    // inactive [4] < active [3 2] -> 2 deactivated (keeps PG_referenced);
    // 4 rotated; 2 (old) reclaimed.
    const p = new LinuxLru(3);
    assert.equal(hitPattern(p, [1, 2, 3, 1, 2, 3, 4, 2, 3, 5]), 'mmmHHHmHHm');
    assert.deepEqual(p.stats(), { pgscan: 8, pgsteal: 2, pgactivate: 2, pgdeactivate: 1, rotated: 4, nrActive: 1, nrInactive: 2 });
    assert.equal(hitPattern(p, [3, 4, 5, 2]), 'HHHm');
  });

  it('matches the naive model on random traces (and with tiny pages no list is ever "large")', () => {
    checkAgainstModel((c) => new LinuxLru(c), (c) => new NaiveLinux(c), { minCapacity: 1, maxCapacity: 12, nrKeys: 24 });
    // 256 MiB pages: 4 pages make 1 GiB, so the 1:3 ratio applies from C = 4.
    const params = { 'page-size': String(2 ** 28) };
    checkAgainstModel((c) => new LinuxLru(c, { params }), (c) => new NaiveLinux(c, 2 ** 28), {
      minCapacity: 4,
      maxCapacity: 16,
      nrKeys: 30,
      numRuns: 80,
    });
  });
});
