// Dirty limits and background writeback (mm/page-writeback.c). The ratio
// arithmetic was checked on this machine's kernel: /proc/vmstat showed
// nr_dirty_threshold 1197353 and nr_dirty_background_threshold 597945,
// a ratio of 0.49939 = 409/819, the page-scaled 10% and 20%.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/index.js';
import { totalreservePages } from '../../src/kernel/page_alloc.js';

describe('dirty page limits', () => {
  it('thresholds are 819/4096 and 409/4096 of the dirtyable memory', () => {
    const m = new Machine({ memtotal: '1G' });
    const k = m.kernel;
    // Dirtyable: free pages above totalreserve_pages, plus the file LRU (empty), plus 1.
    const dirtyable = m.counter('nr_free_pages') - totalreservePages(k) + 1;
    assert.equal(m.counter('nr_dirty_threshold'), Math.floor((819 * dirtyable) / 4096));
    assert.equal(m.counter('nr_dirty_background_threshold'), Math.floor((409 * dirtyable) / 4096));
    // A background ratio at or above the ratio gives half the limit.
    m.sysctl('dirty_background_ratio', 30);
    assert.equal(m.counter('nr_dirty_background_threshold'), Math.floor(m.counter('nr_dirty_threshold') / 2));
  });

  it('the flusher writes back the oldest dirty files once the background threshold is passed', () => {
    const m = new Machine({ memtotal: '512M' });
    m.sysctl('dirty_background_ratio', 1);
    const bg = m.counter('nr_dirty_background_threshold');
    const p = m.spawn('writer', { image: null });
    const files = ['/a', '/b', '/c', '/d', '/e'];
    const dirtyKb = (): number => Number(/Dirty:\s+(\d+)/.exec(m.meminfo())![1]);
    for (const f of files) {
      m.file(f, 512);
      const a = p.mmap({ pages: 512, prot: 'rw', flags: ['shared'], file: f });
      p.touch(a, 512, { write: true });
      // Never more dirty than the threshold plus the file being written.
      assert.ok(dirtyKb() <= (bg + 512) * 4, `${dirtyKb()} kB dirty, threshold ${bg} pages`);
    }
    // 5 × 512 pages were dirtied, far above the threshold: the oldest went first.
    assert.ok(bg < 5 * 512);
    // Dirty kB of the mapping of file `f`, from its smaps block.
    const dirtyOf = (f: string): number => {
      const block = p.smaps().split(/\n(?=[0-9a-f]+-)/).find((b) => b.split('\n')[0]!.endsWith(' ' + f))!;
      return Number(/Shared_Dirty:\s+(\d+)/.exec(block)![1]) + Number(/Private_Dirty:\s+(\d+)/.exec(block)![1]);
    };
    assert.equal(dirtyOf('/a'), 0);
    assert.equal(dirtyOf('/e'), 2048);
    assert.ok(m.counter('nr_written') > 0);
  });
});
