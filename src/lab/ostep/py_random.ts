// CPython's `random` module (3.11) on top of MT19937, bit-exact for integer
// seeds: seed(), random(), getrandbits(), and the integer helpers built on
// _randbelow_with_getrandbits (randrange, randint, choice, shuffle) plus
// uniform(). Simplification: seeds must be integers (CPython also hashes
// str/bytes/float seeds); ranges are limited to widths of at most 2^53.
import { MT19937 } from './mt19937.js';

const TWO_POW_26 = 67108864;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** A Python `random.Random` instance. */
export class PyRandom {
  private readonly mt = new MT19937();

  constructor(seed: number | bigint = 0) {
    this.seed(seed);
  }

  /**
   * random.seed(a) for an integer a: the absolute value is cut into 32-bit words,
   * least significant first (one zero word for 0), and fed to init_by_array.
   * So seed(-5) equals seed(5), and seed(2**32) uses the key [0, 1].
   */
  seed(a: number | bigint): void {
    if (typeof a === 'number' && !Number.isInteger(a)) {
      throw new RangeError(`PyRandom.seed: integer seed expected, got ${a}`);
    }
    let n = BigInt(a);
    if (n < 0n) n = -n;
    const key: number[] = [];
    do {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    } while (n > 0n);
    this.mt.initByArray(key);
  }

  /**
   * random.random(): a double in [0, 1) with 53 random bits, built as
   * (a * 2^26 + b) / 2^53 from a = next >>> 5 (27 bits) and b = next >>> 6 (26 bits).
   * Consumes two 32-bit outputs.
   */
  random(): number {
    const a = this.mt.nextUint32() >>> 5;
    const b = this.mt.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /**
   * random.getrandbits(k) for k >= 0: k random bits. Words are drawn least
   * significant first; the last (most significant) word keeps its top bits.
   * Consumes ceil(k / 32) outputs (none for k = 0).
   */
  getrandbits(k: number): bigint {
    if (!Number.isInteger(k) || k < 0) throw new RangeError('number of bits must be non-negative');
    let result = 0n;
    let shift = 0n;
    for (let left = k; left > 0; left -= 32) {
      let r = this.mt.nextUint32();
      if (left < 32) r >>>= 32 - left;
      result |= BigInt(r) << shift;
      shift += 32n;
    }
    return result;
  }

  /**
   * Random._randbelow_with_getrandbits(n): an integer in [0, n) for an integer
   * 1 <= n <= 2^53, by rejection sampling on getrandbits(n.bit_length()). With k bits the
   * draw is below n with probability > 1/2, so the loop is short.
   */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_53) throw new RangeError(`randbelow: n must be an integer in [1, 2^53], got ${n}`);
    const k = bitLength(n);
    let r = this.bitsAsNumber(k);
    while (r >= n) r = this.bitsAsNumber(k);
    return r;
  }

  /**
   * random.randrange(stop) or randrange(start, stop[, step]) over safe integers.
   * Throws RangeError for an empty range, as CPython raises ValueError.
   */
  randrange(start: number, stop?: number, step = 1): number {
    if (stop === undefined) {
      if (start > 0) return this.randbelow(start);
      throw new RangeError('empty range for randrange()');
    }
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      throw new RangeError(`empty range for randrange() (${start}, ${stop}, ${width})`);
    }
    let n: number;
    if (step > 0) n = Math.floor((width + step - 1) / step);
    else if (step < 0) n = Math.floor((width + step + 1) / step);
    else throw new RangeError('zero step for randrange()');
    if (n <= 0) throw new RangeError('empty range for randrange()');
    return start + step * this.randbelow(n);
  }

  /** random.randint(a, b): an integer in [a, b], both ends included. */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1);
  }

  /** random.choice(seq): one element of a non-empty sequence. */
  choice<T>(seq: ArrayLike<T>): T {
    if (seq.length === 0) throw new RangeError('Cannot choose from an empty sequence');
    return seq[this.randbelow(seq.length)];
  }

  /** random.shuffle(x): Fisher-Yates from the end, in place. */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }

  /** random.uniform(a, b) = a + (b - a) * random(). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  // getrandbits(k) for k <= 54, as a double: exact below 2^53, and a draw of
  // 2^53 or more stays >= 2^53 after rounding, so rejection against n <= 2^53 holds.
  private bitsAsNumber(k: number): number {
    if (k <= 32) return k === 0 ? 0 : this.mt.nextUint32() >>> (32 - k);
    const lo = this.mt.nextUint32();
    const hi = this.mt.nextUint32() >>> (64 - k);
    return hi * TWO_POW_32 + lo;
  }
}

// int.bit_length() for a positive safe integer: 1 -> 1, 255 -> 8, 256 -> 9.
function bitLength(n: number): number {
  let bits = 0;
  while (n >= TWO_POW_32) {
    n = Math.floor(n / TWO_POW_32);
    bits += 32;
  }
  return bits + (32 - Math.clz32(n));
}
