// /sys/kernel/debug/lru_gen (report/debugfs_lru_gen.ts) against the format
// of Documentation/admin-guide/mm/multigen_lru.rst ("Working set
// estimation"):
//
//     memcg  memcg_id  memcg_path
//        node  node_id
//            min_gen_nr  age_in_ms  nr_anon_pages  nr_file_pages
//            ...
//            max_gen_nr  age_in_ms  nr_anon_pages  nr_file_pages
//
// as lru_gen_seq_show() prints it: "memcg %5hu %s\n", " node %5d\n", then
// " %10lu %10u" and " %10lu%c" for anon and file (the mark is a space).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/index.js';

const GEN_LINE = /^ ([ \d]{10}) ([ \d]{10}) ([ \d]{10}) {2}([ \d]{10}) $/;

describe('report/debugfs_lru_gen', () => {
  it('prints each memcg, its node and its generations oldest first, in the kernel widths', () => {
    const m = new Machine({ memtotal: '64M', swap: '64M', lruGen: true });
    const app = m.spawn('app', { image: null });
    const a = app.mmap({ pages: 1024, prot: 'rw', flags: ['private', 'anonymous'] });
    app.touch(a, 1024, { write: true });
    m.cgroup('batch', { limit: '8M' });
    const job = m.spawn('job', { image: null });
    job.join('batch');
    m.file('/data', 512);
    const b = job.mmap({ pages: 512, prot: 'r', flags: ['shared'], file: '/data' });
    job.touch(b, 512);
    m.sleep(20);
    m.lruGenWrite('+ 1 0 3');
    m.sleep(100);
    m.lruGenWrite('+ 1 0 4');
    const lines = m.lruGen().split('\n');
    assert.equal(lines.pop(), '');
    // The root memcg is id 1 with path /, the cgroup made next is 2.
    assert.equal(lines[0], 'memcg     1 /');
    assert.equal(lines[1], ' node     0');
    const second = lines.indexOf('memcg     2 /batch');
    assert.ok(second > 2);
    assert.equal(lines[second + 1], ' node     0');
    for (const block of [lines.slice(2, second), lines.slice(second + 2)]) {
      const rows = block.map((l) => {
        const r = GEN_LINE.exec(l);
        assert.ok(r, `'${l}' is not a generation line`);
        return r.slice(1).map(Number);
      });
      // Between MIN_NR_GENS and MAX_NR_GENS generations, consecutive seqs,
      // the youngest last; ages fall toward the youngest.
      assert.ok(rows.length >= 2 && rows.length <= 4);
      for (let i = 1; i < rows.length; i++) {
        assert.equal(rows[i]![0], rows[i - 1]![0]! + 1);
        assert.ok(rows[i]![1]! <= rows[i - 1]![1]!);
      }
    }
    // The root aged twice: max_seq 5, and the generation born at the second
    // aging is the youngest (its age is the 0 ms since, up to a jiffy).
    const root = lines.slice(2, second).map((l) => GEN_LINE.exec(l)!.slice(1).map(Number));
    assert.equal(root.at(-1)![0], 5);
    assert.ok(root.at(-1)![1]! <= 4);
    // The histogram covers every evictable page: its columns sum to the LRU
    // sizes of /proc/meminfo (noncumulative bins).
    const blocks = [lines.slice(2, second), lines.slice(second + 2)].flat().map((l) => GEN_LINE.exec(l)!.slice(1).map(Number));
    const anon = blocks.reduce((s, r) => s + r[2]!, 0);
    const file = blocks.reduce((s, r) => s + r[3]!, 0);
    const mi = m.meminfo();
    const kb = (key: string): number => Number(new RegExp(`^${key.replace(/[()]/g, '\\$&')}:\\s+(\\d+)`, 'm').exec(mi)![1]);
    assert.equal(anon * 4, kb('Active(anon)') + kb('Inactive(anon)'));
    assert.equal(file * 4, kb('Active(file)') + kb('Inactive(file)'));
  });

  it('shows the generations, empty, with MGLRU off', () => {
    const m = new Machine({ memtotal: '16M' });
    assert.equal(m.lruGen(), 'memcg     1 /\n node     0\n          0          0          0           0 \n          1          0          0           0 \n          2          0          0           0 \n          3          0          0           0 \n');
  });
});
