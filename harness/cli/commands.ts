// Every command of the CLI: each feature folder exports its own, this list orders them for --help.
import type { Command } from './command.js';
import { isingCommand } from '../ising/command.js';
import { studyCommand } from '../report/study.js';
import { benchCommand } from '../bench/command.js';
import { tuneCommand } from '../gemm/tune.js';
import { serveCommand } from '../server/command.js';
import { docsCommand } from './docs.js';
import { mlpEvalCommand, mlpTrainCommand } from '../mlp/command.js';
import { hopfieldCapacityCommand, hopfieldRecallCommand } from '../hopfield/command.js';
import { tspCommand } from '../tsp/command.js';
import { boltzmannTrainCommand } from '../boltzmann/command.js';
import { rbmEvalCommand, rbmFiltersCommand, rbmSampleCommand, rbmTrainCommand } from '../rbm/command.js';
import { vaeEvalCommand, vaeManifoldCommand, vaeReconstructCommand, vaeSampleCommand, vaeTrainCommand } from '../vae/command.js';
import { aeTrainCommand } from '../ae/command.js';

export const COMMANDS: readonly Command[] = [isingCommand, mlpTrainCommand, mlpEvalCommand, hopfieldCapacityCommand, hopfieldRecallCommand, tspCommand, boltzmannTrainCommand, rbmTrainCommand, rbmEvalCommand, rbmSampleCommand, rbmFiltersCommand, aeTrainCommand, vaeTrainCommand, vaeEvalCommand, vaeSampleCommand, vaeReconstructCommand, vaeManifoldCommand, benchCommand, studyCommand, tuneCommand, serveCommand, docsCommand(() => COMMANDS)];
