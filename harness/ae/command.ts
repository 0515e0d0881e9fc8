// harmonium ae train: an autoencoder on --data as intensities (plain, denoising or contractive; tied or
// untied), trained and evaluated on the GPU in Node or in headless Chrome, its model file on disk.
import type { Command } from '../cli/command.js';
import { trainCommand } from '../train/command.js';
import { AE_FEATURE } from './train.js';

export const aeTrainCommand = trainCommand(AE_FEATURE);

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [aeTrainCommand];
