import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { textChart } from '../../../src/report/plots/text_chart.js';

describe('report/plots/text_chart', () => {
  it('draws a hand-worked chart: linear interpolation per column, one marker per policy', () => {
    // 10 columns of width 1 (centres 0.5 .. 9.5), 5 rows for ratios 1, .75, .5, .25, 0.
    // lru from (2, 1) to (10, 0): column 2 (x = 2.5) has ratio 0.9375 -> row 0,
    // column 3 0.8125 -> row 1 ... column 9 (x = 9.5) 0.0625 -> row 4.
    // fifo has one point (10, 0.5): drawn in the column within one column width, 9.
    const chart = textChart(
      [
        { policy: 'lru', points: [{ size: 2, missRatio: 1 }, { size: 10, missRatio: 0 }] },
        { policy: 'fifo', points: [{ size: 10, missRatio: 0.5 }] },
      ],
      { width: 10, height: 5 },
    );
    assert.equal(
      chart,
      [
        'miss ratio',
        ' 1.0 |  *',
        '     |   **',
        ' 0.5 |     **  o',
        '     |       **',
        ' 0.0 |         *',
        '     +----------',
        '      0 cache size (pages) 10',
        '      * lru   o fifo',
        '',
      ].join('\n'),
    );
  });

  it('uses a log axis, labelled so, when sizes span two decades', () => {
    const chart = textChart([{ policy: 'lru', points: [{ size: 10, missRatio: 0.9 }, { size: 10_000, missRatio: 0.1 }] }]);
    assert.match(chart, /\n {6}10 +cache size \(pages, log scale\) +10000\n/);
  });

  it('shows the first policy where curves overlap, and nothing for no points', () => {
    const same = [{ size: 1, missRatio: 0.5 }, { size: 2, missRatio: 0.5 }];
    // Column centres 0.25 0.75 1.25 1.75: the curves span columns 2 and 3.
    const chart = textChart([{ policy: 'a', points: same }, { policy: 'b', points: same }], { width: 4, height: 3 });
    assert.match(chart, /\n 0\.5 \| {2}\*\*\n/);
    assert.equal(textChart([]), '');
  });
});
