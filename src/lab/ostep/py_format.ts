// Python's text conversions, as far as the OSTEP simulators use them: str() and
// repr() of ints, bools, strs and lists, and the printf-style `%` operator with
// the d/i/u, x/X/o, s/r, f/F and %% conversions and the - 0 + space # flags.
// '%.2f' is exact: the double is expanded in decimal and rounded half to even,
// like CPython (JS toFixed rounds ties up: 12.125 -> "12.13", Python "12.12").
// Value model: a JS number or bigint is a Python int (floats only reach %f),
// a boolean is bool, a string is str, an array is a list.

export type PyValue = number | bigint | boolean | string | readonly PyValue[];

/** repr(s) for a str: quotes chosen as Python does, escapes for \\ \n \r \t and unprintables. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0xad) out += '\\x' + hex(cp, 2);
    else if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u.test(ch) && ch !== ' ') {
      out += cp <= 0xffff ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8);
    } else out += ch;
  }
  return out + quote;
}

/** str(v): ints in decimal, True/False, strs as themselves, lists as [a, b] with repr() items. */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number' || typeof v === 'bigint') return intText(v);
  let out = '[';
  for (let i = 0; i < v.length; i++) {
    if (i > 0) out += ', ';
    const item = v[i];
    out += typeof item === 'string' ? pyRepr(item) : pyStr(item);
  }
  return out + ']';
}

/** Decimal text of an integral number or bigint: 7 -> "7", -0 -> "0", 1e21 -> "1000000000000000000000". */
export function intText(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (!Number.isFinite(v)) throw new RangeError(`not an integer: ${v}`);
  return Number.isSafeInteger(v) ? String(v === 0 ? 0 : v) : BigInt(Math.trunc(v)).toString();
}

/**
 * '%.<precision>f' of a double, exactly as Python prints it: the binary value is
 * expanded in decimal and rounded half to even. Worked example: 12.125 is exactly
 * 97/8, so with precision 2 the tie 1212.5 rounds to the even 1212: "12.12".
 */
export function formatFixed(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(Math.abs(x));
  // |x| = mantissa * 2^exponent; scaled = round(|x| * 10^precision).
  let scaled: bigint;
  const pow10 = 10n ** BigInt(precision);
  if (exponent >= 0) {
    scaled = (mantissa << BigInt(exponent)) * pow10;
  } else {
    const num = mantissa * pow10;
    const den = 1n << BigInt(-exponent);
    scaled = num / den;
    const twiceRem = (num % den) * 2n;
    if (twiceRem > den || (twiceRem === den && (scaled & 1n) === 1n)) scaled += 1n;
  }
  let digits = scaled.toString();
  if (precision > 0) {
    digits = digits.padStart(precision + 1, '0');
    digits = digits.slice(0, -precision) + '.' + digits.slice(-precision);
  }
  return (negative ? '-' : '') + digits;
}

interface Spec {
  flags: string;
  width: number;
  precision: number; // -1 when absent
  conv: string;
}

const SPEC_RE = /%([-+ #0]*)(\d*)(?:\.(\d*))?([diouxXsrfF%])/g;
const compiled = new Map<string, Array<string | Spec>>();

/**
 * fmt % tuple(args), for the conversions listed at the top of this file.
 * Throws TypeError on a format/argument count mismatch, as Python would.
 */
export function pyFormat(fmt: string, args: readonly PyValue[]): string {
  let parts = compiled.get(fmt);
  if (parts === undefined) {
    parts = compile(fmt);
    compiled.set(fmt, parts);
  }
  let out = '';
  let next = 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    if (part.conv === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) throw new TypeError('not enough arguments for format string');
    out += convert(part, args[next++]);
  }
  if (next !== args.length) throw new TypeError('not all arguments converted during string formatting');
  return out;
}

function compile(fmt: string): Array<string | Spec> {
  const parts: Array<string | Spec> = [];
  let last = 0;
  for (const m of fmt.matchAll(SPEC_RE)) {
    if (m.index > last) parts.push(fmt.slice(last, m.index));
    parts.push({
      flags: m[1],
      width: m[2] === '' ? 0 : Number(m[2]),
      precision: m[3] === undefined ? -1 : Number(m[3] || '0'),
      conv: m[4],
    });
    last = m.index + m[0].length;
  }
  if (fmt.indexOf('%', last) >= 0) throw new TypeError(`unsupported format in ${JSON.stringify(fmt)}`);
  if (last < fmt.length) parts.push(fmt.slice(last));
  return parts;
}

function convert(spec: Spec, arg: PyValue): string {
  const { flags, width, precision, conv } = spec;
  if (conv === 's' || conv === 'r') {
    let text = conv === 's' ? pyStr(arg) : typeof arg === 'string' ? pyRepr(arg) : pyStr(arg);
    if (precision >= 0) text = text.slice(0, precision);
    return pad(text, width, flags.includes('-'));
  }
  let sign = '';
  let body: string;
  if (conv === 'f' || conv === 'F') {
    const x = toFloat(arg);
    body = formatFixed(x, precision < 0 ? 6 : precision);
    if (conv === 'F') body = body.toUpperCase();
    if (body.startsWith('-')) {
      sign = '-';
      body = body.slice(1);
    }
  } else {
    let n = toInt(arg);
    if (n < 0n) {
      sign = '-';
      n = -n;
    }
    if (conv === 'x' || conv === 'X') {
      body = n.toString(16);
      if (conv === 'X') body = body.toUpperCase();
      if (flags.includes('#')) sign += conv === 'x' ? '0x' : '0X';
    } else if (conv === 'o') {
      body = n.toString(8);
      if (flags.includes('#')) sign += '0o';
    } else {
      body = n.toString();
    }
    if (precision >= 0) body = body.padStart(precision, '0');
  }
  if (sign === '' || sign.startsWith('0')) {
    if (flags.includes('+')) sign = '+' + sign;
    else if (flags.includes(' ')) sign = ' ' + sign;
  }
  if (flags.includes('-')) return pad(sign + body, width, true);
  // Zero padding goes between the sign and the digits (Python pads even inf: '00inf').
  if (flags.includes('0')) {
    return sign + body.padStart(width - sign.length, '0');
  }
  return pad(sign + body, width, false);
}

function pad(text: string, width: number, left: boolean): string {
  return left ? text.padEnd(width, ' ') : text.padStart(width, ' ');
}

function toInt(arg: PyValue): bigint {
  if (typeof arg === 'bigint') return arg;
  if (typeof arg === 'boolean') return arg ? 1n : 0n;
  if (typeof arg === 'number') {
    if (!Number.isFinite(arg)) throw new TypeError(`cannot convert float ${arg} to integer`);
    return BigInt(Math.trunc(arg));
  }
  throw new TypeError('%d format: a real number is required, not ' + (typeof arg === 'string' ? 'str' : 'list'));
}

function toFloat(arg: PyValue): number {
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'bigint') return Number(arg);
  if (typeof arg === 'boolean') return arg ? 1 : 0;
  throw new TypeError('must be real number, not ' + (typeof arg === 'string' ? 'str' : 'list'));
}

// Splits a finite positive double into an integer mantissa and a power of two.
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: frac, exponent: -1074 };
  return { mantissa: frac | (1n << 52n), exponent: biased - 1075 };
}

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}
