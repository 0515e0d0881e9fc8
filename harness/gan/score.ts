// How a generator's samples look to judges that know the data: on the ring, the modes covered and the
// share of high-quality samples (harness/data/ring.ts); on MNIST, an MLP classifier trained on the
// same digits, its predicted classes' histogram, the histogram's entropy (ln 10 = 2.303 nats when
// every digit is drawn equally; low when the generator has collapsed onto few) and its mean
// confidence (the mean largest softmax probability; high when the samples look like digits).
import { KernelGraph, type RunContext } from '../../engine/index.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Mlp, MlpEvaluator, mlpOptimizerState, MlpTrainer, type MlpTrainingOptions } from '../../models/mlp.js';
import type { LabelledBytes } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';

export interface ClassifierScore {
  /** Samples per predicted class. */
  histogram: number[];
  /** Of the histogram as a distribution, in nats. */
  entropy: number;
  /** The mean of each sample's largest class probability. */
  confidence: number;
  /** Samples the judge could not classify (a logit not finite: a diverged generator's NaN); left out of the rest. */
  invalid: number;
}

/** The judge's training: an MLP 784-256-10 with Adam, 10 epochs (about 6% test error on our split). */
export const JUDGE = { layers: [784, 256, 10], training: { optimizer: 'adam', lr: 1e-3, batch: 100, seed: 1, epochs: 10 } satisfies MlpTrainingOptions };

/** Trains the judge on `train` and measures its test error (the caller releases the Mlp). */
export async function trainJudge(ctx: RunContext, train: LabelledBytes, test: LabelledBytes): Promise<{ mlp: Mlp; testError: number }> {
  const owned = new Owned();
  const mlp = await Mlp.create(ctx, { layers: [train.width, ...JUDGE.layers.slice(1)] }, { seed: JUDGE.training.seed, state: mlpOptimizerState(JUDGE.training) });
  try {
    const data = await owned.add(DeviceDataset.upload(ctx, train, 'judge train'));
    const trainer = await owned.add(MlpTrainer.create(ctx, mlp, data, JUDGE.training));
    while (trainer.epoch < JUDGE.training.epochs) await trainer.trainEpoch();
    const evaluator = await owned.add(MlpEvaluator.create(ctx, mlp, await owned.add(DeviceDataset.upload(ctx, test, 'judge test'))));
    return { mlp, testError: (await evaluator.evaluate()).error };
  } catch (e) {
    mlp.release();
    throw e;
  } finally {
    owned.release();
  }
}

/** The judge's view of `count` samples (count x its inputs, intensities), classified in chunks. */
export async function scoreSamples(ctx: RunContext, mlp: Mlp, samples: Float32Array, count: number, chunk = 500): Promise<ClassifierScore> {
  const owned = new Owned();
  try {
    const rows = Math.min(chunk, count);
    const b = await owned.add(mlp.batch(ctx, rows, { training: false, dropout: false }));
    const graph = new KernelGraph('gan judge');
    await owned.add(mlp.addForward(graph, ctx, b));
    const classes = mlp.classes;
    const histogram = new Array<number>(classes).fill(0);
    let confidence = 0;
    let invalid = 0;
    for (let first = 0; first < count; first += rows) {
      const part = samples.subarray(first * mlp.inputs, Math.min(count, first + rows) * mlp.inputs);
      const x = new Float32Array(rows * mlp.inputs);
      x.set(part);
      await b.x.write(x);
      await ctx.scheduler.run(graph);
      const logits = new Float32Array(await b.outputs[b.outputs.length - 1].read());
      for (let r = 0; r < part.length / mlp.inputs; r++) {
        const row = logits.subarray(r * classes, (r + 1) * classes);
        const top = Math.max(...row);
        if (!Number.isFinite(top) || row.some(Number.isNaN)) {
          invalid++;
          continue;
        }
        const sum = row.reduce((s, v) => s + Math.exp(v - top), 0);
        histogram[row.indexOf(top)]++;
        confidence += 1 / sum;
      }
    }
    const valid = count - invalid;
    const entropy = -histogram.reduce((s, n) => (n > 0 ? s + (n / valid) * Math.log(n / valid) : s), 0);
    return { histogram, entropy, confidence: valid > 0 ? confidence / valid : NaN, invalid };
  } finally {
    owned.release();
  }
}
