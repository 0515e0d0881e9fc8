// The training core (models/training.ts) as every trainer uses it: a loss gone NaN or infinite stops
// training at the step, naming it, with the state rolled back to the epoch's start; a model stopped
// mid-epoch is refused where epochs must be whole; the planned epochs are an end (GPU).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { DeviceDataset } from '../models/minibatch.js';
import { Mlp, MlpTrainer, mlpOptimizerState, type MlpTrainingOptions } from '../models/mlp.js';
import { TrainingDivergedError } from '../models/training.js';
import { expectError } from './expect.js';
import { readF32, withGpu, type GpuContext } from './gpu.js';
import { randomF32 } from './random.js';

/** A 6-4-3 classifier and 60 examples of 6 pixels in 3 classes. */
async function tiny(ctx: GpuContext, o: MlpTrainingOptions) {
  const mlp = await Mlp.create(ctx, { layers: [6, 4, 3], activation: 'relu' }, { seed: 2, state: mlpOptimizerState(o) });
  const images = Uint8Array.from(randomF32(60 * 6, 5), (x) => Math.round(127.5 * (x + 1)));
  const data = await DeviceDataset.upload(ctx, { images, labels: Uint8Array.from({ length: 60 }, (_, i) => i % 3), count: 60, width: 6 });
  return { mlp, data };
}

const values = async (mlp: Mlp) => Promise.all(mlp.params.params.flatMap((p) => [readF32(p.value), ...mlp.params.state.map((slot) => readF32(p.state[slot]))]));

const core = suite('the training core (GPU)');

core('a loss that becomes NaN stops training at its step, and the parameters and optimiser state go back to the epoch start', () =>
  withGpu(async (ctx) => {
    const o: MlpTrainingOptions = { optimizer: 'sgd', momentum: 0.5, lr: 1e30, batch: 10, seed: 1, epochs: 2 };
    const { mlp, data } = await tiny(ctx, o);
    const trainer = await MlpTrainer.create(ctx, mlp, data, o);
    try {
      const before = await values(mlp);
      let error: unknown;
      await trainer.trainEpoch().catch((e: unknown) => (error = e));
      assert.ok(error instanceof TrainingDivergedError, `expected a TrainingDivergedError, got ${String(error)}`);
      const e = error as TrainingDivergedError;
      assert.match(e.message, /^the loss became (NaN|Infinity|-Infinity) at step (\d) \(step \2 of epoch 1\); training stopped and the model is back at the start of epoch 1$/);
      assert.ok(e.step >= 1 && e.step <= 6, `step ${e.step}`);
      assert.is(trainer.epoch, 0);
      const after = await values(mlp);
      after.forEach((a, i) => assert.ok(Buffer.from(a.buffer).equals(Buffer.from(before[i].buffer)), `tensor ${i} rolled back bit for bit`));
    } finally {
      trainer.release();
      data.release();
      mlp.release();
    }
  }));

core('a model stopped mid-epoch is refused where epochs are whole; past the planned epochs, an epoch is an error', () =>
  withGpu(async (ctx) => {
    const o: MlpTrainingOptions = { optimizer: 'adam', lr: 1e-3, batch: 10, seed: 1, epochs: 1 };
    const { mlp, data } = await tiny(ctx, o);
    try {
      mlp.params.iteration = 3;
      await expectError(() => MlpTrainer.create(ctx, mlp, data, o), InputError, 'mlp training: the model is at step 3, not at the end of an epoch of 6 steps');
      mlp.params.iteration = 0;
      await expectError(() => MlpTrainer.create(ctx, mlp, data, { ...o, batch: 61 }), InputError, 'mlp training: batch 61 exceeds the 60 training examples');
      const trainer = await MlpTrainer.create(ctx, mlp, data, o);
      try {
        const epoch = await trainer.trainEpoch();
        assert.equal([epoch.epoch, epoch.examples, epoch.losses.length], [0, 60, 6]);
        assert.ok([...epoch.losses].every(Number.isFinite));
        await expectError(() => trainer.trainEpoch(), InputError, 'mlp training: 1 epochs done, the planned 1 reached');
      } finally {
        trainer.release();
      }
    } finally {
      data.release();
      mlp.release();
    }
  }));

core.run();
