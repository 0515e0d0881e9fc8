// The gemm feature's commands (harness/cli/commands.ts loads them): the tile tuner.
import type { Command } from '../cli/command.js';
import { tuneCommand } from './tune.js';

export const commands: readonly Command[] = [tuneCommand];
