// What the element-wise and reduction suites share: a graph built, run once and read back, with
// the tensors and ops it made released afterwards; f32 rounding of references; tolerance checks.
import * as assert from 'uvu/assert';
import { KernelGraph, type DType, type OpDispatches, type RunOptions, type Tensor } from '../engine/index.js';
import { addSample } from '../engine/ops/index.js';
import { validateClose } from '../harness/bench/validate.js';
import type { GpuContext } from './gpu.js';

/** The tensors and ops of one test graph, released together. */
export class Made {
  private readonly tensors: Tensor[] = [];
  private readonly ops: Array<{ release(): void }> = [];

  constructor(private readonly ctx: GpuContext) {}

  /** A tensor holding `values` (f32, or u32 for a Uint32Array), or zeros of `shape`. */
  async tensor(label: string, shape: readonly number[], values?: Float32Array | Uint32Array, dtype: DType = values instanceof Uint32Array ? 'u32' : 'f32'): Promise<Tensor> {
    const t = await this.ctx.pool.tensor(label, dtype, shape, values ? { data: values } : {});
    this.tensors.push(t);
    return t;
  }

  async op<T extends { release(): void } = OpDispatches>(added: Promise<T>): Promise<T> {
    const op = await added;
    this.ops.push(op);
    return op;
  }

  release(): void {
    this.ops.splice(0).forEach((o) => o.release());
    this.tensors.splice(0).forEach((t) => t.release());
  }
}

/**
 * Builds a graph, runs it (`run`: repeat, firstIteration), and reads back the tensors `build`
 * returns, as f32 (view a count's words with new Uint32Array(x.buffer)).
 */
export async function runAndRead(
  ctx: GpuContext,
  build: (graph: KernelGraph, made: Made) => Promise<Record<string, Tensor>>,
  run: RunOptions = {},
): Promise<Record<string, Float32Array>> {
  const graph = new KernelGraph('ops test');
  const made = new Made(ctx);
  try {
    const outputs = await build(graph, made);
    await ctx.scheduler.run(graph, run);
    const result: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(outputs)) result[name] = new Float32Array(await t.read());
    return result;
  } finally {
    made.release();
  }
}

/** A float64 reference rounded once to f32, so that what overflows f32 is Inf there too. */
export const f32 = (values: ArrayLike<number>): Float64Array => Float64Array.from(values, Math.fround);

/** Fails with the first mismatches unless |actual - expected| <= atol + rtol |expected| everywhere. */
export function check(kernel: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: { atol: number; rtol: number }): void {
  const v = validateClose(kernel, actual, expected, tolerance);
  assert.ok(v.ok, v.message);
}

/** d f / d v[i] by central differences in float64 (v is not changed). */
export function centralDifferences(f: (v: Float64Array) => number, values: ArrayLike<number>): Float64Array {
  const v = Float64Array.from(values);
  return Float64Array.from(v, (vi, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(vi));
    v[i] = vi + h;
    const plus = f(v);
    v[i] = vi - h;
    const minus = f(v);
    v[i] = vi;
    return (plus - minus) / (2 * h);
  });
}

/** Keeps an op that is not an OpDispatches (a GEMM, one dispatch) for release with the test's tensors. */
export const keep = (made: Made, op: Promise<{ release(): void }>) => made.op(op.then((o) => ({ dispatches: [], release: () => o.release() })));

/** The sampler's own draws (step 0, call 0) of `count` elements at an iteration: the noise a model's graph drew there. */
export async function gpuDraws(ctx: GpuContext, count: number, distribution: 'gaussian' | 'gumbel', seed: number, iteration: number): Promise<Float32Array> {
  const r = await runAndRead(ctx, async (graph, made) => {
    const out = await made.tensor('draws', [count]);
    await made.op(addSample(graph, ctx, { distribution, output: out, seed, step: 0 }));
    return { out };
  }, { firstIteration: iteration });
  return r.out;
}
