// The 32-bit Mersenne Twister (MT19937) of Matsumoto and Nishimura, as CPython's
// Modules/_randommodule.c carries it: init_genrand(), init_by_array() and
// genrand_uint32(). Bit-exact with CPython; no other generator is modelled.
// All arithmetic is on uint32 values kept in a Uint32Array; Math.imul gives the
// low 32 bits of the 32x32 products the C code relies on.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class MT19937 {
  /** The 624-word state vector. */
  readonly state = new Uint32Array(N);
  /** Next word of `state` to temper; N means "regenerate first". */
  index = N + 1;

  /** Seeds from one 32-bit word (the reference `init_genrand`). */
  initGenrand(s: number): void {
    const mt = this.state;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      // 1812433253 * (prev ^ (prev >>> 30)) + i, modulo 2^32.
      mt[i] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i) >>> 0;
    }
    this.index = N;
  }

  /**
   * Seeds from an array of 32-bit words (the reference `init_by_array`), which is
   * what CPython's random.seed(int) calls with the integer's little-endian words.
   * Precondition: key.length >= 1.
   */
  initByArray(key: ArrayLike<number>): void {
    const mt = this.state;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1];
      const mixed = (mt[i] ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1664525)) >>> 0;
      mt[i] = (mixed + (key[j] >>> 0) + j) >>> 0; // non-linear
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1];
      const mixed = (mt[i] ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1566083941)) >>> 0;
      mt[i] = (mixed - i) >>> 0; // non-linear
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000; // MSB is 1, so the state is never all zero
    this.index = N;
  }

  /** Returns the next tempered 32-bit output in [0, 2^32). Advances the state. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  // Regenerates all N words at once. If the generator was never seeded, the
  // reference seeds it with 5489 first.
  private twist(): void {
    const mt = this.state;
    if (this.index === N + 1) this.initGenrand(5489);
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }
}
