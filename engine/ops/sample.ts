// Samplers keyed by Philox: Bernoulli (from probabilities or logits), Gaussian, uniform, Gumbel,
// categorical by Gumbel-max, and dropout. Kernel: shaders/sample.wgsl, which states which Philox word
// decides which element. Reference: harness/reference/sample.ts.
import type { Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatch, cachedKernel, checkDims, checkDistinct, checkElements, checkU32, checkWorkgroupSize, placeholder, streamFields, type OpContext, type OpDispatch } from './common.js';
import type { UniformFields } from '../uniforms.js';

/** Where a sampler's random numbers come from: the Philox key and counter words. */
export interface SampleStream {
  /** Philox key word 0; key word 1 is the distribution's purpose (engine/rng_purposes.ts). */
  seed: number;
  /** Counter step; the graph's repetition index is added to it, so repeats draw fresh numbers. */
  step: number;
  /** Counter call word (default 0): separates several draws of one purpose in one step. */
  call?: number;
  /** Invocations per workgroup (default 64); the draws do not depend on it. */
  workgroupSize?: number;
}

/** A per-element parameter: one number for every element, or an f32 tensor of the output's shape. */
export type SampleParameter = number | Tensor;

/** One draw per element of `output` (f32, any shape), by distribution. */
export type SampleOptions = SampleStream & { output: Tensor } & (
    | { distribution: 'bernoulli'; /** f32, the output's shape; p <= 0 or NaN gives 0, p >= 1 gives 1. */ probabilities: Tensor }
    | { distribution: 'bernoulliLogits'; /** f32, the output's shape: p = sigmoid(logit); +-Inf give 1 and 0. */ logits: Tensor }
    | { distribution: 'gaussian'; /** Default 0. */ mean?: SampleParameter; /** Default 1. */ std?: SampleParameter }
    | { distribution: 'uniform'; /** Default 0. */ low?: number; /** Default 1; draws lie in [low, high) (high only by f32 rounding). */ high?: number }
    | { distribution: 'gumbel'; /** Default 0. */ location?: SampleParameter; /** Default 1. */ scale?: SampleParameter }
  );

export type Distribution = SampleOptions['distribution'];

/** The DIST override's codes (shaders/sample.wgsl DIST_*). */
export const DISTRIBUTIONS: Readonly<Record<Distribution | 'dropout', number>> = {
  bernoulli: 0,
  bernoulliLogits: 1,
  gaussian: 2,
  uniform: 3,
  gumbel: 4,
  dropout: 5,
};

const FILE = 'sample.wgsl';
const DEFAULT_WG = 64;
// Element numbers are u32 and ceil(count / 4) must not wrap; far beyond any binding anyway.
const MAX_ELEMENTS = 2 ** 31;

/** The resolved arguments of one `sample` dispatch. */
interface SampleDispatch {
  name: string;
  output: Tensor;
  input?: Tensor;
  shift: SampleParameter;
  scale: SampleParameter;
  keep?: number;
  stream: SampleStream;
}

/** The fields of SampleParams (shaders/sample.wgsl). */
function sampleFields(count: number, cols: number, stream: SampleStream, shift: number, scale: number, keep: number): UniformFields {
  return { count, cols, ...streamFields(stream), shift, scale, keep };
}

/** Checks the Philox words of a stream (seed, step, call): each a u32. */
export function checkStream(name: string, stream: SampleStream): void {
  checkU32(name, 'seed', stream.seed);
  checkU32(name, 'step', stream.step);
  checkU32(name, 'call', stream.call ?? 0);
}

function checkCount(name: string, operand: string, tensor: Tensor): number {
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  if (count >= MAX_ELEMENTS) throw new LimitError(`${name}: operand ${operand} has ${count} elements, over the samplers' limit of 2^31`);
  return count;
}

/** A scalar parameter must be a finite f32; a tensor one must have the output's shape. */
function checkParameter(name: string, operand: string, value: SampleParameter, output: Tensor): SampleParameter {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || !Number.isFinite(Math.fround(value))) throw new InputError(`${name}: ${operand} = ${value} must be a finite f32`);
    return value;
  }
  return checkElements(name, operand, value, ['f32'], output.shape, 'the output shape');
}

