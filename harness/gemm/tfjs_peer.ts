// The tfjs peer: tf.matMul on tfjs-backend-webgpu, run on the device harmonium already opened (the
// same adapter, the same queue). Bundled on its own (build.mjs: dist/peers/tfjs.js for pages,
// dist/peers/tfjs.node.js for Node) and loaded with a dynamic import, so harmonium.js stays small.
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
// The ops' gradients, which tfjs-core registers only through this module (the full @tensorflow/tfjs
// imports it): bench mlp trains through optimizer.minimize.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

// tfjs registers its WebGPU kernels under this backend name, so ours must carry it too.
const BACKEND = 'webgpu';

/** One product prepared on the GPU (A and B uploaded by the first run); dispose() frees A and B. */
export interface TfjsMatmul {
  /**
   * `products` tf.matMul calls on A and B (default 1), each result disposed once the next exists as
   * a loop in user code would, then data() of the last: one readback. tfjs runs eagerly: every call
   * encodes its dispatches at once, and data() submits what is still encoded and waits for it.
   */
  run(products?: number): Promise<Float32Array>;
  dispose(): void;
}

export interface TfjsPeer {
  /** tfjs-core's version. */
  version: string;
  /**
   * WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (tfjs's default, left as is): tfjs-backend-webgpu records
   * dispatches into one command encoder and submits it after this many, and before every readback.
   */
  submitBatchSize: number;
  /** tfjs-core itself, on our device: other peers (bench mlp's model) are written against it as a tfjs user would. */
  tf: typeof tf;
  /** A is M x K (K x M when transA), B is K x N (N x K when transB), both row-major. */
  matmul(a: Float32Array, b: Float32Array, o: { m: number; n: number; k: number; transA: boolean; transB: boolean }): TfjsMatmul;
  dispose(): void;
}

/**
 * Starts tfjs on `device`.
 *
 *   const peer = await createTfjsPeer(gpu.device, info);
 *   const mm = peer.matmul(a, b, { m, n, k, transA: false, transB: false });
 *   const c = await mm.run();     // one product, one readback
 *   const last = await mm.run(16); // 16 products, one readback of the last
 */
export async function createTfjsPeer(device: GPUDevice, adapterInfo: { vendor: string; architecture: string }): Promise<TfjsPeer> {
  // tfjs-backend-webgpu reads WebGPU's constant namespaces (GPUBufferUsage, GPUMapMode, ...) as globals,
  // which only browsers define; in Node, Dawn's go onto globalThis here, for the peer alone (harmonium
  // itself writes its usage flags as numbers and needs no globals).
  if (typeof (globalThis as { GPUBufferUsage?: unknown }).GPUBufferUsage === 'undefined') {
    const { globals } = await import('webgpu');
    Object.assign(globalThis, globals);
  }
  // Replace the factory tfjs registered (one that opens a device of its own) with one on ours.
  if (tf.findBackendFactory(BACKEND)) tf.removeBackend(BACKEND);
  tf.registerBackend(BACKEND, () => new WebGPUBackend(device, adapterInfo as GPUAdapterInfo), 0);
  // WebGPUBackend's constructor checks navigator.gpu, which Node lacks. Lend it a stand-in while the
  // backend is made (it never asks it for an adapter), then take it back: harmonium's Gpu.open reads
  // navigator.gpu to tell a browser from Node.
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  const lend = !scope.navigator?.gpu;
  const before = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  if (lend) Object.defineProperty(globalThis, 'navigator', { value: { ...(scope.navigator ?? {}), gpu: {} }, configurable: true, writable: true });
  try {
    if (!(await tf.setBackend(BACKEND))) throw new Error(`tfjs peer: backend ${BACKEND} did not start`);
  } finally {
    if (lend) {
      if (before) Object.defineProperty(globalThis, 'navigator', before);
      else delete scope.navigator;
    }
  }
  await tf.ready();
  return {
    version: tf.version_core,
    submitBatchSize: tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'),
    tf,
    matmul(a, b, o) {
      const ta = tf.tensor2d(a, o.transA ? [o.k, o.m] : [o.m, o.k]);
      const tb = tf.tensor2d(b, o.transB ? [o.n, o.k] : [o.k, o.n]);
      const product = () => tf.matMul(ta, tb, o.transA, o.transB);
      return {
        async run(products = 1) {
          let c = product();
          try {
            for (let i = 1; i < products; i++) {
              // Disposing a result whose dispatch is still encoded only marks it: tfjs frees its
              // buffer at the next submit, so the dispatch still runs.
              const next = product();
              c.dispose();
              c = next;
            }
            return (await c.data()) as Float32Array;
          } finally {
            c.dispose();
          }
        },
        dispose() {
          ta.dispose();
          tb.dispose();
        },
      };
    },
    dispose() {
      tf.removeBackend(BACKEND);
    },
  };
}
