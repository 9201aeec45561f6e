// The memory-pressure fidelity suite: every scenario under
// test/kernel/pressure runs in the simulator and must print what this
// machine's real kernel printed (NAME.out, captured by `mmsim kernel`
// through scripts/capture-goldens.sh --pressure, which requires two real runs
// to agree), field by field: a field the scenario gives `# tolerance
// FIELD=N%` within N%, everything else (outcomes, signals, `killed`,
// `events`, oom_score, peeked values, the number and order of lines) exact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatRun } from '../../src/workload/scenario/format.js';
import { parseScenario } from '../../src/workload/scenario/parse.js';
import { SimRun } from '../../src/workload/scenario/sim_runner.js';
import { compareOutputs, parseTolerances } from '../../src/workload/scenario/tolerance.js';

const dir = join(import.meta.dirname, 'pressure');
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.scn'))
  .sort();

describe('kernel fidelity under memory pressure: simulator against the real kernel, within stated tolerances', () => {
  it('has at least 15 scenarios with goldens, each starting with a comment', () => {
    assert.ok(scenarios.length >= 15);
    for (const f of scenarios) assert.match(readFileSync(join(dir, f), 'utf8'), /^# \S/, f);
  });
  for (const file of scenarios) {
    const name = file.slice(0, -4);
    it(name, () => {
      const source = readFileSync(join(dir, file), 'utf8');
      const golden = readFileSync(join(dir, `${name}.out`), 'utf8');
      const program = parseScenario(source);
      const run = new SimRun(program);
      const out = formatRun(program, run.run());
      let text = out.lines.map((l) => l + '\n').join('');
      if (out.error) text += `ERROR line ${out.error.line}: ${out.error.message}\n`;
      assert.deepEqual(compareOutputs(golden, text, parseTolerances(source)), []);
      assert.deepEqual(run.kernel.checkInvariants(), []);
    });
  }
});