async function addSampleDispatch(graph: KernelGraph, ctx: OpContext, distribution: keyof typeof DISTRIBUTIONS, d: SampleDispatch): Promise<OpDispatch> {
  const { name, output, input, shift, scale, stream } = d;
  checkStream(name, stream);
  const count = checkCount(name, 'output', output);
  checkDistinct(name, 'output', {
    output,
    input,
    shift: typeof shift === 'number' ? undefined : shift,
    scale: typeof scale === 'number' ? undefined : scale,
  });
  const wg = checkWorkgroupSize(ctx, name, stream.workgroupSize ?? DEFAULT_WG);
  // One kernel per distribution whatever the op's name (dropout and its backward share one).
  const kernel = cachedKernel(`sample.${distribution}`, FILE, 'sample', {
    WG: wg,
    DIST: DISTRIBUTIONS[distribution],
    SHIFT_TENSOR: +(typeof shift !== 'number'),
    SCALE_TENSOR: +(typeof scale !== 'number'),
  });
  const read = await placeholder(ctx.pool, 'read');
  const fields = sampleFields(count, 1, stream, typeof shift === 'number' ? shift : 0, typeof scale === 'number' ? scale : 0, d.keep ?? 0);
  const workgroups = linearGrid(ctx.gpu, Math.ceil(count / 4), kernel.override('WG'));
  return addDispatch(graph, ctx, kernel, fields, (params) => ({
    params,
    input: input ?? read,
    shifts: typeof shift === 'number' ? read : shift,
    scales: typeof scale === 'number' ? read : scale,
    output,
  }), workgroups);
}

/**
 * Adds one draw per element of `output` (f32, any shape) to `graph`: Bernoulli from probabilities
 * or from logits (0.0 / 1.0), Gaussian (mean, std), uniform [low, high) or Gumbel (location, scale).
 * Element e uses word e % 4 of Philox counter (step + iteration, e / 4, call) under key (seed,
 * purpose): see shaders/sample.wgsl. Bernoulli shares its purpose and rule with the GEMM epilogue,
 * so sampling a GEMM's probabilities here draws what its fused epilogue would. Errors name
 * 'sample.<distribution>' and the operand. Release the result when the graph is done with.
 *
 *   const op = await addSample(graph, ctx, { distribution: 'bernoulli', probabilities: ph, output: h, seed: 7, step: 0 });
 *   await scheduler.run(graph, { repeat: 100 });   // 100 fresh samples, steps 0 .. 99
 *   op.release();
 */
export async function addSample(graph: KernelGraph, ctx: OpContext, o: SampleOptions): Promise<OpDispatch> {
  const name = `sample.${String(o.distribution)}`;
  const output = checkElements(name, 'output', o.output, ['f32'], o.output?.shape ?? []);
  const base = { name, output, stream: o, shift: 0, scale: 1 };
  switch (o.distribution) {
    case 'bernoulli':
      return addSampleDispatch(graph, ctx, 'bernoulli', { ...base, input: checkElements(name, 'probabilities', o.probabilities, ['f32'], output.shape, 'the output shape') });
    case 'bernoulliLogits':
      return addSampleDispatch(graph, ctx, 'bernoulliLogits', { ...base, input: checkElements(name, 'logits', o.logits, ['f32'], output.shape, 'the output shape') });
    case 'gaussian':
      return addSampleDispatch(graph, ctx, 'gaussian', {
        ...base,
        shift: checkParameter(name, 'mean', o.mean ?? 0, output),
        scale: checkParameter(name, 'std', o.std ?? 1, output),
      });
    case 'uniform': {
      const low = o.low ?? 0;
      const high = o.high ?? 1;
      checkParameter(name, 'low', low, output);
      checkParameter(name, 'high', high, output);
      if (!(low <= high)) throw new InputError(`${name}: low = ${low} must not exceed high = ${high}`);
      return addSampleDispatch(graph, ctx, 'uniform', { ...base, shift: low, scale: checkParameter(name, 'high - low', high - low, output) });
    }
    case 'gumbel':
      return addSampleDispatch(graph, ctx, 'gumbel', {
        ...base,
        shift: checkParameter(name, 'location', o.location ?? 0, output),
        scale: checkParameter(name, 'scale', o.scale ?? 1, output),
      });
    default:
      throw new InputError(`sample: unknown distribution '${String((o as { distribution: unknown }).distribution)}'; known: ${Object.keys(DISTRIBUTIONS).filter((k) => k !== 'dropout').join(', ')}`);
  }
}

export interface DropoutOptions extends SampleStream {
  /** f32, any shape: x (forward). */
  input: Tensor;
  /** f32, the input's shape: x * mask / keep. */
  output: Tensor;
  /** The keep probability q, in (0, 1]. */
  keep: number;
}

