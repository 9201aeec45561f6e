// Expected strings come from CPython 3.11.7 ('%' formatting, repr(), str()).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFixed, pyFormat, pyRepr, pyStr } from '../../../src/lab/ostep/py_format.js';

describe('py_format', () => {
  // python3 -c "print('%.2f' % v, '%.0f' % v, '%.6f' % v)"
  const fixed: Array<[number, string, string, string]> = [
    [12.125, '12.12', '12', '12.125000'],
    [0.125, '0.12', '0', '0.125000'],
    [0.375, '0.38', '0', '0.375000'],
    [2.675, '2.67', '3', '2.675000'],
    [1.005, '1.00', '1', '1.005000'],
    [100 / 3, '33.33', '33', '33.333333'],
    [200 / 3, '66.67', '67', '66.666667'],
    [100.0, '100.00', '100', '100.000000'],
    [0.0, '0.00', '0', '0.000000'],
    [-0.0, '-0.00', '-0', '-0.000000'],
    [-1.5, '-1.50', '-2', '-1.500000'],
    [0.005, '0.01', '0', '0.005000'],
    [1e22, '10000000000000000000000.00', '10000000000000000000000', '10000000000000000000000.000000'],
    [5e-324, '0.00', '0', '0.000000'],
    [99.995, '100.00', '100', '99.995000'],
    [12.5, '12.50', '12', '12.500000'],
    [123456789.125, '123456789.12', '123456789', '123456789.125000'],
  ];
  for (const [x, p2, p0, p6] of fixed) {
    it(`'%.Nf' % ${x} rounds the exact binary value half to even`, () => {
      assert.equal(formatFixed(x, 2), p2);
      assert.equal(formatFixed(x, 0), p0);
      assert.equal(formatFixed(x, 6), p6);
      assert.equal(pyFormat('%.2f', [x]), p2);
      assert.equal(pyFormat('%f', [x]), p6);
    });
  }

  it('formats ints with flags, widths and signs as Python does', () => {
    assert.equal(
      pyFormat('%08x|%8d|%-6d|%x|%X|%#x|%o|%+d|% d|%05d|%3s|%-4s|%.2s|%%|%r', [
        -5, -5, 42, 255, 255, 255, 8, 3, 3, -42, 'ab', 'ab', 'abcdef', "it's",
      ]),
      '-0000005|      -5|42    |ff|FF|0xff|10|+3| 3|-0042| ab|ab  |ab|%|"it\'s"',
    );
    assert.equal(
      pyFormat('0x%08x (decimal: %8d) --> %08x', [2n ** 40n + 5n, -123456789012n, 0]),
      '0x10000000005 (decimal: -123456789012) --> 00000000',
    );
  });

  it('zero-pads floats after the sign, inf included', () => {
    assert.equal(pyFormat('%05.1f|%05f|%-05d|%+05d|%08.2f', [Infinity, -1.5, 3, 3, -2.5]), '00inf|-1.500000|3    |+0003|-0002.50');
  });

  it('prints lists, bools and nested strs like str()', () => {
    assert.equal(pyFormat('%12s|%s|%s|%s', [[1, 22, 333], [], true, ['a', "b'c"]]), '[1, 22, 333]|[]|True|[\'a\', "b\'c"]');
    assert.equal(pyStr(false), 'False');
    assert.equal(pyStr(-0), '0');
    assert.equal(pyStr(1e21), '1000000000000000000000');
  });

  it('checks the argument count like the % operator', () => {
    assert.throws(() => pyFormat('%d %d', [1]), /not enough arguments/);
    assert.throws(() => pyFormat('%d', [1, 2]), /not all arguments converted/);
  });

  // python3 -c "print(repr(s))"
  const reprs: Array<[string, string]> = [
    ['abc', "'abc'"],
    ["it's", '"it\'s"'],
    ['say "hi"', '\'say "hi"\''],
    ['both \' and "', '\'both \\\' and "\''],
    ['tab\there', "'tab\\there'"],
    ['nl\n', "'nl\\n'"],
    ['bs\\', "'bs\\\\'"],
    ['\x00\x1f\x7f', "'\\x00\\x1f\\x7f'"],
    ['\xa0\xad\xe9', "'\\xa0\\xadé'"],
    ['\u2028', "'\\u2028'"],
    ['\ufeff', "'\\ufeff'"],
    ['😀', "'😀'"],
    ['\u{e0001}', "'\\U000e0001'"],
  ];
  for (const [s, want] of reprs) {
    it(`repr(${JSON.stringify(s)}) = ${want}`, () => {
      assert.equal(pyRepr(s), want);
    });
  }
});
