// Behaviour of Lib/optparse.py as the OSTEP scripts configure it. Error texts and
// help layouts were produced by python3 3.11.7 (help-*.txt, extra-*.jsonl).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatHelp, OptParseError, parseArgs, type OptSpec } from '../../../src/lab/ostep/optparse.js';
import { POLICY_DEFAULTS, POLICY_OPTIONS } from '../../../src/lab/ostep/policy.js';
import { LINEAR_OPTIONS } from '../../../src/lab/ostep/linear.js';
import { MULTILEVEL_OPTIONS } from '../../../src/lab/ostep/multilevel.js';

const parse = (argv: string[]) => {
  const r = parseArgs(POLICY_OPTIONS, POLICY_DEFAULTS, argv);
  assert.equal(r.kind, 'run');
  return r.kind === 'run' ? r : assert.fail();
};
const parseError = (argv: string[]): string => {
  try {
    parseArgs(POLICY_OPTIONS, POLICY_DEFAULTS, argv);
  } catch (err) {
    if (err instanceof OptParseError) return err.message;
    throw err;
  }
  return assert.fail('expected an OptParseError');
};

describe('optparse', () => {
  it('keeps the defaults when no option is given', () => {
    assert.deepEqual(parse([]).values, POLICY_DEFAULTS);
  });

  it('accepts every spelling of an option value: -C 3, -C3, --cachesize=3, --cachesize 3, --cache=3', () => {
    for (const argv of [['-C', '3'], ['-C3'], ['--cachesize=3'], ['--cachesize', '3'], ['--cache=3'], ['--cac', '3']]) {
      assert.equal(parse(argv).values.cachesize, '3', argv.join(' '));
    }
  });

  it('reads flag clusters, and a value at the end of a cluster: -cNpLRU', () => {
    const { values } = parse(['-cNpLRU']);
    assert.equal(values.solve, true);
    assert.equal(values.notrace, true);
    assert.equal(values.policy, 'LRU');
  });

  it('takes the next word as a value even when it starts with a dash', () => {
    assert.equal(parse(['-a', '-1,2']).values.addresses, '-1,2');
    assert.equal(parse(['-s', '-c']).values.seed, '-c');
  });

  it('lets the last occurrence win and collects positional words anywhere', () => {
    const r = parse(['x', '-C', '2', 'y', '-C', '5', '--', '-c', 'z']);
    assert.equal(r.values.cachesize, '5');
    assert.equal(r.values.solve, false);
    assert.deepEqual(r.positional, ['x', 'y', '-c', 'z']);
  });

  it('parses int options with optparse radix prefixes: 0x, 0b, leading 0 for octal', () => {
    const cases: Array<[string, bigint]> = [['3', 3n], ['0x1f', 31n], ['0X10', 16n], ['0b101', 5n], ['0b', 0n], ['010', 8n], ['0', 0n], ['-3', -3n], [' 12', 12n]];
    for (const [text, want] of cases) assert.equal(parse(['-b', text]).values.clockbits, want, text);
  });

  it('reports errors with optparse’s exact texts', () => {
    assert.equal(parseError(['-x']), 'no such option: -x');
    assert.equal(parseError(['--nope']), 'no such option: --nope');
    assert.equal(parseError(['--c', '3']), 'ambiguous option: --c (--cachesize, --clockbits, --compute?)');
    assert.equal(parseError(['-C']), '-C option requires 1 argument');
    assert.equal(parseError(['--cachesize']), '--cachesize option requires 1 argument');
    assert.equal(parseError(['--compute=1']), '--compute option does not take a value');
    assert.equal(parseError(['-b', '08']), "option -b: invalid integer value: '08'");
    assert.equal(parseError(['--clock', "it's"]), 'option --clockbits: invalid integer value: "it\'s"');
    assert.equal(parseError(['-b', '-0x5']), "option -b: invalid integer value: '-0x5'");
  });

  it('stops at -h / --help, but only after the options before it parsed', () => {
    assert.deepEqual(parseArgs(POLICY_OPTIONS, POLICY_DEFAULTS, ['-c', '-h', '-x']), { kind: 'help' });
    assert.deepEqual(parseArgs(POLICY_OPTIONS, POLICY_DEFAULTS, ['--he']), { kind: 'help' });
    assert.equal(parseError(['-x', '-h']), 'no such option: -x');
  });

  const helps: Array<[string, string, readonly OptSpec[]]> = [
    ['policy', 'paging-policy.py', POLICY_OPTIONS],
    ['linear', 'paging-linear-translate.py', LINEAR_OPTIONS],
    ['multilevel', 'paging-multilevel-translate.py', MULTILEVEL_OPTIONS],
  ];
  for (const [name, script, specs] of helps) {
    it(`lays out --help for ${script} as optparse does, at 80 and 30 columns`, () => {
      for (const [columns, suffix] of [[undefined, ''], ['30', '-30']] as const) {
        const want = readFileSync(new URL(`../../../fixtures/ostep/help-${name}${suffix}.txt`, import.meta.url), 'utf8');
        assert.equal(formatHelp(script, specs, columns), want);
      }
    });
  }

  it('falls back to 80 columns when $COLUMNS is not a number', () => {
    assert.equal(formatHelp('p', POLICY_OPTIONS, 'wide'), formatHelp('p', POLICY_OPTIONS));
  });
});