/**
 * Adds inverted dropout: output = input * mask / keep, with mask[e] = rng_bernoulli(word, keep) on
 * word e % 4 of Philox counter (step + iteration, e / 4, call) under key (seed, dropout). Dropped
 * elements are exactly 0 (even where the input is NaN or Inf); kept ones are input * f32(1 / keep).
 * No mask is stored: addDropoutBackward with the same seed, step and call (and the same iteration)
 * draws the same mask.
 *
 *   const op = await addDropout(graph, ctx, { input: h, output: hDrop, keep: 0.8, seed: 3, step: 0 });
 */
export async function addDropout(graph: KernelGraph, ctx: OpContext, o: DropoutOptions): Promise<OpDispatch> {
  return addDropoutKernel(graph, ctx, 'dropout', o.input, o.output, o, 'input', 'output');
}

export interface DropoutBackwardOptions extends SampleStream {
  /** dL/d(output) of the forward pass. */
  gradOutput: Tensor;
  /** dL/d(input): gradOutput * mask / keep. */
  gradInput: Tensor;
  keep: number;
}

/**
 * The backward pass of addDropout: gradInput = gradOutput * mask / keep, the mask drawn again from
 * the forward pass's stream (pass the same seed, step, call and run at the same iteration).
 *
 *   await addDropoutBackward(graph, ctx, { gradOutput: dh, gradInput: dhIn, keep: 0.8, seed: 3, step: 0 });
 */
export async function addDropoutBackward(graph: KernelGraph, ctx: OpContext, o: DropoutBackwardOptions): Promise<OpDispatch> {
  return addDropoutKernel(graph, ctx, 'dropout.backward', o.gradOutput, o.gradInput, o, 'gradOutput', 'gradInput');
}

async function addDropoutKernel(
  graph: KernelGraph,
  ctx: OpContext,
  name: string,
  input: Tensor,
  output: Tensor,
  o: SampleStream & { keep: number },
  inputName: string,
  outputName: string,
): Promise<OpDispatch> {
  const x = checkElements(name, inputName, input, ['f32'], input?.shape ?? []);
  const y = checkElements(name, outputName, output, ['f32'], x.shape, `the shape of ${inputName}`);
  const keep = o.keep;
  const q = Math.fround(keep);
  if (typeof keep !== 'number' || !(q > 0 && q <= 1)) throw new InputError(`${name}: keep = ${String(keep)} must lie in (0, 1] (as f32)`);
  return addSampleDispatch(graph, ctx, 'dropout', { name, output: y, input: x, shift: 0, scale: Math.fround(1 / q), keep: q, stream: o });
}

export interface CategoricalOptions extends SampleStream {
  /** rows x classes f32, row-major. */
  logits: Tensor;
  /** rows u32: the class drawn for each row. */
  output: Tensor;
  rows: number;
  classes: number;
}

/**
 * Adds one categorical draw per row of logits, by Gumbel-max: the class is the lowest j maximising
 * (logit[j] - m) + G[j], m the row's largest finite logit and G[j] the Gumbel sampler's draw for
 * element row * classes + j (purpose gumbel, same word rule). P(class j) = softmax(logits)[j];
 * NaN logits never win; +Inf logits win over finite ones (the first of several); a row of NaN gives
 * 0xFFFFFFFF. One workgroup per row (workgroupSize a power of two); the class does not depend on it.
 *
 *   const op = await addCategorical(graph, ctx, { logits: z, output: labels, rows: batch, classes: 10, seed: 1, step: 0 });
 */
export async function addCategorical(graph: KernelGraph, ctx: OpContext, o: CategoricalOptions): Promise<OpDispatch> {
  const name = 'sample.categorical';
  checkDims(name, { rows: o.rows, classes: o.classes });
  checkStream(name, o);
  const logits = checkElements(name, 'logits', o.logits, ['f32'], [o.rows, o.classes], 'rows x classes');
  const output = checkElements(name, 'output', o.output, ['u32'], [o.rows], 'rows');
  checkCount(name, 'logits', logits);
  checkDistinct(name, 'output', { output, logits });
  const wg = checkWorkgroupSize(ctx, name, o.workgroupSize ?? DEFAULT_WG);
  const kernel = cachedKernel(name, FILE, 'categorical', { WG: wg });
  const fields = sampleFields(o.rows * o.classes, o.classes, o, 0, 0, 0);
  return addDispatch(graph, ctx, kernel, fields, (params) => ({ params, input: logits, classes: output }), linearGrid(ctx.gpu, o.rows, 1));
}
