// Binary GEMMs: XNOR-popcount of ±1 matrices and 8-bit inputs times ±1 weights, exact in integers.
// Kernels: shaders/xnor_gemm.wgsl, shaders/xnor_u8.wgsl; reference: harness/reference/xnor.ts.
import { InputError } from '../errors.js';
import { checkGrid, type KernelGraph } from '../graph.js';
import type { Tensor } from '../buffers.js';
import { addRowBlocks, bindable, cachedKernel, checkDims, checkDistinct, checkOperand, checkTensor, placeholder, planRowBlocks, resolveConfig, tileWorkgroups, type OpContext, type OpDispatch, type SplitDispatch, type TileConfig } from './common.js';
import { packedWords, planeWords } from './pack.js';
import { registerTunable, tunedConfig, type Tuner } from './tune.js';
import type { UniformFields } from '../uniforms.js';

/**
 * Register-tile configs of xnor_gemm.wgsl and xnor_u8.wgsl, the default first. On SwiftShader
 * (2 cores, shared): xnor_gemm 22-33 G binary ops/s at 1024^3 (2 M N K ops) on every config, about
 * 10x the f32 GEMM; xnor_u8 about 3.3 G 8-bit MACs x 2 per second.
 */
export const XNOR_CONFIGS: readonly TileConfig[] = [
  { name: '8x8-wg4x1', tm: 8, tn: 8, wgX: 4, wgY: 1 },
  { name: '8x8-wg8x8', tm: 8, tn: 8, wgX: 8, wgY: 8 },
  { name: '4x8-wg16x1', tm: 4, tn: 8, wgX: 16, wgY: 1 },
  { name: '4x4-wg16x16', tm: 4, tn: 4, wgX: 16, wgY: 16 },
];

/** The fields of XnorParams (xnor_gemm.wgsl, xnor_u8.wgsl). */
function xnorFields(m: number, n: number, k: number, alpha: number): UniformFields {
  return { m, n, k, words: packedWords(k), alpha };
}

export interface XnorGemmOptions {
  /** M x K ±1, packed along K (addPackBits): dtype 'bits' or 'u32'. */
  a: Tensor;
  /** N x K ±1, packed along K: B^T, the natural layout of weights. */
  b: Tensor;
  /** M x N: i32 dot products, or f32 alpha * dot. */
  c: Tensor;
  m: number;
  n: number;
  k: number;
  /** Scale for f32 output (default 1); i32 output takes none. */
  alpha?: number;
  /** Tile config, by name or whole (default XNOR_CONFIGS[0]); 'auto' or a Tuner picks it by timing (tune.ts). */
  config?: TileConfig | string | Tuner;
}

/**
 * C = A B^T for ±1 matrices packed along K: K - 2 popcount(a XOR b), exact. When A or C does not fit
 * one binding the product is split into blocks of rows of M, one dispatch each on views (B is read
 * whole by every block: a LimitError when it alone is over the limit). Release the result when the
 * graph is done with.
 *
 *   const op = await addXnorGemm(graph, ctx, { a: xBits, b: wBits, c: out, m: batch, n: units, k: inputs });
 */
export async function addXnorGemm(graph: KernelGraph, ctx: OpContext, o: XnorGemmOptions): Promise<SplitDispatch> {
  const name = 'xnor_gemm';
  const { m, n, k } = o;
  checkDims(name, { M: m, N: n, K: k });
  const words = packedWords(k);
  const a = { name: 'A', what: `M x ceil(K / 32) = ${m} x ${words} words`, bytes: m * words * 4, rowBytes: words * 4 };
  const b = { name: 'B', what: `N x ceil(K / 32) = ${n} x ${words} words`, bytes: n * words * 4 };
  const cOp = { name: 'C', what: `M x N = ${m} x ${n}`, bytes: m * n * 4, rowBytes: n * 4 };
  const blocks = planRowBlocks(name, m, [a, b, cOp], ctx.pool.bindingLimit(), ctx.gpu.limits.minStorageBufferOffsetAlignment);
  checkTensor(name, 'A', o.a, ['bits', 'u32'], a.bytes, a.what);
  checkTensor(name, 'B', o.b, ['bits', 'u32'], b.bytes, b.what);
  const c = checkTensor(name, 'C', o.c, ['i32', 'f32'], cOp.bytes, cOp.what);
  checkDistinct(name, 'C', { A: o.a, B: o.b, C: o.c });
  const alpha = o.alpha ?? 1;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new InputError(`${name}: alpha = ${String(alpha)} must be a finite number`);
  if (c.dtype === 'i32' && alpha !== 1) throw new InputError(`${name}: alpha needs an f32 C; tensor '${c.label}' is i32`);
  const config = resolveConfig(ctx, name, XNOR_CONFIGS, await tunedConfig(ctx, name, o.config, { m, n, k }));
  const vec = words % 4 === 0;
  const kernel = cachedKernel(name, 'xnor_gemm.wgsl', 'main', {
    WG_X: config.wgX,
    WG_Y: config.wgY,
    TM: config.tm,
    TN: config.tn,
    VEC: +vec,
    OUT_F32: +(c.dtype === 'f32'),
  });
  const read = await placeholder(ctx.pool, 'read');
  const wholeB = bindable(o.b, 0, b.bytes);
  return addRowBlocks(graph, ctx, kernel, blocks, (block) => {
    const rowsA = bindable(o.a, block.row0 * a.rowBytes, block.rows * a.rowBytes);
    return {
      params: xnorFields(block.rows, n, k, alpha),
      workgroups: tileWorkgroups(kernel, block.rows, n),
      bindings: (params) => ({
        params,
        a: rowsA,
        a4: vec ? rowsA : read,
        b: wholeB,
        b4: vec ? wholeB : read,
        c: bindable(o.c, block.row0 * cOp.rowBytes, block.rows * cOp.rowBytes),
      }),
    };
  });
}

