// Compares two outputs of a scenario under the tolerances the scenario
// states (`# tolerance FIELD=N%`), for scripts/capture-goldens.sh:
//   node --import tsx scripts/compare-outputs.ts SCENARIO EXPECTED ACTUAL
// Exit status 0 when they agree, 1 (with one line per difference on stdout)
// when they do not, 2 on a bad scenario or unreadable file.
import { readFileSync } from 'node:fs';
import { compareOutputs, parseTolerances } from '../src/workload/scenario/tolerance.js';

const [scenario, expected, actual] = process.argv.slice(2);
if (actual === undefined) {
  process.stderr.write('usage: compare-outputs.ts SCENARIO EXPECTED ACTUAL\n');
  process.exit(2);
}
let diffs: string[];
try {
  diffs = compareOutputs(readFileSync(expected!, 'utf8'), readFileSync(actual, 'utf8'), parseTolerances(readFileSync(scenario!, 'utf8')));
} catch (e) {
  process.stderr.write(`compare-outputs: ${(e as Error).message}\n`);
  process.exit(2);
}
for (const d of diffs) process.stdout.write(`${d}\n`);
process.exit(diffs.length === 0 ? 0 : 1);
