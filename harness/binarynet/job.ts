// The 'binarynet-train' and 'binarynet-eval' jobs: a BinaryNet trained (the training feature, train.ts)
// and evaluated on the held-out examples on the GPU, plain JSON in and out, the same in Node and in a
// page. The evaluation runs three ways: the trained network as it trains (batch norm in f32, then
// Sign), and the folded network's two inference paths, f32 GEMMs and XNOR-popcount on packed bits,
// which must give bit-identical scores (models/binarynet_inference.ts says why).
import { decodeSafetensors, InputError, type SafetensorsTensor } from '../../engine/index.js';
import { BinaryNet, readBinaryNetConfig } from '../../models/binarynet.js';
import { BinaryNetInference, fileLayers, foldBinaryNet, packedTensors, type FoldedNetwork } from '../../models/binarynet_inference.js';
import { BINARYNET_LOSSES, BinaryNetEvaluator, type BinaryNetLoss } from '../../models/binarynet_training.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { checkModelWidth, labelledBytes } from '../data/dataset.js';
import { loadData } from '../data/source.js';
import { fromBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import { trainJob } from '../train/job.js';
import { BINARYNET_EVAL_JOB } from './flags.js';
import { BINARYNET_FEATURE } from './train.js';

export type BinaryNetEvalParams = Values<typeof BINARYNET_EVAL_JOB>;

/** Examples per batch of the inference paths. */
const INFERENCE_ROWS = 500;

/** The file's packed tensors, where it has them, must be the fold of its weights (a file edited by hand would mislead a deployment). */
export function checkPackedTensors(tensors: Readonly<Record<string, SafetensorsTensor>>, folded: FoldedNetwork, source: string): void {
  for (const [name, expected] of Object.entries(packedTensors(folded))) {
    const saved = tensors[name];
    if (!saved) continue;
    const same = saved.dtype === expected.dtype && saved.data.length === expected.data.length && saved.data.every((v, i) => Object.is(v, expected.data[i]));
    if (!same) throw new InputError(`${source}: tensor '${name}' is not the packed form of the model's weights and batch norm (was the file edited?)`);
  }
}

/** Every example's predicted class by one inference path of a folded network. */
async function predictions(ctx: JobContext, folded: FoldedNetwork, data: DeviceDataset, path: 'float' | 'packed', owned: Owned) {
  const inference = await owned.add(BinaryNetInference.create(ctx, folded, data, { rows: INFERENCE_ROWS, path }));
  return inference.classifyAll();
}

/** The loss a model trained with (metadata 'loss'; a file saved by the library without it: the hinge). */
function lossOf(metadata: Readonly<Record<string, string>>): BinaryNetLoss {
  const loss = metadata.loss ?? 'hinge';
  if (!(BINARYNET_LOSSES as readonly string[]).includes(loss)) throw new InputError(`the model: metadata 'loss' = ${JSON.stringify(loss)} is not one of ${BINARYNET_LOSSES.join(', ')}`);
  return loss as BinaryNetLoss;
}

export async function runBinaryNetEval(ctx: JobContext, p: BinaryNetEvalParams): Promise<JsonObject> {
  const bytes = fromBase64(p.model);
  const file = decodeSafetensors(bytes, 'the model');
  const config = readBinaryNetConfig(file, 'the model');
  const folded = config.binaryActivations ? foldBinaryNet(fileLayers(file.tensors, config, 'the model'), config) : null;
  if (folded) checkPackedTensors(file.tensors, folded, 'the model');
  const { test } = await loadData(ctx.gpu.adapter.runtime, p);
  const owned = new Owned();
  try {
    const { net, metadata } = await BinaryNet.fromSafetensors(ctx, bytes, 'the model');
    await owned.add(net);
    checkModelWidth(net.inputs, test.rows * test.cols);
    const data = await owned.add(DeviceDataset.upload(ctx, labelledBytes(test), 'test'));
    const loss = lossOf(metadata);
    const e = await (await owned.add(BinaryNetEvaluator.create(ctx, net, data, { loss }))).evaluate();
    let paths: JsonObject = { test_error_float: null, test_error_packed: null, agree: null, scores_identical: null };
    if (folded && folded.layers.length > 1) {
      const float = await predictions(ctx, folded, data, 'float', owned);
      const packed = await predictions(ctx, folded, data, 'packed', owned);
      const errors = (pred: Uint32Array) => pred.reduce((n, c, i) => n + (c === test.labels[i] ? 0 : 1), 0) / test.count;
      paths = {
        test_error_float: errors(float.predictions),
        test_error_packed: errors(packed.predictions),
        agree: float.predictions.every((c, i) => c === packed.predictions[i]),
        scores_identical: float.scores.every((v, i) => Object.is(v, packed.scores[i])),
      };
    }
    return {
      test_error: e.error,
      test_loss: e.loss,
      test_count: e.count,
      test_errors: e.errors,
      ...paths,
      layers: net.config.layers as number[],
      binary_activations: net.config.binaryActivations,
      loss,
      // A model saved by the library rather than `binarynet train` may not say how long it trained.
      epochs: metadata.epochs === undefined ? null : Number(metadata.epochs),
      steps: net.params.iteration,
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    owned.release();
  }
}

export const binaryNetTrainJob = trainJob(BINARYNET_FEATURE);
export const binaryNetEvalJob = defineJob(BINARYNET_EVAL_JOB, runBinaryNetEval);
