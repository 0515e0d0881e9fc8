// bench rbm's peer: CD-1 for a Bernoulli RBM written as a tfjs user would (tf.matMul, tf.sigmoid,
// tf.randomUniform, tf.less for the Bernoulli draws, variables updated with assign), on
// tfjs-backend-webgpu over harmonium's own device (harness/gemm/tfjs_peer.ts lends us its tf
// module). The data sits on the GPU as f32, each epoch gathers its batches by a host shuffle, SGD
// with momentum and weight decay as ours, and the reconstruction errors are read back once per epoch.
import type * as Tf from '@tensorflow/tfjs-core';

export interface TfjsRbmOptions {
  visible: number;
  hidden: number;
  /** Initial weights (visible x hidden) and biases, as harmonium's Rbm starts. */
  weights: Float32Array;
  visibleBias: Float32Array;
  hiddenBias: Float32Array;
  /** count x visible bytes (0 / 255 for binary digits, read as b / 255). */
  images: Uint8Array;
  count: number;
  batch: number;
  lr: number;
  momentum: number;
  weightDecay: number;
}

/** Uniform numbers in [0, 1) of a shape for the hidden or the visible draw: tf.randomUniform by default; a check may supply its own. */
export type UniformSource = (tf: typeof Tf, shape: [number, number], draw: 'hidden' | 'visible') => Tf.Tensor2D;

export interface TfjsRbm {
  /** One epoch of CD-1 updates over the batches of `order` (a shuffle when not given); each step's reconstruction error summed over its batch. */
  trainEpoch(order?: ArrayLike<number>): Promise<Float32Array>;
  /** The CD-1 weight gradient (model minus data statistics, before weight decay) of the batch of rows `rows`, with the draws' uniforms from `uniform`. */
  gradient(rows: ArrayLike<number>, uniform: UniformSource): Promise<Float32Array>;
  dispose(): void;
}

/**
 *   const model = tfjsRbm(peer.tf, { visible: 784, hidden: 500, weights, visibleBias, hiddenBias, images, count, batch: 100, lr: 0.05, momentum: 0.5, weightDecay: 2e-4 });
 *   const errors = await model.trainEpoch();
 */
export function tfjsRbm(tf: typeof Tf, o: TfjsRbmOptions): TfjsRbm {
  const { visible, hidden, batch } = o;
  const xs = tf.tidy(() => tf.div<Tf.Tensor2D>(tf.tensor2d(Float32Array.from(o.images), [o.count, visible]), 255));
  const w = tf.variable(tf.tensor2d(o.weights, [visible, hidden]));
  const b = tf.variable(tf.tensor1d(o.visibleBias));
  const c = tf.variable(tf.tensor1d(o.hiddenBias));
  const velocity = [w, b, c].map((p) => tf.variable(tf.zerosLike(p)));
  const steps = Math.floor(o.count / batch);
  const randomUniform: UniformSource = (t, shape) => t.randomUniform(shape) as Tf.Tensor2D;

  /** The CD-1 statistics of a batch: the gradients of the negative log-likelihood estimate, and the reconstruction error. */
  const statistics = (v0: Tf.Tensor2D, uniform: UniformSource) => {
    const ph0 = tf.sigmoid(tf.add(tf.matMul(v0, w), c)) as Tf.Tensor2D;
    const h0 = tf.cast(tf.less(uniform(tf, [batch, hidden], 'hidden'), ph0), 'float32') as Tf.Tensor2D;
    const pv1 = tf.sigmoid(tf.add(tf.matMul(h0, w, false, true), b)) as Tf.Tensor2D;
    const v1 = tf.cast(tf.less(uniform(tf, [batch, visible], 'visible'), pv1), 'float32') as Tf.Tensor2D;
    const ph1 = tf.sigmoid(tf.add(tf.matMul(v1, w), c)) as Tf.Tensor2D;
    const dw = tf.div(tf.sub(tf.matMul(v1, ph1, true, false), tf.matMul(v0, ph0, true, false)), batch) as Tf.Tensor2D;
    const db = tf.div(tf.sub(tf.sum(v1, 0), tf.sum(v0, 0)), batch) as Tf.Tensor1D;
    const dc = tf.div(tf.sub(tf.sum(ph1, 0), tf.sum(ph0, 0)), batch) as Tf.Tensor1D;
    const error = tf.sum(tf.square(tf.sub(v0, pv1))) as Tf.Scalar;
    return { dw, db, dc, error };
  };

  const batchOf = (rows: ArrayLike<number>) => {
    const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
    const v0 = tf.gather(xs, idx) as Tf.Tensor2D;
    idx.dispose();
    return v0;
  };

  return {
    async trainEpoch(order: ArrayLike<number> = tf.util.createShuffledIndices(o.count)) {
      const errors: Tf.Scalar[] = [];
      for (let s = 0; s < steps; s++) {
        const error = tf.tidy(() => {
          const v0 = batchOf(Array.from({ length: batch }, (_, r) => order[s * batch + r]));
          const g = statistics(v0, randomUniform);
          // SGD with momentum as torch (and harmonium): buf = m buf + (g + wd p); p -= lr buf.
          const grads = [tf.add(g.dw, tf.mul(w, o.weightDecay)), g.db, g.dc];
          [w, b, c].forEach((p, i) => {
            velocity[i].assign(tf.add(tf.mul(velocity[i], o.momentum), grads[i]));
            p.assign(tf.sub(p, tf.mul(velocity[i], o.lr)));
          });
          return tf.keep(g.error);
        });
        errors.push(error);
      }
      const all = tf.stack(errors);
      const values = (await all.data()) as Float32Array;
      all.dispose();
      errors.forEach((e) => e.dispose());
      return values;
    },
    async gradient(rows, uniform) {
      const dw = tf.tidy(() => statistics(batchOf(rows), uniform).dw);
      const values = (await dw.data()) as Float32Array;
      dw.dispose();
      return values;
    },
    dispose() {
      [xs, w, b, c, ...velocity].forEach((t) => t.dispose());
    },
  };
}
