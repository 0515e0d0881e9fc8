// The 'bench-vae' job: one training epoch of the VAE (784-H-(20)-H-784, relu, Adam, batch 100 on our
// 8,000 MNIST training digits as intensities) in examples/s, beside the same model written with
// tfjs-backend-webgpu on the same device in the same run, and the fraction of the adapter's measured
// FMA peak reached. Before timing, each is checked from the same initial weights and the same normal
// draws: our first step's -ELBO against the float64 reference, tfjs's first -ELBO and its -ELBO after
// one Adam step against ours.
import { HarmoniumError, InputError, KernelGraph, type RunContext } from '../../engine/index.js';
import { addOptimizerStep, addSample } from '../../engine/ops/index.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { Vae, type VaeConfig } from '../../models/vae.js';
import { VAE_OPTIMIZER_STATE, VAE_TRAINING, VaeTrainer, validateVaeTraining, type VaeTrainingOptions } from '../../models/vae_training.js';
import { reps, sizes } from '../bench/flags.js';
import { benchJob, type Workload } from '../bench/flow.js';
import { validateClose } from '../bench/validate.js';
import { optionFlag } from '../cli/options.js';
import { integer, withDefault } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import type { TfjsPeer } from '../gemm/tfjs_peer.js';
import type { JsonObject } from '../io/json.js';
import type { LabelledBytes } from '../../models/minibatch.js';
import { loadVaeMnist } from './data.js';
import { vaeLossReference } from './reference.js';
import { tfjsVae } from './tfjs_vae.js';
import { mean } from '../../models/stats.js';

export const BENCH_VAE_JOB = {
  sizes: withDefault(sizes, [400]),
  reps,
  latent: integer({ hidden: true, min: 1, default: 20, help: 'latent dimensions' }),
  batch: optionFlag(VAE_TRAINING.batch, { hidden: true, help: 'examples per step' }),
  lr: optionFlag(VAE_TRAINING.lr, { hidden: true, help: "Adam's learning rate" }),
  'train-count': DATA_FLAGS['train-count'],
} as const;

const SEED = 1;

/**
 * Useful f32 operations per training example of the inputs-hidden-(latent)-hidden-inputs VAE (2 per
 * multiply-add): every product's forward and weight gradient, and the input gradient of every product
 * but the first layer's (the two heads count as two products).
 */
export function vaeFlopsPerExample(inputs: number, hidden: number, latent: number): number {
  const first = inputs * hidden;
  const rest = [hidden * latent, hidden * latent, latent * hidden, hidden * inputs].reduce((a, b) => a + b, 0);
  return 2 * (2 * first + 3 * rest);
}

/** The network as the table shows it: 784-400-(20)-400-784 from its widths [784, 400, 20, 400, 784]. */
export function vaeNetworkName(layers: readonly number[]): string {
  return `${layers[0]}-${layers[1]}-(${layers[2]})-${layers[3]}-${layers[4]}`;
}

/** Fails unless |actual - expected| <= rtol |expected| (the report names what was compared). */
function expectClose(what: string, actual: number, expected: number, rtol: number): void {
  const v = validateClose(`bench vae: ${what}`, [actual], [expected], { atol: 0, rtol });
  if (!v.ok) throw new HarmoniumError(`${v.message}; not timing it`);
}

/** Our model from seed 1 and its initial parameter values on the host (the peer starts from the same). */
async function freshModel(ctx: RunContext, config: VaeConfig): Promise<{ vae: Vae; values: Record<string, Float32Array> }> {
  const vae = await Vae.create(ctx, config, { seed: SEED, state: VAE_OPTIMIZER_STATE });
  const values: Record<string, Float32Array> = {};
  for (const p of vae.params.params) values[p.name] = new Float32Array(await p.value.read());
  return { vae, values };
}

/**
 * One Adam step on the first `batch` digits from the same initial weights and the same normals (the
 * draw's own Philox stream at step 0): our -ELBO against the float64 reference, and (with the peer)
 * tfjs's -ELBO before and after the step against ours.
 */
