// Python's int(text, base) for str arguments in bases 2, 8, 10 and 16, as
// CPython 3.11 parses them (Objects/longobject.c PyLong_FromString after
// _PyUnicode_TransformDecimalAndSpaceToASCII): surrounding whitespace, a sign,
// an optional 0x/0o/0b prefix matching the base, single underscores between
// digits, and any Unicode decimal digit (int('٣') == 3). Results are bigint.
// Simplification: the 4300-digit limit of 3.11 is checked on the digit count only.
import { PyError } from './py_error.js';
import { pyRepr } from './py_format.js';

export type IntBase = 2 | 8 | 10 | 16;

// Whitespace int() skips: ASCII space and \t \n \v \f \r (Py_ISSPACE), and the
// non-ASCII characters for which str.isspace() holds. U+001C..U+001F are
// isspace() too but ASCII, so they stay and make the literal invalid; JS \s
// would also wrongly accept U+FEFF.
function isIntSpace(cp: number): boolean {
  return (
    cp === 0x20 ||
    (cp >= 0x09 && cp <= 0x0d) ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

const UNICODE_DIGIT = /\p{Nd}/u;
const MAX_STR_DIGITS = 4300;

const PREFIX: Record<IntBase, string> = { 2: 'b', 8: 'o', 10: '', 16: 'x' };
const BIGINT_PREFIX: Record<IntBase, string> = { 2: '0b', 8: '0o', 10: '', 16: '0x' };

/**
 * Parses `text` as Python's int(text, base) does. Returns the value as a bigint.
 * Throws PyError('ValueError', "invalid literal for int() with base 10: 'x'") when
 * Python would, with the same message.
 */
export function pyIntParse(text: string, base: IntBase = 10): bigint {
  const t = toAscii(text);
  let i = 0;
  const end = t.length;
  while (i < end && t[i] === ' ') i++;
  let negative = false;
  if (t[i] === '+' || t[i] === '-') {
    negative = t[i] === '-';
    i++;
  }
  if (base !== 10 && t[i] === '0' && t[i + 1]?.toLowerCase() === PREFIX[base]) {
    i += 2;
    if (t[i] === '_') i++; // one underscore may follow the prefix: 0x_ff
  }
  let digits = '';
  while (i < end) {
    const c = t[i];
    if (isDigit(c, base)) {
      digits += c;
      i++;
    } else if (c === '_' && digits !== '' && i + 1 < end && isDigit(t[i + 1], base)) {
      i++;
    } else {
      break;
    }
  }
  while (i < end && t[i] === ' ') i++;
  if (digits === '' || i !== end) {
    throw new PyError('ValueError', `invalid literal for int() with base ${base}: ${pyRepr(text).slice(0, 200)}`);
  }
  if (base === 10 && digits.length > MAX_STR_DIGITS) {
    throw new PyError(
      'ValueError',
      `Exceeds the limit (${MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits.length} digits; use sys.set_int_max_str_digits() to increase the limit`,
    );
  }
  const value = BigInt(BIGINT_PREFIX[base] + digits);
  return negative ? -value : value;
}

// Maps whitespace to ' ' and Unicode decimal digits to ASCII digits; any other
// non-ASCII character becomes '?', which no base accepts.
function toAscii(text: string): string {
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 || (c >= 0x09 && c <= 0x0d)) {
      plain = false;
      break;
    }
  }
  if (plain) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (isIntSpace(cp)) out += ' ';
    else if (cp < 0x80) out += ch;
    else if (UNICODE_DIGIT.test(ch)) out += String(unicodeDigitValue(ch));
    else out += '?';
  }
  return out;
}

// Unicode lays out every decimal-digit set as a run of ten code points from 0 to
// 9, and adjacent sets (the mathematical digits U+1D7CE..U+1D7FF) start at 0 too,
// so the value is the distance to the start of the run, modulo 10.
function unicodeDigitValue(ch: string): number {
  let cp = ch.codePointAt(0)!;
  let k = 0;
  while (UNICODE_DIGIT.test(String.fromCodePoint(cp - 1))) {
    cp--;
    k++;
  }
  return k % 10;
}

function isDigit(c: string | undefined, base: IntBase): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (base === 16) {
    return (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
  }
  return code >= 48 && code < 48 + base;
}
