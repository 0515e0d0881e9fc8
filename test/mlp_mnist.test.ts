// The MLP on MNIST at the training-substrate issue's configuration: the suite's longest test, in a file
// of its own so that test/run.mjs can run the other files beside it (test/mlp.test.ts has the rest).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withJobContext } from '../harness/backends/context.js';
import { readSpec } from '../harness/cli/schema.js';
import type { JsonObject } from '../harness/io/json.js';
import { MLP_TRAIN_JOB } from '../harness/mlp/flags.js';
import { runMlpTrain } from '../harness/mlp/job.js';
import { openTestGpu } from './gpu.js';

const training = suite('MLP training on MNIST (GPU)');

const trainSpec = (spec: JsonObject) => readSpec(MLP_TRAIN_JOB, { job: 'mlp-train', ...spec }, 'mlp-train');

// The issue's configuration, `mlp train --hidden 512,512 --epochs 10 --batch 100 --lr 1e-3 --optimizer
// adam`, seed 1: 4.40% test error on SwiftShader (epochs 6, 8, 9, 10: 4.90, 4.85, 4.55, 4.40%), about
// 2 minutes here, the longest test of the suite. Our split is harder than a random one
// (1-nearest-neighbour: 7.1% test error here, 4.6% on a random 8,000 / 2,000 split of the same
// digits); a 784-256-10 network levels off near 5.5% on it, so the smaller networks a test would
// prefer do not get under 5%.
training('MNIST 784-512-512-10, Adam lr 1e-3, batch 100, 10 epochs, seed 1: test error below 5% (4.40% here), the loss falls', async () => {
  const gpu = await openTestGpu();
  const r = await withJobContext((ctx) => runMlpTrain(ctx, trainSpec({ hidden: [512, 512], epochs: 10, batch: 100, lr: 1e-3, optimizer: 'adam', seed: 1 })), { gpu });
  const losses = r.train_loss as number[];
  assert.is(losses.length, 10 * 80);
  // The first step's loss is that of near-uniform predictions, ln 10 = 2.30.
  assert.ok(Math.abs(losses[0] - Math.log(10)) < 0.3, `first loss ${losses[0]}`);
  const history = r.history as Array<Record<string, number>>;
  assert.ok(history[9].train_loss < history[0].train_loss / 10, `train loss ${history.map((h) => h.train_loss)}`);
  assert.ok((r.test_error as number) < 0.05, `test error ${r.test_error}`);
  process.stderr.write(`    MNIST 784-512-512-10, 10 epochs: test error ${(100 * (r.test_error as number)).toFixed(2)}%, test loss ${(r.test_loss as number).toFixed(4)}\n`);
});

training.run();
