// Log-mean-exp over the importance samples of each row, as the IWAE estimate of log p(x) needs:
// log (1/K) sum_k exp(w_k), computed with the row's largest w subtracted first, and streamed over
// chunks of samples so that K = 5,000 never has to sit in memory at once. Kernel:
// shaders/log_mean_exp.wgsl; reference: harness/reference/log_mean_exp.ts.
import type { Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatches, cachedKernel, checkDims, checkDistinct, checkElements, checkWorkgroupSize, placeholder, type OpContext, type OpDispatches } from './common.js';

const DEFAULT_WG = 64;

export interface LogMeanExpOptions {
  /** f32 of rows x samples elements, row-major: this chunk's log-weights, `samples` per row. */
  x: Tensor;
  rows: number;
  samples: number;
  /** f32 of rows elements: the log-mean-exp of each row's samples so far in the estimate. */
  out: Tensor;
  /**
   * Chunks per estimate (default 1: x holds every sample). With more, the graph is run once per
   * chunk (x refilled each time) and `state` carries the estimate: it restarts at iterations that
   * are multiples of `chunks`, and after chunk c (iteration mod chunks) out holds the log-mean-exp
   * of the (c + 1) * samples weights so far.
   */
  chunks?: number;
  /** f32 of 2 * rows elements, per row the running (max, sum of exp(w - max)); needed with chunks > 1. */
  state?: Tensor;
  /** Invocations per workgroup (a power of two, default 64): it sets the order of the sums. */
  workgroupSize?: number;
}

/**
 * Adds out[r] = log (1/n) sum_k exp(x[r, k]) over the n samples of row r so far: one workgroup per
 * row folds this chunk's samples into (max m, sum of exp(x - m)) lane by lane and in a tree, then
 * merges it into the row's state; NaN propagates, +Inf gives +Inf, a row of -Inf gives -Inf.
 *
 *   // IWAE with K = 5000 in 10 chunks of 500 draws per example (log-weights refilled per iteration):
 *   await addLogMeanExp(graph, ctx, { x: logWeights, rows: 20, samples: 500, chunks: 10, state, out: iwae });
 *   await ctx.scheduler.run(graph, { repeat: 10, firstIteration: 10 * batch });
 */
export async function addLogMeanExp(graph: KernelGraph, ctx: OpContext, o: LogMeanExpOptions): Promise<OpDispatches> {
  const name = 'log_mean_exp';
  const chunks = o.chunks ?? 1;
  checkDims(name, { rows: o.rows, samples: o.samples, chunks });
  if (o.rows * o.samples >= 2 ** 31) throw new LimitError(`${name}: rows x samples = ${o.rows * o.samples}, over the limit of 2^31`);
  // The count of samples (chunk + 1) * samples is a u32 in the kernel, and exact as its f32.
  if (chunks * o.samples > 2 ** 24) throw new InputError(`${name}: samples x chunks = ${chunks * o.samples} exceeds 2^24 samples per estimate`);
  const x = checkElements(name, 'x', o.x, ['f32'], [o.rows, o.samples], 'rows x samples');
  const out = checkElements(name, 'out', o.out, ['f32'], [o.rows], 'rows');
  if (chunks > 1 && o.state === undefined) throw new InputError(`${name}: chunks = ${chunks} needs a state tensor (2 x rows f32) to carry the estimate between chunks`);
  const state = o.state === undefined ? undefined : checkElements(name, 'state', o.state, ['f32'], [o.rows, 2], 'rows x 2');
  checkDistinct(name, 'out', { x, out, state });
  if (state) checkDistinct(name, 'state', { x, out, state });
  const wg = checkWorkgroupSize(ctx, name, o.workgroupSize ?? DEFAULT_WG);
  const kernel = cachedKernel(name, 'log_mean_exp.wgsl', 'main', { WG: wg, STATE: +!!state });
  const unusedState = await placeholder(ctx.pool, 'write', 1);
  return addDispatches(graph, ctx, async (batch) => {
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', { rows: o.rows, samples: o.samples, chunks }));
    batch.dispatch(kernel, { params, x, state: state ?? unusedState, out }, linearGrid(ctx.gpu, o.rows, 1));
  });
}
