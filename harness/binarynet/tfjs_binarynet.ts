// bench binarynet's peer: a folded BinaryNet's inference as a tfjs user would write it, on
// tfjs-backend-webgpu over harmonium's own device: per layer tf.matMul of the f32 activations by the
// +-1 weights, each hidden unit +1 where its threshold holds (tf.greaterEqual on the sums times the
// unit's direction), and the last layer's batch norm. The examples sit on the GPU as f32 bytes in
// batches; a run classifies every batch and reads the last one's scores back.
import type * as Tf from '@tensorflow/tfjs-core';
import type { FoldedNetwork } from '../../models/binarynet_inference.js';

export interface TfjsBinaryNet {
  /** Every batch through the network; the last batch's scores (rows x classes). */
  run(): Promise<Float32Array>;
  dispose(): void;
}

/**
 *   const peer = tfjsBinaryNet(tf, folded, { images, count: 8000, rows: 500 });
 *   const lastScores = await peer.run();
 */
export function tfjsBinaryNet(tf: typeof Tf, net: FoldedNetwork, o: { images: Uint8Array; rows: number; batches: number }): TfjsBinaryNet {
  const inputs = net.layers[0].inputs;
  const batches = Array.from({ length: o.batches }, (_, b) => tf.tensor2d(Float32Array.from(o.images.subarray(b * o.rows * inputs, (b + 1) * o.rows * inputs)), [o.rows, inputs]));
  const weights = net.layers.map((l) => tf.tensor2d(l.binary, [l.inputs, l.outputs]));
  // s >= t for direction +1, s <= t (that is -s >= -t) for -1: both sides times the direction, exactly.
  const directions = net.layers.slice(0, -1).map((l) => tf.tensor1d(l.directions));
  const scaledThresholds = net.layers.slice(0, -1).map((l) => tf.tensor1d(l.thresholds.map((t, u) => t * l.directions[u])));
  const last = net.last;
  const invstd = Float32Array.from(last.runningVar, (v) => 1 / Math.sqrt(v + net.config.eps));
  const scale = tf.tensor1d(Float32Array.from(last.gamma, (g, u) => g * invstd[u]));
  const mean = tf.tensor1d(Float32Array.from(last.runningMean));
  const beta = tf.tensor1d(Float32Array.from(last.beta));

  const scores = (x: Tf.Tensor2D): Tf.Tensor2D =>
    tf.tidy(() => {
      let h = x;
      for (const [i, w] of weights.entries()) {
        const sums = tf.matMul(h, w);
        if (i === weights.length - 1) return tf.add(tf.mul(tf.sub(sums, mean), scale), beta) as Tf.Tensor2D;
        h = tf.where(tf.greaterEqual(tf.mul(sums, directions[i]), scaledThresholds[i]), tf.onesLike(sums), tf.neg(tf.onesLike(sums))) as Tf.Tensor2D;
      }
      throw new Error('tfjsBinaryNet: no layers');
    });

  return {
    async run() {
      let out: Tf.Tensor2D | null = null;
      for (const x of batches) {
        out?.dispose();
        out = scores(x);
      }
      const values = (await out!.data()) as Float32Array;
      out!.dispose();
      return values;
    },
    dispose() {
      [...batches, ...weights, ...directions, ...scaledThresholds, scale, mean, beta].forEach((t) => t.dispose());
    },
  };
}
