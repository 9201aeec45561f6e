// W-TinyLFU's frequency sketch as libCacheSim builds it
// (dataStructure/minimalIncrementCBF.c): a counting Bloom filter of k counters
// per key, positions from two XXH64 hashes of the key's 8 little-endian bytes.
// Despite libCacheSim's name ("minimal increment"), `add` increments all k
// counters; the estimate is their minimum; `halve` ages them all.

import { Xxh64U64 } from './xxh64.js';

const LN2_SQUARED = 0.480453013918201; // the literal libCacheSim uses
const LN2 = 0.693147180559945;

// The frequency sketch of W-TinyLFU as libCacheSim builds it
// (dataStructure/minimalIncrementCBF.c): a counting Bloom filter of k counters
// per key, sized for `entries` keys at a false-positive rate `error`.
//   bits per entry  bpe = −ln(error) / ln(2)²      (error 0.001: ≈ 14.3776)
//   hash functions  k   = ⌈ln 2 · bpe⌉            (10)
//   counters        n   = ⌈bpe · entries⌉          (C − W = 99: 1424)
// Position i of a key is (a + i·b) mod n in uint32 arithmetic, with a and b
// the low 32 bits of XXH64 of the key's 8 little-endian bytes under seeds
// 0x12345678 and 0x12344321. Despite its name, `add` increments all k
// counters (not only the minimal ones); the estimate is their minimum;
// `halve` is the periodic aging (every counter >> 1).
// x mod n is computed as x − ⌊x/n⌋·n in doubles (faster than `%` on values
// above 2^31): x < 2^32, so the quotient's rounding error is below 2^-21/n
// and never crosses an integer.
export class FrequencySketch {
  readonly counters: Uint32Array;
  readonly nrCounters: number;
  readonly nrHashes: number;
  private readonly h0 = new Xxh64U64(0x12345678n);
  private readonly h1 = new Xxh64U64(0x12344321n);

  /** A sketch for `entries` ≥ 1 keys at false-positive rate `error` in (0, 1). */
  constructor(entries: number, error = 0.001) {
    const bpe = -Math.log(error) / LN2_SQUARED;
    this.nrHashes = Math.ceil(LN2 * bpe);
    let n = Math.min(Math.ceil(bpe * entries), 0x7fffffff);
    if (n < this.nrHashes) n = this.nrHashes * 2;
    this.nrCounters = n;
    this.counters = new Uint32Array(n);
  }

  /** The first hash of `key` (seed 0x12345678); with hashB it fixes the key's counters. */
  hashA(key: number): number {
    return this.h0.low32(key);
  }

  /** The second hash of `key` (seed 0x12344321). */
  hashB(key: number): number {
    return this.h1.low32(key);
  }

  /** Increments the k counters of `key`. */
  add(key: number): void {
    this.addHashed(this.h0.low32(key), this.h1.low32(key));
  }

  /** The key's estimated count: the minimum of its k counters. */
  estimate(key: number): number {
    return this.estimateHashed(this.h0.low32(key), this.h1.low32(key));
  }

  /** add() for a key whose hashes (hashA, hashB) the caller kept. */
  addHashed(a: number, b: number): void {
    const c = this.counters;
    const n = this.nrCounters;
    for (let i = 0; i < this.nrHashes; i++) {
      const x = (a + Math.imul(i, b)) >>> 0;
      c[x - Math.floor(x / n) * n]++;
    }
  }

  /** estimate() for a key whose hashes the caller kept. */
  estimateHashed(a: number, b: number): number {
    const c = this.counters;
    const n = this.nrCounters;
    let min = 0xffffffff;
    for (let i = 0; i < this.nrHashes; i++) {
      const x = (a + Math.imul(i, b)) >>> 0;
      const v = c[x - Math.floor(x / n) * n];
      if (v < min) min = v;
    }
    return min;
  }

  /** Halves every counter (aging). */
  halve(): void {
    const c = this.counters;
    for (let i = 0; i < c.length; i++) c[i] >>>= 1;
  }
}
