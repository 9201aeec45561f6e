import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CACHEGRIND_DEFAULTS,
  CG_EVENTS,
  CachegrindSim,
  checkCgCache,
  checkCgConfig,
  describeCgCache,
  parseCgCache,
  type CachegrindConfig,
  type CachegrindCounts,
} from '../../src/hw/cachegrind.js';
import { openLackey } from '../../src/workload/trace/lackey.js';
import { feedCachegrind } from '../../src/cli/commands/trace_replay.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/cachegrind');

interface Run {
  config: string;
  options: string;
  I1: string;
  D1: string;
  LL: string;
  counts: CachegrindCounts;
}
interface Fixture {
  program: string;
  runs: Run[];
}

function configOf(options: string): CachegrindConfig {
  const cfg: CachegrindConfig = { ...CACHEGRIND_DEFAULTS };
  for (const opt of options.split(' ').filter(Boolean)) {
    const m = /^--(I1|D1|LL)=(.*)$/.exec(opt);
    assert.ok(m, `unexpected option ${opt}`);
    const spec = parseCgCache(m[2]);
    assert.ok(typeof spec !== 'string', String(spec));
    cfg[m[1] as 'I1' | 'D1' | 'LL'] = spec;
  }
  return cfg;
}

const small = { sizeBytes: 256, assoc: 2, lineBytes: 64 }; // 2 sets of 2 ways
const tiny: CachegrindConfig = { I1: small, D1: small, LL: { sizeBytes: 1024, assoc: 2, lineBytes: 64 } };

