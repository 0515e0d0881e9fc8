// f32 GEMM: C = act(alpha * op(A) * op(B) + beta * C + bias), optionally with Bernoulli samples of C.
// Kernels: shaders/gemm_f32_v1.wgsl, _v2, gemm_f32.wgsl (v3). Reference: harness/reference/gemm.ts.
import type { Binding, Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import type { Kernel } from '../kernel.js';
import { addRowBlocks, bindable, cachedKernel, checkDims, checkDistinct, checkLayout, checkTensor, checkU32, placeholder, planRowBlocks, resolveConfig, streamFields, tileWorkgroups, type OpContext, type PlannedOperand, type SplitDispatch, type TileConfig } from './common.js';
import { registerTunable, tunedConfig, type Tuner, type TuneShape } from './tune.js';

export type Activation = 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'hardtanh';

/** The ACTIVATION override's codes (shaders/gemm_common.wgsl gemm_activate). */
export const ACTIVATIONS: Readonly<Record<Activation, number>> = { identity: 0, sigmoid: 1, tanh: 2, relu: 3, hardtanh: 4 };

/**
 * Register-tile configs of the v3 kernel, the default first. The autotuner picks among these. On
 * SwiftShader (2 cores, shared with other work, medians of 3-5): 8x8-wg4x1 2.5-2.8 GFLOP/s at 512^3
 * and 2.6-3.1 at 1024^3, 8x8-wg8x8 about the same, the 4-wide tiles 0.6-2.0.
 */
export const GEMM_F32_CONFIGS: readonly TileConfig[] = [
  { name: '8x8-wg4x1', tm: 8, tn: 8, wgX: 4, wgY: 1 },
  { name: '8x8-wg8x8', tm: 8, tn: 8, wgX: 8, wgY: 8 },
  { name: '8x8-wg16x4', tm: 8, tn: 8, wgX: 16, wgY: 4 },
  { name: '4x8-wg16x1', tm: 4, tn: 8, wgX: 16, wgY: 1 },
  { name: '8x4-wg8x8', tm: 8, tn: 4, wgX: 8, wgY: 8 },
  { name: '4x4-wg16x16', tm: 4, tn: 4, wgX: 16, wgY: 16 },
];

export interface GemmBernoulli {
  /** Philox key word 0; the key's second word is RNG_PURPOSES.bernoulli. */
  seed: number;
  /** Counter step; the graph's repetition index is added to it, so repeats draw fresh samples. */
  step: number;
  /** Counter call word (default 0): separates several draws in one step. */
  call?: number;
  /** f32 tensor of M x N receiving 0.0 / 1.0. */
  samples: Tensor;
}

export interface GemmOptions {
  /** M x K row-major (K x M when transA). */
  a: Tensor;
  /** K x N row-major (N x K when transB). */
  b: Tensor;
  /** M x N row-major: read when beta != 0, then overwritten. */
  c: Tensor;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0; as in BLAS, beta = 0 means C is not read (NaN in C does not propagate). */
  beta?: number;
  /** Added after alpha and beta: length M when biasAxis is 'row', N when 'column' (the default). */
  bias?: Tensor;
  biasAxis?: 'row' | 'column';
  /** Applied last (default identity). */
  activation?: Activation;
  /** Sample Bernoulli(C) after a sigmoid activation; C keeps the probabilities. v3 only. */
  bernoulli?: GemmBernoulli;
  /** v3 tile config, by name or whole (default GEMM_F32_CONFIGS[0]); 'auto' or a Tuner picks it by timing (tune.ts). */
  config?: TileConfig | string | Tuner;
  /** Kernel variant (default 'v3'); v1 and v2 have no epilogues and no tile configs. */
  variant?: GemmVariantName;
}

interface Plan {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  config: TileConfig;
}

/** One numbered kernel of the benchmark progression. */
export interface GemmVariant {
  readonly file: string;
  readonly summary: string;
  /** Whether bias, activation and Bernoulli epilogues are available. */
  readonly epilogues: boolean;
  overrides(plan: Plan): Record<string, number>;
  workgroups(ctx: OpContext, kernel: Kernel, plan: Plan): [number, number];
}

export type GemmVariantName = 'v1' | 'v2' | 'v3';

/** The f32 GEMM variants, in the order of the benchmark progression. */
export const GEMM_F32_VARIANTS: Readonly<Record<GemmVariantName, GemmVariant>> = {
  v1: {
    file: 'gemm_f32_v1.wgsl',
    summary: 'naive port of the reference: one invocation per output',
    epilogues: false,
    overrides: (p) => ({ WG: 64, TRANS_A: +p.transA, TRANS_B: +p.transB }),
    workgroups: (ctx, kernel, p) => linearGrid(ctx.gpu, p.m * p.n, kernel.override('WG')),
  },
  v2: {
    file: 'gemm_f32_v2.wgsl',
    summary: 'workgroup-memory tiling, one output per invocation',
    epilogues: false,
    overrides: (p) => ({ TILE: 16, TRANS_A: +p.transA, TRANS_B: +p.transB }),
    workgroups: (_ctx, kernel, p) => [Math.ceil(p.n / kernel.override('TILE')), Math.ceil(p.m / kernel.override('TILE'))],
  },
  v3: {
    file: 'gemm_f32.wgsl',
    summary: 'register tiling (TM x TN per invocation), vec4 loads, fused epilogues',
    epilogues: true,
    overrides: (p) => ({
      WG_X: p.config.wgX,
      WG_Y: p.config.wgY,
      TM: p.config.tm,
      TN: p.config.tn,
      TRANS_A: +p.transA,
      TRANS_B: +p.transB,
      VEC_A: +vec4Loads(p).a,
      VEC_B: +vec4Loads(p).b,
    }),
    workgroups: (_ctx, kernel, p) => tileWorkgroups(kernel, p.m, p.n),
  },
};

const F32 = 4;

/**
 * v3 tile configs whose workgroup is one row of invocations with 8 rows each (WG_Y = 1, TM = 8) run
 * shaders/gemm_f32_subgroup.wgsl on a device with subgroups: the same sums, the rows of A loaded
 * once per subgroup (about 20% faster on SwiftShader, where a load per lane is a gather).
 */
function sharesRowsOfA(ctx: OpContext, variant: GemmVariantName, config: TileConfig): boolean {
  return variant === 'v3' && ctx.gpu.hasSubgroups && config.wgY === 1 && config.tm === 8;
}

/** vec4 loads need op(A)'s (op(B)'s) contiguous axis to hold a multiple of 4 elements. */
function vec4Loads(p: TuneShape): { a: boolean; b: boolean } {
  return { a: (p.transA ? p.m : p.k) % 4 === 0, b: (p.transB ? p.k : p.n) % 4 === 0 };
}

/**
 * Adds C = act(alpha * op(A) * op(B) + beta * C + bias) to `graph`, with any M, N, K (edges are
 * handled in the kernel). Shapes and tensors are checked first; errors name 'gemm_f32' and the operand.
 * A product whose A, C, row bias or samples do not fit one binding is split into blocks of rows of M,
 * one dispatch each on views of those operands (not possible with transA: a LimitError then, as when
 * B or a column bias alone is over the limit). Release the result when the graph is done with.
 *
 *   const op = await addGemm(graph, { gpu, pool }, { a: x, b: w, c: h, m: batch, n: hidden, k: visible,
 *     bias: c, activation: 'sigmoid', bernoulli: { seed: 7, step: 0, samples: hSample } });
 *   await scheduler.run(graph);
 *   op.release();
 */
export async function addGemm(graph: KernelGraph, ctx: OpContext, o: GemmOptions): Promise<SplitDispatch> {
  const variantName = o.variant ?? 'v3';
  const variant = GEMM_F32_VARIANTS[variantName];
  const name = `gemm_f32.${variantName}`;
  if (!variant) throw new InputError(`gemm_f32: unknown variant '${String(variantName)}'; known: ${Object.keys(GEMM_F32_VARIANTS).join(', ')}`);
  const { m, n, k } = o;
  checkDims(name, { M: m, N: n, K: k });
  const transA = !!o.transA;
  const transB = !!o.transB;
  const alpha = o.alpha ?? 1;
  const beta = o.beta ?? 0;
  for (const [key, value] of [['alpha', alpha], ['beta', beta]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(`${name}: ${key} = ${String(value)} must be a finite number`);
  }
  const activation = o.activation ?? 'identity';
  if (!(activation in ACTIVATIONS)) throw new InputError(`${name}: unknown activation '${String(activation)}'; known: ${Object.keys(ACTIVATIONS).join(', ')}`);
  const biasAxis = o.biasAxis ?? 'column';
  if (biasAxis !== 'row' && biasAxis !== 'column') throw new InputError(`${name}: biasAxis must be 'row' or 'column', not '${String(biasAxis)}'`);
  const wantsEpilogue = o.bias !== undefined || activation !== 'identity' || o.bernoulli !== undefined;
  if (wantsEpilogue && !variant.epilogues) throw new InputError(`${name}: bias, activation and bernoulli need variant v3`);
  const bern = o.bernoulli;
  if (bern !== undefined) {
    if (activation !== 'sigmoid') throw new InputError(`${name}: bernoulli samples need activation 'sigmoid', not '${activation}'`);
    checkU32(name, 'bernoulli.seed', bern.seed);
    checkU32(name, 'bernoulli.step', bern.step);
    checkU32(name, 'bernoulli.call', bern.call ?? 0);
    // The kernel numbers the elements of the whole product in a u32 (the Philox counter is e / 4).
    if (m * n > 2 ** 32) throw new LimitError(`${name}: bernoulli samples of M x N = ${m} x ${n} elements exceed the u32 element counter (2^32)`);
  }
  if (variantName !== 'v3' && o.config !== undefined) throw new InputError(`${name}: tile configs are for variant v3`);

  // The operands, by how they split into blocks of rows of M: rows of A (unless transposed), C,
  // samples and a row bias are contiguous; B and a column bias are read whole by every block.
  const biasLength = biasAxis === 'row' ? m : n;
  // `layout`: the rows x columns each operand is read as, checked against the tensor's own shape.
  const operands: Record<'a' | 'b' | 'c' | 'bias' | 'samples', PlannedOperand & { tensor: Tensor | undefined; layout: [number, number] }> = {
    a: transA
      ? { name: 'A', tensor: o.a, what: `K x M = ${k} x ${m} f32`, layout: [k, m], bytes: m * k * F32, preventsSplit: 'A is stored K x M (transA), so rows of op(A) are not contiguous' }
      : { name: 'A', tensor: o.a, what: `M x K = ${m} x ${k} f32`, layout: [m, k], bytes: m * k * F32, rowBytes: k * F32 },
    b: { name: 'B', tensor: o.b, what: transB ? `N x K = ${n} x ${k} f32` : `K x N = ${k} x ${n} f32`, layout: transB ? [n, k] : [k, n], bytes: k * n * F32 },
    c: { name: 'C', tensor: o.c, what: `M x N = ${m} x ${n} f32`, layout: [m, n], bytes: m * n * F32, rowBytes: n * F32 },
    bias: { name: 'bias', tensor: o.bias, what: `${biasAxis === 'row' ? 'M' : 'N'} = ${biasLength} f32`, layout: [1, biasLength], bytes: biasLength * F32, rowBytes: biasAxis === 'row' ? F32 : undefined },
    samples: { name: 'samples', tensor: bern?.samples, what: `M x N = ${m} x ${n} f32`, layout: [m, n], bytes: m * n * F32, rowBytes: n * F32 },
  };
  const used = [operands.a, operands.b, operands.c, ...(o.bias !== undefined ? [operands.bias] : []), ...(bern ? [operands.samples] : [])];
  const blocks = planRowBlocks(name, m, used, ctx.pool.bindingLimit(), ctx.gpu.limits.minStorageBufferOffsetAlignment);
  for (const op of used) checkLayout(name, op.name, checkTensor(name, op.name, op.tensor, ['f32'], op.bytes, op.what), ...op.layout, op.what);
  checkDistinct(name, 'C', { A: o.a, B: o.b, C: o.c, bias: o.bias, samples: bern?.samples });
  checkDistinct(name, 'samples', { A: o.a, B: o.b, C: o.c, bias: o.bias, samples: bern?.samples });

  const config = variantName === 'v3' ? await tunedConfig(ctx, 'gemm_f32', o.config, { m, n, k, transA, transB }) : undefined;
  const plan: Plan = { m, n, k, transA, transB, config: resolveConfig(ctx, name, GEMM_F32_CONFIGS, config) };
  const overrides = variant.overrides(plan);
  if (variant.epilogues) {
    overrides.BIAS = o.bias === undefined ? 0 : biasAxis === 'row' ? 1 : 2;
    overrides.ACTIVATION = ACTIVATIONS[activation];
    overrides.BERNOULLI = +(bern !== undefined);
  }
  const kernel = sharesRowsOfA(ctx, variantName, plan.config) ? cachedKernel(name, 'gemm_f32_subgroup.wgsl', 'main_subgroup', overrides) : cachedKernel(name, variant.file, 'main', overrides);
  const read = variantName === 'v3' ? await placeholder(ctx.pool, 'read') : undefined;
  const write = bern ? undefined : variantName === 'v3' ? await placeholder(ctx.pool, 'write') : undefined;

  return addRowBlocks(graph, ctx, kernel, blocks, (block) => {
    // An operand's part in this block: its rows when it splits, else all of it.
    const part = (op: PlannedOperand & { tensor: Tensor | undefined }): Binding =>
      op.rowBytes === undefined ? bindable(op.tensor!, 0, op.bytes) : bindable(op.tensor!, block.row0 * op.rowBytes, block.rows * op.rowBytes);
    // GemmParams (shaders/gemm_common.wgsl): m is this block's rows; first_element = row0 * N numbers
    // the block's elements within the whole product, so that the Bernoulli draws do not depend on the split.
    const fields = { m: block.rows, n, k, alpha, beta, ...streamFields(bern ?? {}), first_element: bern ? block.row0 * n : 0 };
    const a = part(operands.a);
    const b = part(operands.b);
    return {
      params: fields,
      workgroups: variant.workgroups(ctx, kernel, { ...plan, m: block.rows }),
      bindings: (params) => {
        const bindings: Record<string, Binding> = { params, a, b, c: part(operands.c) };
        if (read) {
          bindings.a4 = overrides.VEC_A ? a : read;
          bindings.b4 = overrides.VEC_B ? b : read;
          bindings.bias = o.bias !== undefined ? part(operands.bias) : read;
          bindings.samples = bern ? part(operands.samples) : write!;
        }
        return bindings;
      },
    };
  });
}

// The autotuner's view of v3: 2 M N K flops, timed on zeroed operands (f32 FMA speed does not depend
// on the values) at up to 2^28 flops per dispatch, about 0.1 s on SwiftShader.
registerTunable({
  kernel: 'gemm_f32',
  configs: GEMM_F32_CONFIGS,
  ops: (s) => 2 * s.m * s.n * s.k,
  budget: 2 ** 28,
  layout(s) {
    const vec = vec4Loads(s);
    return `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}.${vec.a || vec.b ? `vec4${vec.a ? 'A' : ''}${vec.b ? 'B' : ''}` : 'scalar'}`;
  },
  async build(graph, ctx, s, config) {
    const a = await ctx.pool.tensor('tune A', 'f32', [s.m * s.k]);
    const b = await ctx.pool.tensor('tune B', 'f32', [s.k * s.n]);
    const c = await ctx.pool.tensor('tune C', 'f32', [s.m * s.n]);
    const op = await addGemm(graph, ctx, { a, b, c, m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB, config });
    return () => {
      [a, b, c].forEach((t) => t.release());
      op.release();
    };
  },
});
