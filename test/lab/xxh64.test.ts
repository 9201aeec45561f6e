import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Xxh64U64, xxh64 } from '../../src/lab/xxh64.js';

// Vectors made with the reference C library through python3-xxhash (see the file's "generator").
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/xxh64-vectors.json', import.meta.url), 'utf8')) as {
  vectors: { hex: string; seed: string; xxh64: string }[];
  ids: { id: number; a: number; b: number }[];
};

function le64(key: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(key), true);
  return b;
}

describe('lab/xxh64', () => {
  it('matches the reference library on every length class (stripes, 8/4/1-byte tails) and seed', () => {
    for (const v of fixture.vectors) {
      const got = xxh64(Uint8Array.from(Buffer.from(v.hex, 'hex')), BigInt(v.seed));
      assert.equal(got.toString(16).padStart(16, '0'), v.xxh64, `len ${v.hex.length / 2} seed ${v.seed}`);
    }
  });

  it('gives libCacheSim sketch hashes (low 32 bits, seeds 0x12345678 and 0x12344321) of 64-bit ids', () => {
    const a = new Xxh64U64(0x12345678n);
    const b = new Xxh64U64(0x12344321n);
    for (const v of fixture.ids) {
      assert.equal(a.low32(v.id), v.a, `id ${v.id}`);
      assert.equal(b.low32(v.id), v.b, `id ${v.id}`);
    }
  });

  it('fast 8-byte path equals the general BigInt form for any id below 2^53', () => {
    const fast = new Xxh64U64(0x12345678n);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (k) => {
        assert.equal(fast.low32(k), Number(xxh64(le64(k), 0x12345678n) & 0xffffffffn));
      }),
    );
  });
});
