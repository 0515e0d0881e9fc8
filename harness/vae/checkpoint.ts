// VAE model files (safetensors; checkpoints and finished models alike), made by Vae.toSafetensors
// (models/vae.ts) with the run's settings and history beside the parameters:
//   encoder{i}.weight F32 [inputs, outputs], encoder{i}.bias F32 [outputs]   the encoder (x W + b)
//   mean.*, log_var.* (gaussian) or logits.* (categorical)                  the heads of q(z | x)
//   decoder{i}.*                                                             the decoder; the last gives the pixels' logits
//   m/<name>, v/<name>                                                       Adam's moments
//   train_reconstruction, train_kl F32 [steps]    each step's batch means (nats)
//   test_elbo, test_reconstruction, test_kl F64 [epochs]   after each epoch, on the binarised test digits
// metadata: model 'vae', inputs, hidden (JSON widths), latent ('20' or '30x10'), activation, beta, lr,
// batch, seed, tau, tau_min, tau_steps, straight_through, train_count, test_count, epochs (done),
// dataset; and the ParamSet's own 'harmonium.*' keys (format, seed, iteration = steps done, params,
// state). Browser-safe: file I/O is in model_file.ts. The helpers at the end serve the autoencoder too.
import { InputError, type CheckpointExtra, type SafetensorsTensor } from '../../engine/index.js';
import type { Releasable } from '../../models/owned.js';
import { fromBase64 } from '../io/base64.js';
import { VAE_DATASET } from './data.js';
import { vaeRunSettings, type VaeTrainParams } from './settings.js';

/** What the run has measured so far, one entry per step or per epoch. */
export interface VaeHistory {
  trainReconstruction: number[];
  trainKl: number[];
  testElbo: number[];
  testReconstruction: number[];
  testKl: number[];
}

export const emptyVaeHistory = (): VaeHistory => ({ trainReconstruction: [], trainKl: [], testElbo: [], testReconstruction: [], testKl: [] });

/** The tensors and metadata saved beside the parameters. */
export function vaeFileExtra(p: VaeTrainParams, counts: { train: number; test: number }, h: VaeHistory): CheckpointExtra {
  const tensors: Record<string, SafetensorsTensor> = {
    train_reconstruction: { dtype: 'F32', shape: [h.trainReconstruction.length], data: Float32Array.from(h.trainReconstruction) },
    train_kl: { dtype: 'F32', shape: [h.trainKl.length], data: Float32Array.from(h.trainKl) },
    test_elbo: { dtype: 'F64', shape: [h.testElbo.length], data: Float64Array.from(h.testElbo) },
    test_reconstruction: { dtype: 'F64', shape: [h.testReconstruction.length], data: Float64Array.from(h.testReconstruction) },
    test_kl: { dtype: 'F64', shape: [h.testKl.length], data: Float64Array.from(h.testKl) },
  };
  // hidden and latent are the model's own metadata (Vae.toSafetensors writes them).
  const { hidden: _h, latent: _l, ...settings } = vaeRunSettings(p, counts.train);
  const metadata = { ...settings, test_count: String(counts.test), epochs: String(h.testElbo.length), dataset: VAE_DATASET };
  return { tensors, metadata };
}

/** Throws an InputError naming the first flag whose saved value differs from this run's. */
export function checkRunSettings(source: string, metadata: Record<string, string>, settings: Record<string, string>): void {
  for (const [key, now] of Object.entries(settings)) {
    const saved = metadata[key];
    if (saved !== now) {
      const flag = `--${key.replace(/_/g, '-')}`;
      throw new InputError(`${source} was made with ${flag} ${saved ?? '(none)'}; this run has ${flag} ${now} (resume with the checkpoint's settings)`);
    }
  }
}

/** A 1-D series tensor of a checkpoint, checked: its dtype and length. */
export function readSeries(source: string, tensors: Record<string, SafetensorsTensor>, name: string, dtype: SafetensorsTensor['dtype'], length: number): number[] {
  const t = Object.hasOwn(tensors, name) ? tensors[name] : undefined;
  if (!t || t.dtype !== dtype || t.shape.length !== 1 || t.shape[0] !== length) {
    throw new InputError(`${source}: tensor '${name}' must be ${dtype} [${length}]${t ? `, found ${t.dtype} [${t.shape.join(', ')}]` : ', found none'}`);
  }
  return [...t.data];
}

/** Epochs done, from a checkpoint's metadata. */
export function epochsOf(source: string, metadata: Record<string, string>): number {
  const epochs = Number(metadata.epochs);
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new InputError(`${source}: metadata 'epochs' = ${JSON.stringify(metadata.epochs ?? null)} is not a count`);
  return epochs;
}

/**
 * Checks that a checkpoint was made by this run's settings (an InputError naming the first flag that
 * differs) and returns its history; `steps` is the model's iteration.
 */
export function resumeVaeHistory(source: string, file: { tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> }, steps: number, p: VaeTrainParams, trainCount: number): VaeHistory {
  checkRunSettings(source, file.metadata, vaeRunSettings(p, trainCount));
  const epochs = epochsOf(source, file.metadata);
  const series = (name: string, dtype: SafetensorsTensor['dtype'], length: number) => readSeries(source, file.tensors, name, dtype, length);
  return {
    trainReconstruction: series('train_reconstruction', 'F32', steps),
    trainKl: series('train_kl', 'F32', steps),
    testElbo: series('test_elbo', 'F64', epochs),
    testReconstruction: series('test_reconstruction', 'F64', epochs),
    testKl: series('test_kl', 'F64', epochs),
  };
}

/** The checkpoint a training job continues: the caller's file, else the spec's base64 bytes, else none. */
export function resumeOf(hooked: { bytes: Uint8Array; source: string } | undefined, base64: string | undefined): { bytes: Uint8Array; source: string } | undefined {
  return hooked ?? (base64 ? { bytes: fromBase64(base64), source: 'the resumed model' } : undefined);
}

/**
 * The model of a checkpoint, checked against this run by `check` (and released when that throws), or
 * a fresh one from `create` when there is no checkpoint.
 *
 *   const vae = await restoreOrCreate(resume, (b, s) => Vae.fromSafetensors(ctx, b, s), (r) => r.vae, (r) => check(r), () => Vae.create(...));
 */
export async function restoreOrCreate<M extends Releasable, R>(
  resume: { bytes: Uint8Array; source: string } | undefined,
  restore: (bytes: Uint8Array, source: string) => Promise<R>,
  modelOf: (restored: R) => M,
  check: (restored: R) => void,
  create: () => Promise<M>,
): Promise<M> {
  if (!resume) return create();
  const restored = await restore(resume.bytes, resume.source);
  const model = modelOf(restored);
  try {
    check(restored);
  } catch (e) {
    model.release();
    throw e;
  }
  return model;
}
