// Expected values come from CPython 3.11.7, with the command shown by each case.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PyRandom } from '../../../src/lab/ostep/py_random.js';

const draw3 = (r: PyRandom): number[] => [r.random(), r.random(), r.random()];

describe('py_random', () => {
  // python3 -c 'import random; random.seed(S); print([random.random() for _ in range(3)])'
  const seeds: Array<[number | bigint, number[]]> = [
    [0, [0.8444218515250481, 0.7579544029403025, 0.420571580830845]],
    [5, [0.6229016948897019, 0.7417869892607294, 0.7951935655656966]],
    [123456789, [0.6414006161858726, 0.5421892680969495, 0.9931750662832721]],
    [2n ** 32n, [0.11299430095636409, 0.41782886486292836, 0.0166763664992291]],
    [2n ** 64n + 3n, [0.9129684455472157, 0.9226991467077957, 0.8296235909088164]],
    [2n ** 100n + 12345n, [0.44487310994347073, 0.30211940106972124, 0.6943236571773822]],
  ];
  for (const [seed, want] of seeds) {
    it(`random() after seed(${seed}) matches CPython`, () => {
      assert.deepEqual(draw3(new PyRandom(seed)), want);
    });
  }

  it('seeds with the absolute value, so seed(-5) equals seed(5)', () => {
    assert.deepEqual(draw3(new PyRandom(-5)), draw3(new PyRandom(5)));
    assert.deepEqual(draw3(new PyRandom(-5n)), draw3(new PyRandom(5)));
  });

  it('re-seeding restarts the stream', () => {
    const r = new PyRandom(5);
    r.random();
    r.seed(5);
    assert.equal(r.random(), 0.6229016948897019);
  });

  it('rejects a non-integer seed', () => {
    assert.throws(() => new PyRandom(1.5), RangeError);
  });

  it('getrandbits(k) matches CPython for k below, at and above 32 bits', () => {
    // random.seed(42); [random.getrandbits(k) for k in (1, 7, 31, 32, 33, 53, 64, 100)], random.getrandbits(0)
    const r = new PyRandom(42);
    const got = [1, 7, 31, 32, 33, 53, 64, 100].map((k) => r.getrandbits(k));
    assert.deepEqual(got, [
      1n,
      14n,
      53710184n,
      3184935163n,
      1181241943n,
      1256845828445918n,
      1890702223848595625n,
      704511047883023533822611041645n,
    ]);
    assert.equal(r.getrandbits(0), 0n);
  });

  it('randrange(n) matches _randbelow_with_getrandbits, including n = 1 and wide n', () => {
    // random.seed(7); [random.randrange(10) for _ in range(10)], [random.randrange(1) for _ in range(2)],
    // random.randrange(2**40), random.randrange(2**53)
    const r = new PyRandom(7);
    assert.deepEqual(Array.from({ length: 10 }, () => r.randrange(10)), [5, 2, 6, 0, 1, 8, 1, 5, 9, 0]);
    assert.deepEqual([r.randrange(1), r.randrange(1)], [0, 0]);
    assert.equal(r.randrange(2 ** 40), 953851880282);
    assert.equal(r.randrange(2 ** 53), 1258401443959963);
  });

  it('randint and stepped randrange match CPython', () => {
    // random.seed(8); [random.randint(-5, 5) for _ in range(10)], random.randrange(3, 30, 4), random.randrange(30, 3, -4)
    const r = new PyRandom(8);
    assert.deepEqual(Array.from({ length: 10 }, () => r.randint(-5, 5)), [-2, 0, 1, -3, -2, -5, -4, -3, -2, 3]);
    assert.equal(r.randrange(3, 30, 4), 7);
    assert.equal(r.randrange(30, 3, -4), 18);
  });

  it('choice, shuffle and uniform match CPython', () => {
    // random.seed(9); [random.choice('abcdefg') for _ in range(8)]
    const r = new PyRandom(9);
    assert.deepEqual(Array.from({ length: 8 }, () => r.choice('abcdefg')), ['d', 'e', 'c', 'c', 'b', 'b', 'g', 'f']);
    // random.seed(10); x = list(range(12)); random.shuffle(x)
    const x = Array.from({ length: 12 }, (_, i) => i);
    new PyRandom(10).shuffle(x);
    assert.deepEqual(x, [11, 8, 4, 2, 5, 3, 1, 10, 7, 6, 0, 9]);
    // random.seed(11); random.uniform(2.5, 7.0)
    assert.equal(new PyRandom(11).uniform(2.5, 7.0), 4.535707990794184);
  });

  it('refuses empty ranges as CPython does', () => {
    const r = new PyRandom(1);
    assert.throws(() => r.randrange(0), RangeError);
    assert.throws(() => r.randrange(5, 5), RangeError);
    assert.throws(() => r.randrange(1, 10, 0), RangeError);
    assert.throws(() => r.choice([]), RangeError);
  });

  it('random() stays in [0, 1) with 53-bit granularity', () => {
    const r = new PyRandom(3);
    for (let i = 0; i < 10000; i++) {
      const x = r.random();
      assert.ok(x >= 0 && x < 1);
      assert.ok(Number.isInteger(x * 2 ** 53));
    }
  });
});
