// bench vae's peer: the same VAE written as a tfjs user would (tf.variable, tf.matMul, tf.relu,
// tf.randomNormal for the reparameterised draw, tf.losses.sigmoidCrossEntropy plus the closed-form KL,
// tf.train.adam().minimize), on tfjs-backend-webgpu over harmonium's own device (harness/gemm/
// tfjs_peer.ts lends us the tfjs-core module it started there). The intensities sit on the GPU as f32,
// each epoch gathers its batches by a host shuffle, and the step losses are read back once per epoch.
import type * as Tf from '@tensorflow/tfjs-core';

/** The parameters in harmonium's order and names (models/vae.ts): weights inputs x outputs, biases. */
export const TFJS_VAE_LAYERS = ['encoder0', 'mean', 'log_var', 'decoder0', 'decoder1'] as const;

export interface TfjsVaeOptions {
  inputs: number;
  hidden: number;
  latent: number;
  /** Initial values by parameter name ('encoder0.weight', 'encoder0.bias', ...), as harmonium's Vae starts. */
  values: Readonly<Record<string, Float32Array>>;
  /** count x inputs bytes (b / 255). */
  images: Uint8Array;
  count: number;
  batch: number;
  lr: number;
}

export interface TfjsVae {
  /** One epoch of Adam steps over the batches of `order` (a shuffle when not given); the -ELBO of each step. */
  trainEpoch(order?: ArrayLike<number>): Promise<Float32Array>;
  /** One Adam step on the first `batch` examples with the given standard normals (rows x latent); its -ELBO. */
  stepWith(eps: Float32Array): Promise<number>;
  /** The -ELBO of the first `batch` examples with the given standard normals, without a step. */
  lossWith(eps: Float32Array): Promise<number>;
  dispose(): void;
}

/**
 *   const model = tfjsVae(peer.tf, { inputs: 784, hidden: 400, latent: 20, values, images, count, batch: 100, lr: 1e-3 });
 *   const losses = await model.trainEpoch();
 */
export function tfjsVae(tf: typeof Tf, o: TfjsVaeOptions): TfjsVae {
  const xs = tf.tidy(() => tf.div<Tf.Tensor2D>(tf.tensor2d(Float32Array.from(o.images), [o.count, o.inputs]), 255));
  const shapes: Record<string, [number, number]> = { encoder0: [o.inputs, o.hidden], mean: [o.hidden, o.latent], log_var: [o.hidden, o.latent], decoder0: [o.latent, o.hidden], decoder1: [o.hidden, o.inputs] };
  const w: Record<string, Tf.Variable> = {};
  const b: Record<string, Tf.Variable> = {};
  for (const name of TFJS_VAE_LAYERS) {
    w[name] = tf.variable(tf.tensor2d(o.values[`${name}.weight`], shapes[name]));
    b[name] = tf.variable(tf.tensor1d(o.values[`${name}.bias`]));
  }
  const optimizer = tf.train.adam(o.lr, 0.9, 0.999, 1e-8);
  const steps = Math.floor(o.count / o.batch);
  const dense = (x: Tf.Tensor2D, name: string) => tf.add(tf.matMul(x, w[name]), b[name]) as Tf.Tensor2D;

  /** The batch's mean -ELBO: Bernoulli cross-entropy summed over pixels plus KL(q || N(0, I)), one draw each. */
  const negativeElbo = (x: Tf.Tensor2D, eps: Tf.Tensor2D): Tf.Scalar => {
    const h = tf.relu(dense(x, 'encoder0'));
    const mean = dense(h, 'mean');
    const logVar = dense(h, 'log_var');
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as Tf.Tensor2D;
    const logits = dense(tf.relu(dense(z, 'decoder0')), 'decoder1');
    const reconstruction = tf.losses.sigmoidCrossEntropy(x, logits, undefined, 0, tf.Reduction.SUM);
    const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mean), tf.exp(logVar)))));
    return tf.div(tf.add(reconstruction, kl), x.shape[0]) as Tf.Scalar;
  };
  const first = () => tf.slice(xs, [0, 0], [o.batch, o.inputs]) as Tf.Tensor2D;
  const read = async (t: Tf.Scalar) => {
    const value = (await t.data())[0];
    t.dispose();
    return value;
  };

  return {
    async trainEpoch(order: ArrayLike<number> = tf.util.createShuffledIndices(o.count)) {
      const costs: Tf.Scalar[] = [];
      for (let s = 0; s < steps; s++) {
        const idx = tf.tensor1d(Int32Array.from({ length: o.batch }, (_, r) => order[s * o.batch + r]), 'int32');
        const cost = optimizer.minimize(() => negativeElbo(tf.gather(xs, idx) as Tf.Tensor2D, tf.randomNormal([o.batch, o.latent])), true);
        idx.dispose();
        costs.push(cost!);
      }
      const all = tf.stack(costs);
      const values = (await all.data()) as Float32Array;
      all.dispose();
      costs.forEach((c) => c.dispose());
      return values;
    },
    stepWith(eps) {
      return read(optimizer.minimize(() => negativeElbo(first(), tf.tensor2d(eps, [o.batch, o.latent])), true)!);
    },
    lossWith(eps) {
      return read(tf.tidy(() => negativeElbo(first(), tf.tensor2d(eps, [o.batch, o.latent]))));
    },
    dispose() {
      optimizer.dispose();
      [xs, ...Object.values(w), ...Object.values(b)].forEach((t) => t.dispose());
    },
  };
}
