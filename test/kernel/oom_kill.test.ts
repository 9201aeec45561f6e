// Tests of the OOM killer against hand-computed badness and victims, in
// particular oom_score_adj -1000, which the real-kernel goldens of this
// project cannot show (their runner has no CAP_SYS_RESOURCE and cannot
// lower oom_score_adj below 0).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { oomBadness, oomScore } from '../../src/kernel/oom_kill.js';
import { formatRun } from '../../src/workload/scenario/format.js';
import { parseScenario } from '../../src/workload/scenario/parse.js';
import { SimRun } from '../../src/workload/scenario/sim_runner.js';

function sim(text: string) {
  const program = parseScenario(text);
  const run = new SimRun(program);
  const out = formatRun(program, run.run());
  return { run, out };
}

describe('kernel/oom_kill', () => {
  it('computes badness as rss + swap entries + page tables + adj x totalpages/1000', () => {
    // 64M machine, no swap: totalpages = 16384, so one unit of adj is 16 pages.
    const { run } = sim('machine memtotal=64M swap=0 min_free_kbytes=1024\nfork c\nin c\nmmap m 4M anon private rw\ntouch m 0 4M write\noom_score_adj 500');
    const task = run.procs[1]!.task;
    // 1024 pages resident; the touches in the first slot made a PUD, a PMD
    // and two PTE tables (4M spans two 2M PMD entries).
    assert.equal(Math.floor(task.mm!.pgtablesBytes / 4096), 4);
    assert.equal(oomBadness(task, 16384), 1024 + 4 + 500 * 16);
    // oom_score = (1000 + 9028 * 1000 / 16384) * 2 / 3 = (1000 + 551) * 2 / 3 = 1034
    assert.equal(oomScore(run.kernel, task), 1034);
  });

  it('never picks a process at -1000, however large, and shows oom_score 0 for it', () => {
    // main (at -1000, as every scenario's main) holds 40M; the child, at 0,
    // holds less but is the only possible victim when it asks for more.
    const { run, out } = sim(
      [
        'machine memtotal=64M swap=0 min_free_kbytes=1024',
        'mmap big 40M anon private rw',
        'touch big 0 40M write',
        'oom_score main_score',
        'fork c',
        'in c',
        'mmap m 30M anon private rw',
        'touch m 0 30M write',
        'in main',
        'events e',
      ].join('\n'),
    );
    assert.equal(out.error, null);
    assert.deepEqual(out.lines.slice(-4), ['main_score proc=main oom_score=0 oom_score_adj=-1000', 'mmap m 30M anon private rw -> ok', 'touch m 0 30M write -> killed', 'e oom_kill proc=c']);
    assert.equal(oomBadness(run.procs[0]!.task, 16384), null);
  });

  it('lets a child set -1000 and then passes it over for a smaller one', () => {
    const { out } = sim(
      [
        'machine memtotal=64M swap=0 min_free_kbytes=1024',
        'fork exempt',
        'in exempt',
        'oom_score_adj -1000',
        'mmap m 30M anon private rw',
        'touch m 0 30M write',
        'in main',
        'fork small',
        'in small',
        'mmap m 8M anon private rw',
        'touch m 0 8M write',
        'in main',
        'fork hungry',
        'in hungry',
        'mmap m 28M anon private rw',
        'touch m 0 28M write',
        'in main',
        'events e',
      ].join('\n'),
    );
    assert.equal(out.error, null);
    // 30M + 8M + 28M do not fit: hungry, by then larger than small (8M), is
    // killed;
    // exempt, with 30M, is never a candidate.
    assert.deepEqual(out.lines.filter((l) => l.startsWith('e ') || l.includes('killed')), ['touch m 0 28M write -> killed', 'e oom_kill proc=hungry']);
  });
});
