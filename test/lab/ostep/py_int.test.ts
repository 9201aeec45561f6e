// Expected values come from CPython 3.11.7: int(text, base) and its ValueError text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pyIntParse, type IntBase } from '../../../src/lab/ostep/py_int.js';
import { PyError } from '../../../src/lab/ostep/py_error.js';

describe('py_int', () => {
  const good: Array<[string, IntBase, bigint]> = [
    ['42', 10, 42n],
    [' -17\n', 10, -17n],
    ['+0', 10, 0n],
    ['-0', 10, 0n],
    ['1_000', 10, 1000n],
    ['007', 10, 7n],
    ['٣٤', 10, 34n],
    ['\u2003 12\u3000', 10, 12n],
    ['𝟗', 10, 9n],
    ['\v12\f', 10, 12n],
    ['0x1F', 16, 31n],
    ['0X_ff', 16, 255n],
    ['ff', 16, 255n],
    ['0o17', 8, 15n],
    ['017', 8, 15n],
    ['0_7', 8, 7n],
    ['101', 2, 5n],
    ['0b11', 2, 3n],
    ['99999999999999999999999', 10, 99999999999999999999999n],
  ];
  for (const [text, base, want] of good) {
    it(`int(${JSON.stringify(text)}, ${base}) = ${want}`, () => {
      assert.equal(pyIntParse(text, base), want);
    });
  }

  const bad: Array<[string, IntBase, string]> = [
    ['', 10, "invalid literal for int() with base 10: ''"],
    ['1__0', 10, "invalid literal for int() with base 10: '1__0'"],
    ['_1', 10, "invalid literal for int() with base 10: '_1'"],
    ['1_', 10, "invalid literal for int() with base 10: '1_'"],
    ['0x10', 10, "invalid literal for int() with base 10: '0x10'"],
    ['1.5', 10, "invalid literal for int() with base 10: '1.5'"],
    ['08', 8, "invalid literal for int() with base 8: '08'"],
    ['0x', 16, "invalid literal for int() with base 16: '0x'"],
    [' ', 10, "invalid literal for int() with base 10: ' '"],
    ['1 2', 10, "invalid literal for int() with base 10: '1 2'"],
    ['\ufeff1', 10, "invalid literal for int() with base 10: '\\ufeff1'"],
    ['-0x5', 10, "invalid literal for int() with base 10: '-0x5'"],
    ['\x1c12', 10, "invalid literal for int() with base 10: '\\x1c12'"],
    ['x\n', 10, "invalid literal for int() with base 10: 'x\\n'"],
    ["it's", 10, 'invalid literal for int() with base 10: "it\'s"'],
  ];
  for (const [text, base, message] of bad) {
    it(`int(${JSON.stringify(text)}, ${base}) raises ValueError`, () => {
      assert.throws(
        () => pyIntParse(text, base),
        (err: unknown) => err instanceof PyError && err.pyType === 'ValueError' && err.message === message,
      );
    });
  }

  it('enforces the 4300-digit limit of Python 3.11 in base 10', () => {
    assert.equal(pyIntParse('9'.repeat(4300)), 10n ** 4300n - 1n);
    assert.throws(() => pyIntParse('9'.repeat(4301)), /Exceeds the limit \(4300 digits\)/);
  });
});