describe('hw/cachegrind', () => {
  describe('against valgrind 3.19 cachegrind on real programs (fixtures/cachegrind, scripts/capture-cachegrind.sh)', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    it('has at least three programs', () => assert.ok(files.length >= 3));
    for (const f of files) {
      const fx = JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Fixture;
      it(`${fx.program}: all nine counts equal cachegrind's under ${fx.runs.length} cache configurations`, async () => {
        const sims = fx.runs.map((r) => new CachegrindSim(configOf(r.options)));
        for await (const b of openLackey(join(FIXTURES, `${fx.program}.lackey.gz`)).batches()) for (const s of sims) feedCachegrind(s, b);
        fx.runs.forEach((r, i) => {
          const got = sims[i].result();
          assert.equal(describeCgCache(sims[i].config.I1), r.I1);
          assert.equal(describeCgCache(sims[i].config.D1), r.D1);
          assert.equal(describeCgCache(sims[i].config.LL), r.LL);
          for (const e of CG_EVENTS) {
            // The acceptance bar is 0.1%; these fixtures are deterministic, so they must be exact.
            assert.equal(got[e], r.counts[e], `${fx.program} ${r.config} ${e}: got ${got[e]}, cachegrind ${r.counts[e]}`);
          }
        });
      });
    }
  });

  it('defaults to what cachegrind auto-detects on this machine (recorded by the default runs)', () => {
    const fx = JSON.parse(readFileSync(join(FIXTURES, 'matmul.json'), 'utf8')) as Fixture;
    const def = fx.runs.find((r) => r.config === 'default')!;
    assert.equal(describeCgCache(CACHEGRIND_DEFAULTS.I1), def.I1);
    assert.equal(describeCgCache(CACHEGRIND_DEFAULTS.D1), def.D1);
    assert.equal(describeCgCache(CACHEGRIND_DEFAULTS.LL), def.LL);
  });

  it('counts an access straddling two lines once, missing if either line misses', () => {
    const s = new CachegrindSim(tiny);
    s.read(60, 8); // lines 0 and 1: line 0 hits (tags start at 0), line 1 misses -> one miss
    assert.deepEqual([s.counts[3], s.counts[4]], [1, 1]);
    s.read(60, 8); // both present now -> hit
    assert.deepEqual([s.counts[3], s.counts[4]], [2, 1]);
    s.read(120, 16); // lines 1 and 2: 2 misses, 1 hits -> one miss
    assert.deepEqual([s.counts[3], s.counts[4]], [3, 2]);
  });

  it('looks both lines of a straddling D1 miss up in the LL', () => {
    const s = new CachegrindSim(tiny);
    s.read(64 * 5 - 4, 8); // lines 4 and 5: both miss D1 and LL -> 1 D1 miss, 1 LL miss
    assert.equal(s.result().DLmr, 1);
    // Evict lines 4 and 5 from D1 (sets 0 and 1, 2 ways each) but not from the 8-set LL.
    for (const line of [6, 8, 7, 9]) s.read(line * 64, 1);
    s.read(64 * 5 - 4, 8); // D1 miss, both lines still in the LL -> no LL miss
    assert.equal(s.result().D1mr, 6); // 1 + 4 + 1
    assert.equal(s.result().DLmr, 5);
  });

  it('keeps the LL non-inclusive: an LL eviction leaves the line in L1', () => {
    const cfg: CachegrindConfig = { I1: small, D1: { sizeBytes: 512, assoc: 8, lineBytes: 64 }, LL: { sizeBytes: 128, assoc: 2, lineBytes: 64 } };
    const s = new CachegrindSim(cfg);
    for (const line of [1, 2, 3]) s.write(line * 64, 4); // LL (1 set of 2) now holds 3, 2; line 1 evicted from LL
    s.write(64, 4); // still in the 8-way D1: hit, no LL access
    assert.deepEqual([s.result().Dw, s.result().D1mw, s.result().DLmw], [4, 3, 3]);
  });

  it('evicts the least recently used line of a set', () => {
    const s = new CachegrindSim(tiny);
    // Set 1 of D1 holds lines 1, 3, 5... (2 ways). 1, 3, 1, 5 -> 5 evicts 3, so 3 misses and 1 hits.
    for (const line of [1, 3, 1, 5, 1, 3]) s.read(line * 64, 4);
    assert.equal(s.result().D1mr, 4); // 1, 3, 5, 3
  });

  it('clips data sizes to the smallest line size, as cachegrind does for large dirty-helper accesses', () => {
    const cfg: CachegrindConfig = { I1: { sizeBytes: 1024, assoc: 2, lineBytes: 32 }, D1: { sizeBytes: 1024, assoc: 2, lineBytes: 64 }, LL: { sizeBytes: 4096, assoc: 4, lineBytes: 64 } };
    const s = new CachegrindSim(cfg);
    s.read(64, 200); // clipped to 32 bytes: line 1 only
    s.read(128, 4); // line 2 was not touched: a miss
    assert.equal(s.result().D1mr, 2);
  });

  it('counts instruction fetches in Ir and I1/LL misses only', () => {
    const s = new CachegrindSim(tiny);
    s.instr(0x400000, 5);
    s.instr(0x400005, 3);
    s.instr(0x40003e, 4); // straddles into the next line: one access, one miss
    assert.deepEqual(s.result(), { Ir: 3, I1mr: 2, ILmr: 2, Dr: 0, D1mr: 0, DLmr: 0, Dw: 0, D1mw: 0, DLmw: 0 });
  });

  it('parses size,assoc,line and rejects what cachegrind rejects', () => {
    assert.deepEqual(parseCgCache('32768,8,64'), { sizeBytes: 32768, assoc: 8, lineBytes: 64 });
    assert.match(String(parseCgCache('32768,8')), /expected size,assoc,line_size/);
    assert.match(String(parseCgCache('12288,8,64')), /power of two/); // 24 sets
    assert.match(String(parseCgCache('4096,2,8')), /too small/);
    assert.match(String(parseCgCache('4096,2,48')), /set count|line size/);
    assert.match(String(parseCgCache('64,1,64')), /size <= line size/);
    assert.match(String(parseCgCache('4096,0,64')), /at least 1/);
    assert.equal(checkCgCache({ sizeBytes: 12582912, assoc: 24, lineBytes: 64 }), null); // 12 MiB 24-way: 8192 sets
  });

  it('refuses, as cachegrind does on amd64 with AVX, a smallest line below the 32-byte YMM register', () => {
    // valgrind 3.19, --I1=4096,2,16 --D1=4096,2,16 --LL=65536,4,16: "Cachegrind: cannot continue: the minimum
    // line size (16) must be equal to or larger than the maximum register size (32) but it is not.  Exiting now."
    const line16 = { sizeBytes: 4096, assoc: 2, lineBytes: 16 };
    const cfg: CachegrindConfig = { I1: line16, D1: line16, LL: { sizeBytes: 65536, assoc: 4, lineBytes: 16 } };
    assert.equal(checkCgConfig(cfg), 'the minimum line size (16) must be equal to or larger than the maximum register size (32)');
    assert.throws(() => new CachegrindSim(cfg), /minimum line size \(16\)/);
    // One cache with 16-byte lines is enough; 32 is accepted.
    assert.match(String(checkCgConfig({ ...CACHEGRIND_DEFAULTS, D1: line16 })), /minimum line size \(16\)/);
    assert.equal(checkCgConfig({ ...CACHEGRIND_DEFAULTS, D1: { sizeBytes: 4096, assoc: 2, lineBytes: 32 } }), null);
    assert.equal(checkCgConfig(CACHEGRIND_DEFAULTS), null);
  });
});
