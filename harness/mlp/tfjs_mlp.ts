// bench mlp's peer: the same MLP written as a tfjs user would (tf.variable, tf.matMul, tf.relu,
// tf.losses.softmaxCrossEntropy, tf.train.adam().minimize), on tfjs-backend-webgpu over harmonium's
// own device (harness/gemm/tfjs_peer.ts lends us the tfjs-core module it started there). The data
// sits on the GPU as f32 with one-hot labels, each epoch gathers its batches by a host shuffle, and
// the step losses are read back once per epoch.
import type * as Tf from '@tensorflow/tfjs-core';

export interface TfjsMlpOptions {
  /** Widths, input first. */
  layers: readonly number[];
  /** Initial weights (inputs x outputs) and biases per layer, as harmonium's Mlp starts. */
  weights: readonly Float32Array[];
  biases: readonly Float32Array[];
  /** count x inputs bytes (b / 255) and count labels. */
  images: Uint8Array;
  labels: ArrayLike<number>;
  count: number;
  batch: number;
  lr: number;
}

export interface TfjsMlp {
  /** One epoch of Adam steps over the batches of `order` (a shuffle when not given); the loss of each step. */
  trainEpoch(order?: ArrayLike<number>): Promise<Float32Array>;
  /** The mean cross-entropy over the whole dataset (one batch of all of it). */
  loss(): Promise<number>;
  dispose(): void;
}

/**
 *   const model = tfjsMlp(peer.tf, { layers: [784, 512, 512, 10], weights, biases, images, labels, count, batch: 100, lr: 1e-3 });
 *   const losses = await model.trainEpoch();
 */
export function tfjsMlp(tf: typeof Tf, o: TfjsMlpOptions): TfjsMlp {
  const inputs = o.layers[0];
  const classes = o.layers[o.layers.length - 1];
  const xs = tf.tidy(() => tf.div<Tf.Tensor2D>(tf.tensor2d(Float32Array.from(o.images), [o.count, inputs]), 255));
  const ys = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(o.labels), 'int32'), classes), 'float32'));
  const weights = o.weights.map((w, i) => tf.variable(tf.tensor2d(w, [o.layers[i], o.layers[i + 1]])));
  const biases = o.biases.map((b) => tf.variable(tf.tensor1d(b)));
  const optimizer = tf.train.adam(o.lr, 0.9, 0.999, 1e-8);
  const steps = Math.floor(o.count / o.batch);

  const logits = (x: Tf.Tensor2D): Tf.Tensor2D => {
    let h = x;
    weights.forEach((w, i) => {
      const z = tf.add(tf.matMul(h, w), biases[i]) as Tf.Tensor2D;
      h = i < weights.length - 1 ? tf.relu(z) : z;
    });
    return h;
  };

  return {
    async trainEpoch(order: ArrayLike<number> = tf.util.createShuffledIndices(o.count)) {
      const costs: Tf.Scalar[] = [];
      for (let s = 0; s < steps; s++) {
        const idx = tf.tensor1d(Int32Array.from({ length: o.batch }, (_, r) => order[s * o.batch + r]), 'int32');
        const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.gather(ys, idx), logits(tf.gather(xs, idx) as Tf.Tensor2D)) as Tf.Scalar, true);
        idx.dispose();
        costs.push(cost!);
      }
      const all = tf.stack(costs);
      const values = (await all.data()) as Float32Array;
      all.dispose();
      costs.forEach((c) => c.dispose());
      return values;
    },
    async loss() {
      const l = tf.tidy(() => tf.losses.softmaxCrossEntropy(ys, logits(xs)));
      const value = (await l.data())[0];
      l.dispose();
      return value;
    },
    dispose() {
      optimizer.dispose();
      [xs, ys, ...weights, ...biases].forEach((t) => t.dispose());
    },
  };
}
