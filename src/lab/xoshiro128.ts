// xoshiro128** (Blackman & Vigna, 2018), a small 32-bit PRNG, seeded from one
// integer through SplitMix32 so that nearby seeds give unrelated streams. The
// trace-lab policies that draw random numbers (LeCaR) take it by seed, so a
// run is reproducible: same seed, same misses.

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** A generator for `seed` (any integer; reduced mod 2^32). */
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      // SplitMix32 (Steele, Lea & Flood's finaliser on a Weyl sequence).
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next uint32. */
  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
