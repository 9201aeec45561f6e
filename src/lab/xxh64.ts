// XXH64 (xxHash, 64-bit), written from the xxHash specification
// (doc/xxhash_spec.md: stripes of 32 bytes, four accumulators, the tail in
// 8/4/1-byte steps, the final avalanche). W-TinyLFU's frequency sketch hashes
// each 8-byte little-endian object id with it, as libCacheSim does.
// Two forms: `xxh64` for any bytes, on BigInt (cold: tests, set-up), and
// `Xxh64U64`, specialised to one 8-byte key on 32-bit halves with no allocation.

const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & M64;
}

function round(acc: bigint, lane: bigint): bigint {
  acc = (acc + lane * P2) & M64;
  return (rotl(acc, 31n) * P1) & M64;
}

function mergeRound(acc: bigint, val: bigint): bigint {
  acc ^= round(0n, val);
  return (acc * P1 + P4) & M64;
}

function readU64(b: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]);
  return v;
}

function readU32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0);
}

/** XXH64 of `input` with `seed` (0 ≤ seed < 2^64), as an unsigned 64-bit BigInt. */
export function xxh64(input: Uint8Array, seed: bigint = 0n): bigint {
  const len = input.length;
  let i = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (seed + P1 + P2) & M64;
    let v2 = (seed + P2) & M64;
    let v3 = seed & M64;
    let v4 = (seed - P1) & M64;
    while (i + 32 <= len) {
      v1 = round(v1, readU64(input, i));
      v2 = round(v2, readU64(input, i + 8));
      v3 = round(v3, readU64(input, i + 16));
      v4 = round(v4, readU64(input, i + 24));
      i += 32;
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = (seed + P5) & M64;
  }
  h = (h + BigInt(len)) & M64;
  while (i + 8 <= len) {
    h ^= round(0n, readU64(input, i));
    h = (rotl(h, 27n) * P1 + P4) & M64;
    i += 8;
  }
  if (i + 4 <= len) {
    h ^= (readU32(input, i) * P1) & M64;
    h = (rotl(h, 23n) * P2 + P3) & M64;
    i += 4;
  }
  while (i < len) {
    h ^= (BigInt(input[i]) * P5) & M64;
    h = (rotl(h, 11n) * P1) & M64;
    i++;
  }
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

// ---- 8-byte fast path on (hi, lo) uint32 halves -------------------------

// The primes as 32-bit halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;

// The high word of the last mul64() result (a module slot, so no object is returned).
let mulHi = 0;

/**
 * Low 64 bits of (ah:al) × (bh:bl), by 16-bit limbs so every partial sum stays
 * below 2^32 (the Long.js scheme). Returns the low word; the high word is in `mulHi`.
 */
function mul64(ah: number, al: number, bh: number, bl: number): number {
  const a48 = ah >>> 16, a32 = ah & 0xffff, a16 = al >>> 16, a00 = al & 0xffff;
  const b48 = bh >>> 16, b32 = bh & 0xffff, b16 = bl >>> 16, b00 = bl & 0xffff;
  // Every true partial sum is below 2^32, so int32 wrap-around (| 0) loses
  // nothing that `>>> 16` and `& 0xffff` read back.
  const c00 = Math.imul(a00, b00);
  let c16 = ((c00 >>> 16) + Math.imul(a16, b00)) | 0;
  let c32 = c16 >>> 16;
  c16 = ((c16 & 0xffff) + Math.imul(a00, b16)) | 0;
  c32 = (c32 + (c16 >>> 16)) | 0;
  c32 = (c32 + Math.imul(a32, b00)) | 0;
  let c48 = c32 >>> 16;
  c32 = ((c32 & 0xffff) + Math.imul(a16, b16)) | 0;
  c48 = (c48 + (c32 >>> 16)) | 0;
  c32 = ((c32 & 0xffff) + Math.imul(a00, b32)) | 0;
  c48 = (c48 + (c32 >>> 16)) | 0;
  c48 = (c48 + Math.imul(a48, b00) + Math.imul(a32, b16) + Math.imul(a16, b32) + Math.imul(a00, b48)) & 0xffff;
  mulHi = ((c48 << 16) | (c32 & 0xffff)) >>> 0;
  return ((c16 << 16) | (c00 & 0xffff)) >>> 0;
}

/**
 * XXH64 of one unsigned 64-bit value stored as 8 little-endian bytes (an
 * obj_id_t in libCacheSim), for a fixed seed. Keys are doubles below 2^53.
 * The seed is folded in at construction; `low32` returns only the low 32 bits
 * of the hash, which is what the sketch uses (`unsigned int a = XXH64(...)`).
 */
export class Xxh64U64 {
  private readonly initHi: number;
  private readonly initLo: number;
  constructor(seed: bigint) {
    const init = (seed + P5 + 8n) & M64;
    this.initHi = Number(init >> 32n);
    this.initLo = Number(init & 0xffffffffn);
  }

  /** Low 32 bits of XXH64(le64(key), seed). `key` is an integer in [0, 2^53). */
  low32(key: number): number {
    // k1 = round(0, key) = rotl(key * P2, 31) * P1
    let l = mul64((key / 4294967296) >>> 0, key >>> 0, P2H, P2L);
    let h = mulHi;
    // rotl 31
    let t = ((h << 31) | (l >>> 1)) >>> 0;
    l = ((l << 31) | (h >>> 1)) >>> 0;
    h = t;
    l = mul64(h, l, P1H, P1L);
    h = mulHi;
    // h64 = (seed + P5 + 8) ^ k1; h64 = rotl(h64, 27) * P1 + P4
    h = (this.initHi ^ h) >>> 0;
    l = (this.initLo ^ l) >>> 0;
    t = ((h << 27) | (l >>> 5)) >>> 0;
    l = ((l << 27) | (h >>> 5)) >>> 0;
    h = t;
    l = mul64(h, l, P1H, P1L);
    h = mulHi;
    const sum = l + P4L;
    l = sum >>> 0;
    h = (h + P4H + (sum > 0xffffffff ? 1 : 0)) >>> 0;
    // avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
    l = (l ^ (h >>> 1)) >>> 0;
    l = mul64(h, l, P2H, P2L);
    h = mulHi;
    l = (l ^ ((l >>> 29) | (h << 3))) >>> 0;
    h = (h ^ (h >>> 29)) >>> 0;
    l = mul64(h, l, P3H, P3L);
    h = mulHi;
    return (l ^ h) >>> 0;
  }
}
