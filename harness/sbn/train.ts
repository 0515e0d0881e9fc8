// `sbn train`: a sigmoid belief net (models/sbn.ts) trained by wake-sleep or NVIL on --data (MNIST's
// split by default) as intensities binarised afresh at every step, and after every epoch its test
// log p(x) estimated by importance sampling with --eval-k draws on the test digits binarised once (the
// VAE's fixed stream, harness/vae/data.ts), so that its nats compare with the VAE's. The training
// feature's adapter (harness/train). The model file holds gen{l}.*, rec{l}.*, prior.bias, NVIL's
// baseline{0,1}.* and its running averages (nvil_state F32 [3]), Adam's m/ and v/, and
//   train_elbo F32 [steps]        each step's mean log p(x, h) - log q(h | x) (nats)
//   test_log_px F64 [epochs]      after each epoch, the importance-sampled estimate (K = --eval-k)
// with metadata model 'sbn', inputs, hidden, baseline, method, lr, batch, seed, decay, eval_k,
// train_count, test_count, epochs (done), dataset.
import type { SafetensorsTensor } from '../../engine/index.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { readSbnConfig, Sbn, validateSbnConfig } from '../../models/sbn.js';
import { SbnEvaluator } from '../../models/sbn_eval.js';
import { SBN_OPTIMIZER_STATE, SbnTrainer, validateSbnTraining, type SbnEpoch, type SbnTrainingOptions } from '../../models/sbn_training.js';
import { mean } from '../../models/stats.js';
import { checkModelWidth } from '../data/dataset.js';
import { fileTensor } from '../../models/model_file.js';
import type { Json } from '../io/json.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { perEpoch, perStep } from '../train/history.js';
import { VAE_DATA_NOTE, vaeData, type VaeMnist } from '../vae/data.js';
import { SBN_TRAIN_FLAGS } from './flags.js';

type Params = TrainParams<typeof SBN_TRAIN_FLAGS>;

export const sbnConfigOf = (p: Pick<Params, 'hidden' | 'method'>, inputs = 784) => ({ inputs, hidden: p.hidden, baseline: p.method === 'nvil' });

export const sbnTrainingOf = (p: Params): SbnTrainingOptions => ({ method: p.method, lr: p.lr, batch: p.batch, seed: p.seed, epochs: p.epochs, decay: p.decay });

