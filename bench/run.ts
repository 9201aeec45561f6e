// `npm run bench`: every benchmark suite in turn, figures on stdout.
// Each suite is a module exporting `run(): Promise<void>`; see bench/*.bench.ts.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const suites = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

for (const file of suites) {
  const mod = (await import(join(here, file))) as { run: () => Promise<void> };
  await mod.run();
}
if (suites.length === 0) console.log('no benchmark suites found');
