// The 'ae-train' job: an autoencoder trained and evaluated by the training feature (train.ts), plain
// JSON in and out in Node or a page.
import type { JobContext } from '../backends/context.js';
import type { JsonObject } from '../io/json.js';
import type { TrainParams } from '../train/feature.js';
import { runTraining, trainJob, type TrainHooks } from '../train/job.js';
import type { AE_TRAIN_FLAGS } from './flags.js';
import { AE_FEATURE } from './train.js';

export const runAeTrain = (ctx: JobContext, p: TrainParams<typeof AE_TRAIN_FLAGS>, hooks?: TrainHooks): Promise<JsonObject> => runTraining(AE_FEATURE, ctx, p, hooks);

export const aeTrainJob = trainJob(AE_FEATURE);
