// The fault handler through the library API: lazy allocation, the zero page,
// copy on write after fork, and properties that must hold for any sequence
// of operations.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Machine } from '../../src/index.js';

describe('kernel/memory', () => {
  it('maps the zero page on a read and allocates only on a write', () => {
    const m = new Machine({ memtotal: '1G' });
    const p = m.spawn('t', { image: null });
    const a = p.mmap({ pages: 4, prot: 'rw', flags: ['private', 'anonymous'] });
    assert.equal(p.read(a), 0);
    assert.equal(p.pagemap(a, 4), 'z...');
    p.write(a + 4096, 9);
    assert.equal(p.pagemap(a, 4), 'za..');
    assert.deepEqual(p.faults, { minflt: 2, majflt: 0 });
    assert.equal(m.counter('nr_anon_pages'), 1);
  });

  it('copies on write after fork and lets the last sharer reuse its page', () => {
    const m = new Machine({ memtotal: '1G' });
    const p = m.spawn('t', { image: null });
    const a = p.mmap({ pages: 2, prot: 'rw', flags: ['private', 'anonymous'] });
    p.write(a, 1);
    const c = p.fork('c');
    assert.equal(p.pagemap(a, 1), 'A');
    c.write(a, 2); // copy
    assert.equal(p.pagemap(a, 1), 'a');
    assert.equal(m.counter('pgreuse'), 0);
    p.write(a, 3); // the parent is the only mapper left: reuse, no copy
    assert.equal(m.counter('pgreuse'), 1);
    assert.deepEqual([p.read(a), c.read(a)], [3, 2]);
  });

  it('keeps every process seeing exactly its own writes, whatever the interleaving after forks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ proc: fc.nat(2), page: fc.nat(7), value: fc.integer({ min: 1, max: 255 }), fork: fc.boolean() }), { maxLength: 40 }),
        (ops) => {
          const m = new Machine({ memtotal: '1G' });
          const root = m.spawn('root', { image: null });
          const a = root.mmap({ pages: 8, prot: 'rw', flags: ['private', 'anonymous'] });
          const procs = [root];
          const model = [new Array<number>(8).fill(0)];
          for (const op of ops) {
            const i = op.proc % procs.length;
            if (op.fork && procs.length < 3) {
              procs.push(procs[i]!.fork());
              model.push([...model[i]!]);
            } else {
              procs[i]!.write(a + op.page * 4096, op.value);
              model[i]![op.page] = op.value;
            }
            assert.deepEqual(m.checkInvariants(), []);
          }
          procs.forEach((p, i) => {
            for (let pg = 0; pg < 8; pg++) assert.equal(p.read(a + pg * 4096), model[i]![pg]);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps the invariants under random mixes of mapping operations', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('touch' as const), first: fc.nat(15), n: fc.integer({ min: 1, max: 16 }), write: fc.boolean() }),
      fc.record({ k: fc.constant('mprotect' as const), first: fc.nat(15), n: fc.integer({ min: 1, max: 16 }), prot: fc.constantFrom('r' as const, 'rw' as const, 'none' as const) }),
      fc.record({ k: fc.constant('madvise' as const), first: fc.nat(15), n: fc.integer({ min: 1, max: 16 }), advice: fc.constantFrom('dontneed' as const, 'free' as const, 'cold' as const, 'pageout' as const) }),
      fc.record({ k: fc.constant('munmap' as const), first: fc.nat(15), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ k: fc.constant('fork' as const) }),
      fc.record({ k: fc.constant('exit' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.boolean(), (ops, file) => {
        const m = new Machine({ memtotal: '1G' });
        m.file('f.bin', 16, { chunk: 4 });
        const root = m.spawn('root', { image: null });
        const a = file
          ? root.mmap({ pages: 16, prot: 'rw', flags: ['private'], file: 'f.bin' })
          : root.mmap({ pages: 16, prot: 'rw', flags: ['private', 'anonymous'] });
        let procs = [root];
        for (const o of ops) {
          const p = procs[procs.length - 1]!;
          try {
            if (o.k === 'touch') p.touch(a + o.first * 4096, Math.min(o.n, 16 - o.first), { write: o.write });
            else if (o.k === 'mprotect') p.mprotect(a + o.first * 4096, o.n * 4096, o.prot);
            else if (o.k === 'madvise') p.madvise(a + o.first * 4096, o.n * 4096, o.advice);
            else if (o.k === 'munmap') p.munmap(a + o.first * 4096, o.n * 4096);
            else if (o.k === 'fork') procs.push(p.fork());
            else if (o.k === 'exit' && procs.length > 1) {
              p.exit();
              procs = procs.slice(0, -1);
            }
          } catch (e) {
            if (!(e instanceof Error) || !/SIG|EINVAL|ENOMEM/.test(e.message)) throw e;
          }
          assert.deepEqual(m.checkInvariants(), []);
        }
      }),
      { numRuns: 80 },
    );
  });
});
