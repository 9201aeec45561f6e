// The list of subcommands. One line per command file.
import type { Command } from 'commander';
import { register as diff } from './diff.js';
import { register as kernel } from './kernel.js';
import { register as mrc } from './mrc.js';
import { register as ostep } from './ostep.js';
import { register as proc } from './proc.js';
import { register as record } from './record.js';
import { register as run } from './run.js';
import { register as sim } from './sim.js';
import { register as sweep } from './sweep.js';
import { register as tour } from './tour.js';
import { register as trace } from './trace.js';
import { register as translate } from './translate.js';

export const commands: Array<(program: Command) => void> = [tour, run, kernel, diff, proc, trace, record, sim, mrc, sweep, ostep, translate];
