// A stand-in `trace` command for this branch only, so that `mmsim trace FILE
// --cachegrind` runs before the real `trace` command (convert, stats, gen)
// lands. Drop this file and its line in index.ts at merge; the real trace.ts
// calls registerReplay() on its own command.
import type { Command } from 'commander';
import { registerReplay } from './trace_replay.js';

export function register(program: Command): void {
  registerReplay(program.command('trace').description('memory traces: replay'));
}
