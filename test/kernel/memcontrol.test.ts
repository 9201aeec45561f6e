// Tests of the memory cgroup charge path against hand-computed counts:
// try_charge_memcg() charges MEMCG_CHARGE_BATCH (64) pages at a time and
// keeps the surplus in the per-CPU stock, a refused counter counts in its own
// failcnt, and a freed page table goes back to the stock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel } from '../../src/kernel/kernel.js';
import { DEFAULT_MACHINE } from '../../src/kernel/machine.js';
import { MEMCG_CHARGE_BATCH, drainAllStock, memcgCreate, tryCharge, uncharge, unchargeKmem } from '../../src/kernel/memcontrol.js';

function cgroup(limit: number, memswLimit = Infinity) {
  const k = new Kernel({ ...DEFAULT_MACHINE, memtotalKb: 64 * 1024, minFreeKbytes: 1024 });
  const m = memcgCreate(k, 'g');
  m.limit = limit;
  m.memswLimit = memswLimit;
  return { k, m };
}

describe('kernel/memcontrol', () => {
  it('charges 64 pages on the first fault and takes the next 63 from the stock', () => {
    const { k, m } = cgroup(1000);
    assert.equal(tryCharge(k, m, 1), true);
    assert.equal(MEMCG_CHARGE_BATCH, 64);
    assert.equal(m.usage, 64);
    for (let i = 0; i < 63; i++) assert.equal(tryCharge(k, m, 1), true);
    assert.equal(m.usage, 64);
    // The 65th page charges a new batch.
    tryCharge(k, m, 1);
    assert.equal(m.usage, 128);
    assert.equal(m.failcnt, 0);
    // Draining the stock gives back the 63 pages charged ahead.
    drainAllStock(k, m);
    assert.equal(m.usage, 65);
    assert.equal(m.maxUsage, 128);
  });

  it('counts a failure for each refused batch near the limit, and charges the single page', () => {
    // Limit 100: pages 1-64 come from the first batch; from page 65 on a
    // batch of 64 no longer fits (failcnt + 1), the single page does.
    const { k, m } = cgroup(100);
    for (let i = 0; i < 80; i++) assert.equal(tryCharge(k, m, 1), true);
    assert.equal(m.usage, 80);
    assert.equal(m.failcnt, 16);
    assert.equal(m.memswFailcnt, 0);
  });

  it('counts a refusal of the memory+swap limit in memsw failcnt only', () => {
    const { k, m } = cgroup(100, 50);
    assert.equal(tryCharge(k, m, 1), true);
    assert.equal(m.memswFailcnt, 1);
    assert.equal(m.failcnt, 0);
    assert.equal(m.usage, 1);
    assert.equal(m.memswUsage, 1);
  });

  it('returns a freed folio to the counters and a freed page table to the stock', () => {
    const { k, m } = cgroup(1000);
    tryCharge(k, m, 1); // 64 charged, 63 stocked
    uncharge(k, m.id, 1);
    assert.equal(m.usage, 63);
    tryCharge(k, m, 1); // from the stock
    unchargeKmem(k, m.id, 1); // back to the stock: usage unchanged
    assert.equal(m.usage, 63);
    drainAllStock(k, m);
    assert.equal(m.usage, 0);
  });
});
