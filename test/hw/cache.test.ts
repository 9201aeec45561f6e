import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CacheLevel, C_READ_MISSES, C_WRITEBACKS, checkGeometry } from '../../src/hw/cache.js';
import { CachegrindSim } from '../../src/hw/cachegrind.js';
import { ReferenceCache } from './cache_reference.js';

const LINES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 32, 33, 2 ** 40 + 1, 2 ** 46 - 1];

describe('hw/cache', () => {
  it('computes the set from the low bits of line numbers above 2^32', () => {
    const c = new CacheLevel({ name: 'L1d', sizeBytes: 32768, ways: 8, lineBytes: 64 });
    assert.equal(c.sets, 64);
    const line = Math.floor(0x1fff000688 / 64); // 0x7fffc01a
    c.access(line, false);
    assert.ok(c.contains(line));
    c.checkInvariants(); // line sits in set 0x1a
  });

  it('writes back a dirty victim and not a clean one (1 set x 2 ways, hand example)', () => {
    const c = new CacheLevel({ name: 'c', sizeBytes: 128, ways: 2, lineBytes: 64 });
    c.access(1, true); // miss, dirty
    c.access(2, false); // miss, clean
    c.access(3, false); // evicts 1 (LRU), dirty
    assert.deepEqual([c.evictedLine, c.evictedDirty], [1, 1]);
    c.access(4, false); // evicts 2, clean
    assert.deepEqual([c.evictedLine, c.evictedDirty], [2, 0]);
    assert.equal(c.counts[C_WRITEBACKS], 1);
    assert.equal(c.counts[C_READ_MISSES], 3);
  });

  for (const policy of ['lru', 'plru', 'random'] as const) {
    it(`matches a naive reference model (${policy}) under random reads, writes and invalidations`, () => {
      fc.assert(
        fc.property(
          fc.record({ sets: fc.constantFrom(1, 2, 4), ways: fc.constantFrom(1, 2, 3, 4, 6, 8), seed: fc.integer() }),
          fc.array(fc.record({ line: fc.constantFrom(...LINES), write: fc.boolean(), inval: fc.boolean() }), { maxLength: 300 }),
          (g, ops) => {
            const c = new CacheLevel({ name: 'c', sizeBytes: g.sets * g.ways * 64, ways: g.ways, lineBytes: 64, policy, seed: g.seed });
            const ref = new ReferenceCache(g.sets, g.ways, policy, g.seed);
            for (const o of ops) {
              if (o.inval && o.write) {
                assert.equal(c.invalidate(o.line), ref.invalidate(o.line));
                continue;
              }
              const hit = c.access(o.line, o.write);
              assert.equal(hit, ref.access(o.line, o.write));
              if (!hit) {
                assert.equal(c.evictedLine, ref.evicted ? ref.evicted.line : -1);
                assert.equal(c.evictedDirty, ref.evicted?.dirty ? 1 : 0);
              }
            }
            c.checkInvariants();
            assert.deepEqual(c.lines().sort((a, b) => a - b), ref.lines());
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('misses exactly where cachegrind\'s move-to-front LRU misses, for accesses within one line', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 64, max: 64 * 200 }), { maxLength: 500 }), (addrs) => {
        const c = new CacheLevel({ name: 'c', sizeBytes: 1024, ways: 4, lineBytes: 64 });
        const cfg = { sizeBytes: 1024, assoc: 4, lineBytes: 64 };
        const cg = new CachegrindSim({ I1: cfg, D1: cfg, LL: { sizeBytes: 65536, assoc: 4, lineBytes: 64 } });
        let misses = 0;
        for (const a of addrs) {
          if (!c.access(Math.floor(a / 64), false)) misses++;
          cg.read(a, 1);
        }
        assert.equal(misses, cg.result().D1mr);
      }),
    );
  });

  it('rejects impossible geometries', () => {
    assert.match(String(checkGeometry({ sizeBytes: 12288, ways: 8, lineBytes: 64 })), /power-of-two number of sets/);
    assert.match(String(checkGeometry({ sizeBytes: 4096, ways: 4, lineBytes: 48 })), /line size/);
    assert.throws(() => new CacheLevel({ name: 'L9', sizeBytes: 32, ways: 1, lineBytes: 64 }), /L9: size 32/);
  });
});
