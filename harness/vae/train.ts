// `vae train`: a VAE trained on --data (MNIST's split by default) as intensities binarised afresh at
// every step, evaluated after every epoch on the held-out examples binarised once (a fixed stream), so
// that every run's log-likelihoods (nats) compare. The training feature's adapter (harness/train). The
// model file holds, beside encoder{i}.*, the heads (mean.*, log_var.* or logits.*), decoder{i}.* and
// Adam's m/ and v/:
//   train_reconstruction, train_kl F32 [steps]    each step's batch means (nats)
//   test_elbo, test_reconstruction, test_kl F64 [epochs]   after each epoch, on the binarised test digits
// and metadata model 'vae', inputs, hidden, latent ('20' or '30x10'), activation, beta, lr, batch,
// seed, tau, tau_min, tau_steps, straight_through, iwae (when > 0), train_count, test_count, epochs (done), dataset.
import { checkModelWidth } from '../data/dataset.js';
import { InputError } from '../../engine/index.js';
import { checkOption } from '../../models/options.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { formatLatent, parseLatent, readVaeConfig, validateVaeConfig, Vae, type VaeConfig, type VaeLatent } from '../../models/vae.js';
import { VaeEvaluator } from '../../models/vae_eval.js';
import { VAE_OPTIMIZER_STATE, VAE_TRAINING, VaeTrainer, validateVaeTraining, type VaeEpoch, type VaeTrainingOptions } from '../../models/vae_training.js';
import type { Json } from '../io/json.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { perEpoch, perStep } from '../train/history.js';
import { VAE_DATA_NOTE, vaeData, type VaeMnist } from './data.js';
import { VAE_TRAIN_FLAGS } from './flags.js';
import { mean } from '../../models/stats.js';

type Params = TrainParams<typeof VAE_TRAIN_FLAGS>;

/** The latent of a run: --latent-categorical GxK when given, else a gaussian of --latent dimensions. */
function latentOf(p: Pick<Params, 'latent' | 'latent-categorical'>): VaeLatent {
  const text = p['latent-categorical'];
  if (text === undefined) return { kind: 'gaussian', size: p.latent };
  if (!/^\d+x\d+$/.test(text)) throw new InputError(`--latent-categorical ${text}: must be G x K as GxK, e.g. 30x10`);
  return parseLatent(text);
}

/** The network of a run: the data's inputs (MNIST's 784 before any is read), the hidden widths, the latent. */
export function vaeConfigOf(p: Pick<Params, 'hidden' | 'latent' | 'latent-categorical' | 'activation'>, inputs = 784): VaeConfig {
  return { inputs, hidden: p.hidden, latent: latentOf(p), activation: p.activation };
}

/** The training options of a run: Adam at --lr, the KL weighted by --beta, the temperature annealed linearly from --tau to --tau-min. */
export function vaeTrainingOf(p: Params): VaeTrainingOptions {
  return {
    lr: p.lr,
    batch: p.batch,
    seed: p.seed,
    epochs: p.epochs,
    beta: p.beta,
    temperature: { kind: 'linear', from: p.tau, to: p['tau-min'], steps: p['tau-steps'] },
    straightThrough: p['straight-through'],
    iwae: p.iwae,
  };
}

