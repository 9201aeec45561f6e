import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { convertSize, runScript } from '../../../src/lab/ostep/script.js';
import { PyError } from '../../../src/lab/ostep/py_error.js';

describe('script', () => {
  it('converts sizes with the scripts’ k/m/g suffixes (powers of 1024)', () => {
    assert.equal(convertSize('16'), 16n);
    assert.equal(convertSize('16k'), 16384n);
    assert.equal(convertSize('4K'), 4096n);
    assert.equal(convertSize('32m'), 33554432n);
    assert.equal(convertSize('2M'), 2097152n);
    assert.equal(convertSize('1g'), 1073741824n);
    assert.equal(convertSize('1G'), 1073741824n);
    assert.equal(convertSize(' 8k'), 8192n);
  });

  it('fails on sizes the script cannot parse, the way it fails', () => {
    assert.throws(() => convertSize(''), (e: unknown) => e instanceof PyError && e.pyType === 'IndexError');
    assert.throws(() => convertSize('k'), (e: unknown) => e instanceof PyError && e.pyType === 'ValueError');
    assert.throws(() => convertSize('1.5k'), (e: unknown) => e instanceof PyError && e.pyType === 'ValueError');
    assert.throws(() => convertSize('4kb'), (e: unknown) => e instanceof PyError && e.pyType === 'ValueError');
  });

  it('keeps the stdout written before a crash and reports the crash as bad input', () => {
    const r = runScript([], {}, [], { prog: 'p' }, (_v, out) => {
      out.print('ARG x', 1n, true);
      throw new PyError('ValueError', 'boom');
    });
    assert.deepEqual(r, { stdout: 'ARG x 1 True\n', status: 2, error: 'ValueError: boom' });
  });

  it('reports optparse errors with the usage line and no stdout', () => {
    const r = runScript([], {}, ['-q'], { prog: 'mmsim ostep x' }, () => assert.fail('body must not run'));
    assert.deepEqual(r, { stdout: '', status: 2, error: 'no such option: -q', usage: 'Usage: mmsim ostep x [options]\n' });
  });
});
