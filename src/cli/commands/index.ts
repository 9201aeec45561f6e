// The list of subcommands. One line per command file.
import type { Command } from 'commander';
import { register as registerTraceForTesting } from './trace_replay_dev.js';

export const commands: Array<(program: Command) => void> = [registerTraceForTesting];