async function validate(ctx: RunContext, config: VaeConfig, train: LabelledBytes, o: { batch: number; lr: number }, peer: TfjsPeer | null): Promise<JsonObject> {
  const owned = new Owned();
  try {
    const { vae, values } = await freshModel(ctx, config);
    await owned.add(vae);
    const images = train.images.subarray(0, o.batch * train.width);
    const x = Float32Array.from(images, (v) => v / 255);
    const b = await owned.add(vae.batch(ctx, o.batch, { training: true }));
    await b.x.write(x);
    const eps = await owned.add(ctx.pool.tensor('bench vae eps', 'f32', [o.batch, vae.latentWidth]));
    const draw = { seed: SEED };
    const step = new KernelGraph('bench vae check step');
    await owned.add(addSample(step, ctx, { distribution: 'gaussian', output: eps, seed: SEED, step: 0 }));
    await owned.add(vae.addGradients(step, ctx, b, { draw }));
    await owned.add(addOptimizerStep(step, ctx, vae.params, { kind: 'adam', lr: o.lr }));
    const after = new KernelGraph('bench vae check loss');
    await owned.add(vae.addGradients(after, ctx, b, { draw }));
    const loss = async () => mean(new Float32Array(await b.reconstruction.read())) + mean(new Float32Array(await b.kl.read()));
    await ctx.scheduler.run(step, { firstIteration: 0 });
    const ours = await loss();
    const noise = new Float32Array(await eps.read());
    await ctx.scheduler.run(after, { firstIteration: 0 });
    const oursAfter = await loss();
    const reference = vaeLossReference({ config: vae.config, values }, x, o.batch, noise).loss;
    // Sums of 784 f32 cross-entropies after f32 products of 784 terms.
    expectClose('first-step -ELBO, ours vs the float64 reference', ours, reference, 1e-5);
    const check: JsonObject = { first_loss: ours, reference_first_loss: reference, loss_after_step: oursAfter };
    if (peer) {
      const model = tfjsVae(peer.tf, { inputs: config.inputs, hidden: config.hidden[0], latent: vae.latentWidth, values, images, count: o.batch, batch: o.batch, lr: o.lr });
      try {
        const tfjsFirst = await model.stepWith(noise);
        const tfjsAfter = await model.lossWith(noise);
        expectClose('first-step -ELBO, tfjs vs ours', tfjsFirst, ours, 1e-4);
        // Adam's first step moves each parameter by about lr against its gradient's sign; where a
        // gradient is near 0 the two may disagree in sign, which moves the loss by far less than this.
        expectClose('-ELBO after one Adam step, tfjs vs ours', tfjsAfter, oursAfter, 1e-3);
        Object.assign(check, { tfjs_first_loss: tfjsFirst, tfjs_loss_after_step: tfjsAfter });
      } finally {
        model.dispose();
      }
    }
    return check;
  } finally {
    owned.release();
  }
}

/** One epoch timed on the host to its readback: `reps` repetitions after one warm-up. */
export const benchVaeJob = benchJob('vae', BENCH_VAE_JOB, async (ctx, p, bench) => {
  const { sizes, batch, lr, latent } = p;
  const { train } = await loadVaeMnist(ctx.gpu.adapter.runtime, { trainCount: p['train-count'] });
  if (batch > train.count) throw new InputError(`bench vae: batch ${batch} exceeds the ${train.count} training digits`);
  const examples = Math.floor(train.count / batch) * batch;
  for (const hidden of sizes) {
    const config: VaeConfig = { inputs: train.width, hidden: [hidden], latent: { kind: 'gaussian', size: latent }, activation: 'relu' };
    // Intensities, as the tfjs user's model trains (no dynamic binarisation on either side).
    const options: VaeTrainingOptions = { lr, batch, seed: SEED, epochs: 1 + bench.reps, binarize: false };
    const layers = [train.width, hidden, latent, hidden, train.width];
    const w: Workload = { label: vaeNetworkName(layers), fields: { layers, hidden, latent, batch, examples_per_epoch: examples }, units: examples, flopsPerUnit: vaeFlopsPerExample(train.width, hidden, latent) };
    let validated: JsonObject | null = null;
    const ensureValid = async () => {
      validated ??= { hidden, latent, ...(await validate(ctx, config, train, { batch, lr }, bench.peer)) };
    };
    const owned = new Owned();
    try {
      const { vae, values } = await freshModel(ctx, config);
      await owned.add(vae);
      const data = await owned.add(DeviceDataset.upload(ctx, train, 'bench vae train'));
      const trainer = await owned.add(VaeTrainer.create(ctx, vae, data, options));
      const ours = await bench.time('harmonium', w, () => trainer.trainEpoch(), { validate: ensureValid });
      await bench.timePeer(w, ours, (peer) => {
        const model = tfjsVae(peer.tf, { inputs: train.width, hidden, latent, values, images: train.images, count: train.count, batch, lr });
        return { run: () => model.trainEpoch(), dispose: () => model.dispose() };
      });
    } finally {
      owned.release();
    }
    bench.checks.push(validated);
  }
  return { sizes: sizes as number[], reps: bench.reps, latent, batch, lr, train_count: train.count, optimizer: 'adam', activation: 'relu', seed: SEED };
}, (p) => validateVaeTraining({ lr: p.lr, batch: p.batch, seed: SEED, epochs: 1 }));
