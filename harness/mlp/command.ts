// harmonium mlp train / mlp eval: an MLP classifier on MNIST (our split), trained and evaluated on
// the GPU in Node or in headless Chrome, its model file (safetensors, checkpoint.ts) on disk.
import { InputError } from '../../engine/index.js';
import { runOn } from '../backends/index.js';
import { defineCommand } from '../cli/command.js';
import { runTrainingCommand, TRAIN_RUN_FLAGS } from '../cli/train_run.js';
import { adapter, backend, json } from '../cli/flags.js';
import { text, toSpec, type Values } from '../cli/schema.js';
import { toBase64 } from '../io/base64.js';
import type { MlpTrainParams } from './checkpoint.js';
import { MLP_EVAL_JOB, MLP_TRAIN_FLAGS, MLP_TRAIN_JOB } from './flags.js';
import { checkMlpTrainParams, runMlpTrain } from './job.js';
import { readMlpFile } from './model_file.js';

const TRAIN_FLAGS = {
  ...MLP_TRAIN_FLAGS,
  ...TRAIN_RUN_FLAGS,
} as const;

const FORMAT_NOTE = `The model file holds layer{i}.weight [inputs, outputs] and layer{i}.bias [outputs] (F32, y = act(x W + b)),
the optimiser state (m/, v/ or momentum/ + the parameter's name), train_loss (per step), train_errors,
test_error and test_loss (per epoch), and metadata model = "mlp", layers, activation, optimizer, lr,
momentum, batch, dropout, seed, train_count, test_count, epochs, dataset, harmonium.iteration (steps).`;

export const mlpTrainCommand = defineCommand({
  name: 'mlp train',
  summary: 'train an MLP classifier on MNIST (8,000 training / 2,000 test digits) on the GPU',
  flags: TRAIN_FLAGS,
  details: `Logs one line per epoch (train loss, test error, test loss) on stderr. With --json the object holds
layers, activation, optimizer, lr, momentum, batch, dropout, seed, epochs, train_count, test_count,
steps_per_epoch, test_error, test_loss, history (per epoch: train_loss, train_error, test_error,
test_loss), train_loss (per step), examples_per_s, wall_ms, adapter, backend.
${FORMAT_NOTE}`,
  run: runTrain,
});

async function runTrain(values: Values<typeof TRAIN_FLAGS>): Promise<void> {
  const out = values.out;
  if (values.resume && !out) throw new InputError('--resume needs --out FILE (the model to continue)');
  const params: MlpTrainParams = {
    ...values,
    'train-count': undefined,
    'test-count': undefined,
    'resume-model': undefined,
    'return-model': values.backend === 'chrome' && out !== undefined,
  };
  checkMlpTrainParams(params);
  const result = await runTrainingCommand({
    name: 'mlp train',
    values,
    readFile: readMlpFile,
    runHere: (ctx, hooks) => runMlpTrain(ctx, params, hooks),
    spec: (resumeModel) => toSpec('mlp-train', MLP_TRAIN_JOB, { ...params, 'resume-model': resumeModel }),
  });
  if (!result) return;
  const r = result as Record<string, number>;
  const adapterInfo = result.adapter as Record<string, string | boolean>;
  const speed = r.examples_per_s === null ? 'no epoch trained in this run' : `${Math.round(r.examples_per_s)} examples/s`;
  process.stdout.write(
    [
      `MLP ${(result.layers as number[]).join('-')} ${result.activation}, ${result.optimizer} lr ${r.lr}, batch ${r.batch}, dropout ${r.dropout}, seed ${r.seed}: ${r.epochs} epochs on ${r.train_count} digits`,
      `  test error   ${(100 * r.test_error).toFixed(2)}% of ${r.test_count} digits`,
      `  test loss    ${r.test_loss.toFixed(4)}`,
      `  speed        ${speed} on ${adapterInfo.description}${adapterInfo.fallback ? ' (CPU fallback)' : ''} (${values.backend})`,
      ...(out ? [`  model        ${out}`] : []),
      '',
    ].join('\n'),
  );
}

const EVAL_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by mlp train' }),
  backend,
  adapter,
  json,
} as const;

export const mlpEvalCommand = defineCommand({
  name: 'mlp eval',
  summary: "an MLP model's test error and loss on MNIST's 2,000 test digits",
  flags: EVAL_FLAGS,
  details: 'Prints test_error and test_loss; with --json one object with test_error, test_loss, test_count, test_errors, layers, activation, epochs, steps, adapter, backend.',
  run: runEval,
});

async function runEval(values: Values<typeof EVAL_FLAGS>): Promise<void> {
  const { bytes } = readMlpFile('--model', values.model);
  const spec = toSpec('mlp-eval', MLP_EVAL_JOB, { model: toBase64(bytes) });
  const result = await runOn(values.backend, spec, { adapter: values.adapter });
  result.backend = values.backend;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const r = result as Record<string, number>;
  process.stdout.write(`test_error ${r.test_error.toFixed(6)}, test_loss ${r.test_loss.toFixed(6)} (${r.test_errors} of ${r.test_count} test digits wrong)\n`);
}
