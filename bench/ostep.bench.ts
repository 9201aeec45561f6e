// The OSTEP homework drop-ins (src/lab/ostep): CPython-exact random() and whole
// script runs, in-process (no Node start-up). Refs/s for a policy run is
// 100 000 / the mean time per run.
import { bench, do_not_optimize, run as runBenches, summary } from 'mitata';
import { PyRandom } from '../src/lab/ostep/py_random.js';
import { runPolicy } from '../src/lab/ostep/policy.js';
import { runLinear } from '../src/lab/ostep/linear.js';
import { runMultilevel } from '../src/lab/ostep/multilevel.js';

const env = { prog: 'bench' };

export async function run(): Promise<void> {
  const rng = new PyRandom(1);
  bench('PyRandom.random()', () => do_not_optimize(rng.random()));
  bench('PyRandom.randbelow(1000)', () => do_not_optimize(rng.randbelow(1000)));

  summary(() => {
    for (const policy of ['FIFO', 'LRU', 'MRU', 'RAND', 'CLOCK', 'OPT', 'UNOPT']) {
      const argv = ['-c', '-N', '-s', '1', '-n', '100000', '-m', '1000', '-C', '100', '-p', policy];
      bench(`policy -N ${policy}: 100k refs, 1000 pages, cache 100`, () => do_not_optimize(runPolicy(argv, env)));
    }
  });
  const traced = ['-c', '-s', '1', '-n', '20000', '-m', '50', '-C', '8', '-p', 'LRU'];
  bench('policy LRU with the per-access trace: 20k lines', () => do_not_optimize(runPolicy(traced, env)));
  const linear = ['-c', '-s', '1', '-a', '16m', '-p', '32m', '-P', '1k', '-n', '1000'];
  bench('linear: 16384-entry table, 1000 translations', () => do_not_optimize(runLinear(linear, env)));
  bench('multilevel: defaults with -c', () => do_not_optimize(runMultilevel(['-c'], env)));
  await runBenches();
}