export interface XnorU8Options {
  /** Bit planes of the M x K u8 inputs (addPackBitPlanes): M x ceil(K / 32) x 8 u32. */
  x: Tensor;
  /** N x K ±1 weights packed along K. */
  w: Tensor;
  /** M x N i32: sum over k of x[r, k] * w[j, k]. */
  c: Tensor;
  m: number;
  n: number;
  k: number;
  config?: TileConfig | string;
}

/**
 * C = X W^T for u8 X and ±1 W, exact: sum over the 8 bit planes of 2^b (popcount(P_b & W) -
 * popcount(P_b & ~W)). BinaryNet's first layer.
 *
 *   await addPackBitPlanes(graph, ctx, { input: pixels, output: planes, rows: batch, cols: 784 });
 *   await addXnorU8Gemm(graph, ctx, { x: planes, w: wBits, c: out, m: batch, n: units, k: 784 });
 */
export async function addXnorU8Gemm(graph: KernelGraph, ctx: OpContext, o: XnorU8Options): Promise<OpDispatch> {
  const name = 'xnor_u8';
  const { m, n, k } = o;
  checkDims(name, { M: m, N: n, K: k });
  const words = packedWords(k);
  checkOperand(ctx, name, 'x', o.x, ['u32'], planeWords(m, k) * 4, `M x ceil(K / 32) x 8 = ${m} x ${words} x 8 plane words`);
  checkOperand(ctx, name, 'w', o.w, ['bits', 'u32'], n * words * 4, `N x ceil(K / 32) = ${n} x ${words} words`);
  checkOperand(ctx, name, 'C', o.c, ['i32'], m * n * 4, `M x N = ${m} x ${n} i32`);
  checkDistinct(name, 'C', { x: o.x, w: o.w, C: o.c });
  const config = resolveConfig(ctx, name, XNOR_CONFIGS, o.config);
  const kernel = cachedKernel(name, 'xnor_u8.wgsl', 'main', { WG_X: config.wgX, WG_Y: config.wgY, TM: config.tm, TN: config.tn });
  const workgroups = tileWorkgroups(kernel, m, n);
  checkGrid(ctx.gpu, name, workgroups);
  const params = await ctx.pool.uniform(`${name} params`, kernel.uniformWords('params', xnorFields(m, n, k, 1)));
  graph.add(kernel, { params, planes: o.x, w: o.w, c: o.c }, workgroups);
  return { kernel, params, workgroups, release: () => params.release() };
}

// The autotuner's view of xnor_gemm: 2 M N K binary ops (a multiply and an add per bit), timed on
// zeroed operands (popcount speed does not depend on the bits) at up to 2^31 per dispatch.
registerTunable({
  kernel: 'xnor_gemm',
  configs: XNOR_CONFIGS,
  ops: (s) => 2 * s.m * s.n * s.k,
  budget: 2 ** 31,
  layout: (s) => `NT.${packedWords(s.k) % 4 === 0 ? 'vec4' : 'scalar'}`,
  async build(graph, ctx, s, config) {
    const a = await ctx.pool.tensor('tune A bits', 'bits', [s.m, s.k]);
    const b = await ctx.pool.tensor('tune B bits', 'bits', [s.n, s.k]);
    const c = await ctx.pool.tensor('tune C', 'i32', [s.m * s.n]);
    const op = await addXnorGemm(graph, ctx, { a, b, c, m: s.m, n: s.n, k: s.k, config });
    return () => {
      [a, b, c].forEach((t) => t.release());
      op.release();
    };
  },
});
