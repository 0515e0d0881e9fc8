// harmonium ae train: an autoencoder on --data as intensities (plain, denoising or contractive; tied or
// untied), trained and evaluated on the GPU in Node or in headless Chrome, its model file on disk.
import { trainCommand } from '../train/command.js';
import { AE_FEATURE } from './train.js';

export const aeTrainCommand = trainCommand(AE_FEATURE);
