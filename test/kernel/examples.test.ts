// The examples are scenarios like any other: each one that the real kernel
// can run must print in the simulator what the kernel printed
// (test/kernel/examples/NAME.out, captured by
// `scripts/capture-goldens.sh --examples`): exactly, except for the fields
// an example gives a `# tolerance FIELD=N%` (the memory-pressure ones).
// Simulator-only examples (exec) must at least run without a script error
// and leave the kernel sound.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatRun } from '../../src/workload/scenario/format.js';
import { parseScenario } from '../../src/workload/scenario/parse.js';
import { SimRun } from '../../src/workload/scenario/sim_runner.js';
import { tourStop } from '../../src/cli/commands/tour.js';
import { compareOutputs, parseTolerances } from '../../src/workload/scenario/tolerance.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const goldens = join(import.meta.dirname, 'examples');

describe('examples', () => {
  const files = readdirSync(examples)
    .filter((f) => f.endsWith('.scn'))
    .sort();
  it('cover the FAQ questions of the core engine, memory zones and memory pressure (25 scenarios)', () => {
    assert.ok(files.length >= 25);
  });
  for (const file of files) {
    const name = file.slice(0, -4);
    it(name, () => {
      const source = readFileSync(join(examples, file), 'utf8');
      assert.match(source, /^# .+\?|^# [A-Z]/, 'starts with the question it answers');
      assert.match(source, /Look at:/, 'says what to look at');
      const program = parseScenario(source);
      const run = new SimRun(program);
      const out = formatRun(program, run.run());
      assert.deepEqual(run.kernel.checkInvariants(), []);
      const golden = join(goldens, `${name}.out`);
      if (source.includes('(Simulator only')) {
        assert.equal(out.error, null);
        assert.ok(!existsSync(golden));
      } else {
        // An example may end at a script error on purpose (a refused fork): the
        // kernel's output ends with the same ERROR line.
        let text = out.lines.map((l) => l + '\n').join('');
        if (out.error) text += `ERROR line ${out.error.line}: ${out.error.message}\n`;
        assert.deepEqual(compareOutputs(readFileSync(golden, 'utf8'), text, parseTolerances(source)), []);
      }
      assert.ok(tourStop(file, source, false).includes(out.lines[0] ?? ''));
    });
  }
});
