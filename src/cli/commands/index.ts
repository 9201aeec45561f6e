// The list of subcommands. One line per command file.
import type { Command } from 'commander';
import { register as kernel } from './kernel.js';
import { register as run } from './run.js';

export const commands: Array<(program: Command) => void> = [run, kernel];
