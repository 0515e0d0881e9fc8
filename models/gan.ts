// Generative adversarial nets (Goodfellow et al. 2014): a generator G, noise z ~ N(0, I) through dense
// layers to an example (identity outputs for real-valued data, sigmoid for intensities), and a
// discriminator (critic) D, dense layers from an example to one real output (a logit, or a critic's
// score). Both live in one ParamSet (`gen{i}.*`, `disc{i}.*`) so that checkpoints, rollback and the
// step count are the training core's; each network has its own optimiser step over its own names.
// This file holds the model, its file, and the draws of samples; models/gan_training.ts trains it.
import { decodeSafetensors, InputError, KernelGraph, ParamSet, type CheckpointExtra, type OpContext, type RunContext, type Safetensors, type SafetensorsTensor, type Tensor } from '../engine/index.js';
import { addSample } from '../engine/ops/index.js';
import { addStackForward, DENSE_ACTIVATIONS, denseLayer, denseParams, type DenseActivation, type DenseLayer } from './dense.js';
import { checkModelTag, configFromMetadata, fileTensor, metadataList } from './model_file.js';
import { building, Owned, type Releasable } from './owned.js';

export const GAN_OUTPUTS = ['identity', 'sigmoid'] as const;
export type GanOutput = (typeof GAN_OUTPUTS)[number];

export interface GanConfig {
  /** Values per example: 2 for the ring, 784 for MNIST. */
  width: number;
  /** Noise values per sample, z ~ N(0, I). */
  noise: number;
  /** Hidden widths of the generator, noise side first. */
  generator: readonly number[];
  /** Hidden widths of the discriminator, data side first. */
  discriminator: readonly number[];
  /** Of every hidden layer (default relu). */
  activation?: DenseActivation;
  /** The generator's output layer: identity for real-valued data, sigmoid for intensities in [0, 1]. */
  output: GanOutput;
}

/** metadata 'model' of a GAN file. */
export const GAN_MODEL = 'gan';

export const ganGenName = (i: number): string => `gen${i}`;
export const ganDiscName = (i: number): string => `disc${i}`;

/** Critic iterations per step: their calls 0 .. MAX - 1 stay below the interpolation's. */
export const MAX_CRITIC_STEPS = 32;
/**
 * The Philox call words of a step's draws (step = the training step): critic iteration j's noise j and
 * its interpolation weights (WGAN-GP) INTERPOLATION + j, the generator's noise GENERATOR; samples drawn
 * for evaluation use SAMPLES (step = the chunk), apart from training's.
 */
export const GAN_CALLS = { interpolation: MAX_CRITIC_STEPS, generator: 2 * MAX_CRITIC_STEPS, samples: 2 * MAX_CRITIC_STEPS + 1 } as const;

const positive = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 2 ** 31;
const widths = (v: unknown) => Array.isArray(v) && v.every(positive);

/** Checks a configuration; every problem is an InputError naming the parameter. */
export function validateGanConfig(c: GanConfig): Required<GanConfig> {
  if (!positive(c.width)) throw new InputError(`gan: width must be a positive integer, got ${String(c.width)}`);
  if (!positive(c.noise)) throw new InputError(`gan: noise must be a positive integer, got ${String(c.noise)}`);
  if (!widths(c.generator)) throw new InputError(`gan: generator ${JSON.stringify(c.generator)} must be zero or more positive integer widths`);
  if (!widths(c.discriminator)) throw new InputError(`gan: discriminator ${JSON.stringify(c.discriminator)} must be zero or more positive integer widths`);
  const activation = c.activation ?? 'relu';
  if (!DENSE_ACTIVATIONS.includes(activation)) throw new InputError(`gan: activation '${String(activation)}' is not one of ${DENSE_ACTIVATIONS.join(', ')}`);
  if (!GAN_OUTPUTS.includes(c.output)) throw new InputError(`gan: output '${String(c.output)}' is not one of ${GAN_OUTPUTS.join(', ')}`);
  return { width: c.width, noise: c.noise, generator: [...c.generator], discriminator: [...c.discriminator], activation, output: c.output };
}

/** Each network's layers: [name, inputs, outputs, activation]. */
function layerShapes(c: Required<GanConfig>): { generator: Array<[string, number, number, DenseActivation]>; discriminator: Array<[string, number, number, DenseActivation]> } {
  const g = [c.noise, ...c.generator, c.width];
  const d = [c.width, ...c.discriminator, 1];
  return {
    generator: g.slice(1).map((w, i) => [ganGenName(i), g[i], w, i === g.length - 2 ? c.output : c.activation]),
    discriminator: d.slice(1).map((w, i) => [ganDiscName(i), d[i], w, i === d.length - 2 ? 'identity' : c.activation]),
  };
}