export const VAE_FEATURE: TrainingFeature<typeof VAE_TRAIN_FLAGS, Vae, VaeEpoch, VaeMnist> = {
  name: 'vae',
  summary: 'train a variational autoencoder (on MNIST by default: 8,000 training digits, binarised afresh each step) on the GPU',
  details: `Loss = -ELBO = -log p(x | z) + beta KL(q(z | x) || p(z)) with one reparameterised draw per example
(a Gumbel-softmax draw per categorical with --latent-categorical); with --iwae K the importance-weighted
bound -log (1/K) sum_k p(x, z_k) / q(z_k | x) over K draws per example (Burda et al. 2016), the train
terms then the draws' mean -log p(x | z) and log q(z | x) - log p(z). Logs one line per epoch (train and test
ELBO in nats; the test examples are binarised once). A loss that becomes NaN stops training with an error
naming the step; the model file keeps the last good epoch. With --json the object holds hidden, latent,
activation, beta, objective, lr, batch, seed, epochs, train_count, test_count, steps_per_epoch, test_elbo,
test_reconstruction, test_kl, history (per epoch), train_reconstruction and train_kl (per step),
examples_per_s, wall_ms, adapter, backend.
The model file holds encoder{i}.weight [inputs, outputs] and .bias, the heads mean.* and log_var.*
(gaussian) or logits.* (categorical), decoder{i}.* (the last gives the pixels' logits), Adam's m/ and v/,
train_reconstruction and train_kl (per step), test_elbo, test_reconstruction and test_kl (per epoch), and
metadata model = "vae", inputs, hidden, latent ('20' or '30x10'), activation, beta, lr, batch, seed, tau,
tau_min, tau_steps, straight_through, train_count, test_count, epochs, dataset, harmonium.iteration (steps).`,
  flags: VAE_TRAIN_FLAGS,
  check(p) {
    validateVaeConfig(vaeConfigOf(p));
    // The ends of the temperature's anneal: the temperature's own range.
    const tau = { ...VAE_TRAINING.temperature, text: 'be positive' };
    checkOption(tau, p.tau, '--tau');
    checkOption(tau, p['tau-min'], '--tau-min');
    validateVaeTraining(vaeTrainingOf(p));
    if (p.iwae > 0 && p['latent-categorical'] !== undefined) throw new InputError('--iwae is for a gaussian latent, not --latent-categorical');
  },
  readConfig: readVaeConfig,
  dataNote: VAE_DATA_NOTE,
  prepare: async (_runtime, _p, split) => vaeData(split),
  create: (ctx, p, data) => Vae.create(ctx, vaeConfigOf(p, data.train.width), { seed: p.seed, state: VAE_OPTIMIZER_STATE }),
  restore: (ctx, bytes, source) => Vae.fromSafetensors(ctx, bytes, source).then(({ vae, ...file }) => ({ model: vae, ...file })),
  settings: (p, split) => ({
    hidden: JSON.stringify(p.hidden),
    latent: formatLatent(latentOf(p)),
    activation: p.activation,
    beta: String(p.beta),
    lr: String(p.lr),
    batch: String(p.batch),
    seed: String(p.seed),
    tau: String(p.tau),
    tau_min: String(p['tau-min']),
    tau_steps: String(p['tau-steps']),
    straight_through: String(p['straight-through']),
    train_count: String(split.train.count),
    // Files from before --iwae trained by the ELBO and have no key: only an IWAE run writes it (start() checks both ways).
    ...(p.iwae > 0 ? { iwae: String(p.iwae) } : {}),
  }),
  modelSettings: (vae) => ({ hidden: JSON.stringify(vae.config.hidden), latent: formatLatent(vae.latent), activation: vae.config.activation }),
  series: [...perStep('train_reconstruction', 'train_kl'), ...perEpoch('test_elbo', 'test_reconstruction', 'test_kl')],
  async start(ctx, vae, p, data, owned, resumed) {
    checkModelWidth(vae.config.inputs, data.train.width);
    const savedIwae = resumed?.metadata.iwae ?? '0';
    if (resumed && savedIwae !== String(p.iwae)) throw new InputError(`the resumed model was made with --iwae ${savedIwae}; this run has --iwae ${p.iwae} (resume with the checkpoint's settings)`);
    const train = await owned.add(DeviceDataset.upload(ctx, data.train, 'train'));
    const test = await owned.add(DeviceDataset.upload(ctx, data.testBinary, 'test (binarised)'));
    const trainer = await owned.add(VaeTrainer.create(ctx, vae, train, vaeTrainingOf(p)));
    const evaluator = await owned.add(VaeEvaluator.create(ctx, vae, test, { seed: p.seed }));
    return {
      trainer,
      async record(epoch) {
        const e = await evaluator.evaluate();
        const trainElbo = -mean(epoch.reconstruction) - mean(epoch.kl);
        const line = `epoch ${epoch.epoch + 1}/${p.epochs}: train ELBO ${trainElbo.toFixed(2)}, test ELBO ${e.elbo.toFixed(2)} (reconstruction ${e.reconstruction.toFixed(2)}, KL ${e.kl.toFixed(2)}) nats`;
        return { values: { train_reconstruction: epoch.reconstruction, train_kl: epoch.kl, test_elbo: e.elbo, test_reconstruction: e.reconstruction, test_kl: e.kl }, line: () => line };
      },
    };
  },
  result(vae, h, p, steps) {
    const last = h.test_elbo.length - 1;
    const perEpoch = (series: number[], e: number) => mean(series.slice(e * steps, (e + 1) * steps));
    return {
      model: 'vae',
      hidden: vae.config.hidden as number[],
      latent: formatLatent(vae.latent),
      activation: vae.config.activation,
      beta: p.beta,
      objective: p.iwae > 0 ? `iwae (K = ${p.iwae})` : 'elbo',
      lr: p.lr,
      batch: p.batch,
      seed: p.seed,
      test_elbo: h.test_elbo[last],
      test_reconstruction: h.test_reconstruction[last],
      test_kl: h.test_kl[last],
      history: h.test_elbo.map((testElbo, e): Json => ({
        epoch: e + 1,
        train_elbo: -perEpoch(h.train_reconstruction, e) - perEpoch(h.train_kl, e),
        train_reconstruction: perEpoch(h.train_reconstruction, e),
        train_kl: perEpoch(h.train_kl, e),
        test_elbo: testElbo,
        test_reconstruction: h.test_reconstruction[e],
        test_kl: h.test_kl[e],
      })),
      train_reconstruction: h.train_reconstruction,
      train_kl: h.train_kl,
    };
  },
  report: (r) => ({
    title: `VAE ${(r.hidden as number[]).join('-')}-(${String(r.latent)}) ${String(r.activation)}, beta ${r.beta}, Adam lr ${r.lr}, batch ${r.batch}, seed ${r.seed}: ${r.epochs} epochs on ${r.train_count} examples`,
    lines: [['test ELBO', `${(r.test_elbo as number).toFixed(2)} nats (reconstruction ${(r.test_reconstruction as number).toFixed(2)}, KL ${(r.test_kl as number).toFixed(2)}) on ${r.test_count} binarised examples`]],
  }),
};