export const SBN_FEATURE: TrainingFeature<typeof SBN_TRAIN_FLAGS, Sbn, SbnEpoch, VaeMnist> = {
  name: 'sbn',
  summary: 'train a sigmoid belief net (Helmholtz machine) by wake-sleep or NVIL on the GPU (on MNIST by default: 8,000 training digits, binarised afresh each step)',
  details: `Layers of stochastic binary units above the pixels, p(h_L) p(h_{L-1} | h_L) ... p(x | h_1), each a
sigmoid of the layer above, with a recognition network q(h | x) from the pixels up. --method wake-sleep:
the generative weights step up log p(x, h) with h ~ q(h | x) (wake), the recognition weights up
log q(h | x) on a dream (h, x) ~ p (sleep). --method nvil: the generative weights as in wake, the
recognition weights by the score function with the learning signal log p(x, h) - log q(h | x) less an
input-dependent baseline (an MLP x -> 100 tanh -> 1, trained to predict it), centred and divided by
running averages of its mean and standard deviation (Mnih & Gregor 2014). Adam at --lr. Logs one line
per epoch: the training batches' mean log p(x, h) - log q(h | x) (an ELBO estimate) and the test
digits' log p(x) by importance sampling with --eval-k draws (sbn eval gives K = 5,000). With --json the
object holds hidden, method, lr, batch, seed, epochs, train_count, test_count, steps_per_epoch,
test_log_px, eval_k, history (per epoch), train_elbo (per step), examples_per_s, wall_ms, adapter,
backend. The model file holds gen{l}.weight [h_{l+1}, h_l] and .bias (gen0 gives the pixels),
rec{l}.weight [h_l, h_{l+1}] and .bias, prior.bias [h_L], NVIL's baseline0.*, baseline1.* and
nvil_state [3] (running mean, variance, batches), Adam's m/ and v/, train_elbo, test_log_px, and
metadata model = "sbn", inputs, hidden, baseline, method, lr, batch, seed, decay, eval_k,
train_count, test_count, epochs, dataset, harmonium.iteration (steps).`,
  flags: SBN_TRAIN_FLAGS,
  check(p) {
    validateSbnConfig(sbnConfigOf(p));
    validateSbnTraining(sbnTrainingOf(p));
  },
  readConfig: readSbnConfig,
  dataNote: VAE_DATA_NOTE,
  prepare: async (_runtime, _p, split) => vaeData(split),
  create: (ctx, p, data) => Sbn.create(ctx, sbnConfigOf(p, data.train.width), { seed: p.seed, state: SBN_OPTIMIZER_STATE }),
  restore: (ctx, bytes, source) => Sbn.fromSafetensors(ctx, bytes, source).then(({ sbn, ...file }) => ({ model: sbn, ...file })),
  settings: (p, split) => ({ hidden: JSON.stringify(p.hidden), method: p.method, lr: String(p.lr), batch: String(p.batch), seed: String(p.seed), decay: String(p.decay), eval_k: String(p['eval-k']), train_count: String(split.train.count) }),
  modelSettings: (sbn) => ({ hidden: JSON.stringify(sbn.config.hidden) }),
  series: [...perStep('train_elbo'), ...perEpoch('test_log_px')],
  async start(ctx, sbn, p, data, owned, resumed) {
    checkModelWidth(sbn.config.inputs, data.train.width);
    const train = await owned.add(DeviceDataset.upload(ctx, data.train, 'train'));
    const test = await owned.add(DeviceDataset.upload(ctx, data.testBinary, 'test (binarised)'));
    const nvilState = resumed && p.method === 'nvil' ? (fileTensor(resumed.tensors, 'the resumed model', 'nvil_state', 'F32', [3]).data as Float32Array) : undefined;
    const trainer = await owned.add(SbnTrainer.create(ctx, sbn, train, sbnTrainingOf(p), { nvilState }));
    const evaluator = await owned.add(SbnEvaluator.create(ctx, sbn, test, { k: p['eval-k'], seed: p.seed }));
    return {
      trainer,
      async record(epoch) {
        const e = await evaluator.evaluate();
        const line = `epoch ${epoch.epoch + 1}/${p.epochs}: train ELBO ${mean(epoch.elbo).toFixed(2)}, test log p(x) ${e.logPx.toFixed(2)} nats (K = ${e.k})`;
        return { values: { train_elbo: epoch.elbo, test_log_px: e.logPx }, line: () => line };
      },
      async state() {
        const kept = await trainer.state();
        const tensors: Record<string, SafetensorsTensor> = {};
        if (kept.nvil_state) tensors.nvil_state = { dtype: 'F32', shape: [3], data: kept.nvil_state };
        return tensors;
      },
    };
  },
  result(sbn, h, p, steps) {
    const last = h.test_log_px.length - 1;
    return {
      model: 'sbn',
      hidden: sbn.config.hidden as number[],
      method: p.method,
      lr: p.lr,
      batch: p.batch,
      seed: p.seed,
      eval_k: p['eval-k'],
      test_log_px: h.test_log_px[last],
      history: h.test_log_px.map((logPx, e): Json => ({ epoch: e + 1, train_elbo: mean(h.train_elbo.slice(e * steps, (e + 1) * steps)), test_log_px: logPx })),
      train_elbo: h.train_elbo,
    };
  },
  report: (r) => ({
    title: `SBN 784-${(r.hidden as number[]).join('-')} by ${String(r.method)}, Adam lr ${r.lr}, batch ${r.batch}, seed ${r.seed}: ${r.epochs} epochs on ${r.train_count} examples`,
    lines: [['test log p(x)', `${(r.test_log_px as number).toFixed(2)} nats (importance sampling, K = ${String(r.eval_k)}) on ${r.test_count} binarised examples`]],
  }),
};