/** Reads and checks what makes a safetensors file a GAN (no GPU): metadata and an F32 weight and bias per layer. */
export function readGanConfig(file: Safetensors, source: string): Required<GanConfig> {
  checkModelTag(file, source, GAN_MODEL, 'a GAN');
  const meta = file.metadata;
  const config = configFromMetadata(source, () =>
    validateGanConfig({
      width: Number(meta.width),
      noise: Number(meta.noise),
      generator: metadataList(meta, 'generator') as number[],
      discriminator: metadataList(meta, 'discriminator') as number[],
      activation: meta.activation as DenseActivation,
      output: meta.output as GanOutput,
    }),
  );
  const shapes = layerShapes(config);
  for (const [name, inputs, outputs] of [...shapes.generator, ...shapes.discriminator]) {
    const hint = `metadata generator ${meta.generator}, discriminator ${meta.discriminator}`;
    fileTensor(file.tensors, source, `${name}.weight`, 'F32', [inputs, outputs], hint);
    fileTensor(file.tensors, source, `${name}.bias`, 'F32', [outputs], hint);
  }
  return config;
}

/**
 * A generator and its discriminator.
 *
 *   const gan = await Gan.create(ctx, { width: 2, noise: 8, generator: [128, 128], discriminator: [128, 128], output: 'identity' }, { seed: 1, state: ['m', 'v'] });
 */
export class Gan implements Releasable {
  private constructor(
    readonly config: Required<GanConfig>,
    readonly params: ParamSet,
    readonly generator: readonly DenseLayer[],
    readonly discriminator: readonly DenseLayer[],
  ) {}

  private static over(params: ParamSet, c: Required<GanConfig>): Gan {
    const shapes = layerShapes(c);
    const layers = (s: typeof shapes.generator) => s.map(([name, , , act]) => denseLayer(params, name, act));
    return new Gan(c, params, layers(shapes.generator), layers(shapes.discriminator));
  }

  /** Glorot-uniform weights and zero biases from `seed`; `state` lists the optimiser's slots. */
  static async create(ctx: OpContext, config: GanConfig, o: { seed: number; state?: readonly string[] }): Promise<Gan> {
    const c = validateGanConfig(config);
    const shapes = layerShapes(c);
    const specs = [...shapes.generator, ...shapes.discriminator].flatMap(([name, inputs, outputs]) => denseParams(name, inputs, outputs));
    return Gan.over(await ParamSet.create(ctx, { seed: o.seed, params: specs, state: o.state }), c);
  }

  /** A model from the bytes of toSafetensors, checked first (readGanConfig). */
  static async fromSafetensors(ctx: OpContext, bytes: Uint8Array, source = 'model'): Promise<{ gan: Gan; tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> }> {
    const config = readGanConfig(decodeSafetensors(bytes, source), source);
    const { params, tensors, metadata } = await ParamSet.fromSafetensors(ctx, bytes, source);
    return { gan: Gan.over(params, config), tensors, metadata };
  }

  toSafetensors(extra: CheckpointExtra = {}): Promise<Uint8Array> {
    const c = this.config;
    const metadata = { model: GAN_MODEL, width: String(c.width), noise: String(c.noise), generator: JSON.stringify(c.generator), discriminator: JSON.stringify(c.discriminator), activation: c.activation, output: c.output };
    return this.params.toSafetensors({ tensors: extra.tensors, metadata: { ...extra.metadata, ...metadata } });
  }

  /** The parameter names of each network: what its optimiser step updates. */
  names(network: 'generator' | 'discriminator'): string[] {
    return this[network].flatMap((l) => [l.weight.name, l.bias.name]);
  }

  /** Adds z ~ N(0, I) into `noise` (rows x noise; Philox seed, step = the iteration, `call`) and the generator's pass into `outputs` (the last: the samples). */
  addGenerate(graph: KernelGraph, ctx: OpContext, o: { noise: Tensor; outputs: readonly Tensor[]; rows: number; seed: number; step?: number; call: number }): Promise<Releasable> {
    return building(async (owned) => {
      await owned.add(addSample(graph, ctx, { distribution: 'gaussian', output: o.noise, seed: o.seed, step: o.step ?? 0, call: o.call }));
      await owned.add(addStackForward(graph, ctx, this.generator, { x: o.noise, outputs: o.outputs, rows: o.rows }));
      return owned;
    });
  }

  /**
   * `count` samples (count x width) from `seed`, drawn in chunks of `chunk` rows (Philox step = the
   * chunk, call SAMPLES): the same seed gives the same samples, whatever the model's training step.
   */
  async sample(ctx: RunContext, count: number, seed: number, chunk = 1000): Promise<Float32Array> {
    if (!(Number.isInteger(count) && count > 0)) throw new InputError(`gan: count = ${count} must be a positive integer`);
    const rows = Math.min(count, chunk);
    const owned = new Owned();
    try {
      const noise = await owned.add(ctx.pool.tensor('gan sample noise', 'f32', [rows, this.config.noise]));
      const outputs = await Promise.all(this.generator.map((l) => owned.add(ctx.pool.tensor(`gan sample ${l.name}`, 'f32', [rows, l.outputs]))));
      const graph = new KernelGraph('gan samples');
      await owned.add(this.addGenerate(graph, ctx, { noise, outputs, rows, seed, call: GAN_CALLS.samples }));
      const out = new Float32Array(count * this.config.width);
      for (let c = 0; c * rows < count; c++) {
        await ctx.scheduler.run(graph, { firstIteration: c });
        const values = new Float32Array(await outputs[outputs.length - 1].read());
        out.set(values.subarray(0, Math.min(values.length, out.length - c * values.length)), c * values.length);
      }
      return out;
    } finally {
      owned.release();
    }
  }

  release(): void {
    this.params.release();
  }
}
