// A small seeded pseudo-random generator for the hardware models (random
// replacement) and synthetic streams. xorshift32 with a splitmix-style seed
// scramble: fast, allocation-free, and identical on every platform, so runs
// with the same seed are reproducible. Not for anything cryptographic.

export class Prng {
  private state: number;

  /** Any integer seed; 0 is allowed (it is scrambled to a non-zero state). */
  constructor(seed: number) {
    let s = (seed | 0) ^ 0x9e3779b9;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35);
    s ^= s >>> 16;
    this.state = s === 0 ? 0x6d2b79f5 : s;
  }

  /** Next value, uniform in [0, 2^32). */
  nextU32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return x >>> 0;
  }

  /** Uniform integer in [0, n) for 1 <= n <= 2^32 (modulo bias below 2^-20 for the n used here). */
  below(n: number): number {
    return this.nextU32() % n;
  }

  /** Uniform double in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }
}
