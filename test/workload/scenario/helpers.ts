// Shared by the scenario-language tests: a scenario run on the simulator, and
// the one-line message a malformed scenario is refused with.
import { formatRun, type FormattedRun } from '../../../src/workload/scenario/format.js';
import { parseScenario, ScenarioError } from '../../../src/workload/scenario/parse.js';
import { SimRun } from '../../../src/workload/scenario/sim_runner.js';

/** The output of `src` run on the simulator, and where it stopped with an error (null if it ran to the end). */
export function simulate(src: string): FormattedRun {
  const program = parseScenario(src);
  return formatRun(program, new SimRun(program).run());
}

/** The ScenarioError message parsing `src` gives, or 'no error'. */
export function scenarioError(src: string): string {
  try {
    parseScenario(src);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  return 'no error';
}
