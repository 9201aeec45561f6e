// The list of subcommands. One line per command file.
import type { Command } from 'commander';

export const commands: Array<(program: Command) => void> = [];
