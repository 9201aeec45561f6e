// The fidelity suite: every scenario under test/kernel/scenarios runs in the
// simulator and must print exactly what this machine's real kernel printed
// (NAME.out, captured by `mmsim kernel` through scripts/capture-goldens.sh).
// After each run the simulator's global invariants must hold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatRun } from '../../src/workload/scenario/format.js';
import { parseScenario } from '../../src/workload/scenario/parse.js';
import { SimRun } from '../../src/workload/scenario/sim_runner.js';

const dir = join(import.meta.dirname, 'scenarios');
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.scn'))
  .sort();

describe('kernel fidelity: simulator output equals the real kernel', () => {
  it('has at least 30 scenarios with goldens', () => {
    assert.ok(scenarios.length >= 30);
  });
  for (const file of scenarios) {
    const name = file.slice(0, -4);
    it(name, () => {
      const golden = readFileSync(join(dir, `${name}.out`), 'utf8');
      const program = parseScenario(readFileSync(join(dir, file), 'utf8'));
      const run = new SimRun(program);
      const out = formatRun(program, run.run());
      let text = out.lines.map((l) => l + '\n').join('');
      if (out.error) text += `ERROR line ${out.error.line}: ${out.error.message}\n`;
      assert.equal(text, golden);
      assert.deepEqual(run.kernel.checkInvariants(), []);
    });
  }
});
