// Integer matrices as +-1 bit planes: a product of a +-1 matrix with an integer matrix becomes one
// XNOR-popcount GEMM over the stacked planes and a combine pass, exact in integers. Kernels:
// shaders/xnor_planes.wgsl (which states the code and the layout) and xnor_gemm.wgsl; reference:
// harness/reference/xnor_planes.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatch, cachedKernel, checkDims, checkOperand, checkDistinct, type OpContext, type OpDispatch, type OpDispatches } from './common.js';
import { packedWords } from './pack.js';
import { addXnorGemm } from './xnor.js';
import type { Tuner } from './tune.js';
import type { TileConfig } from './common.js';

/** How integers are coded: `bits` planes with coefficients 2^p, and one more (all -1, coefficient 1) for even entries. */
export interface PlaneCode {
  bits: number;
  /** bits, or bits + 1 for even entries. */
  planes: number;
}

/** The largest number of planes (integers up to 2^30 in magnitude). */
export const MAX_PLANES = 31;

/**
 * The code for integers of one parity with |v| <= maxAbs: odd values need 2^bits - 1 >= maxAbs,
 * even ones are coded as v + 1 (2^bits - 1 >= maxAbs + 1) plus a constant plane.
 *
 *   planeCode(5, 'odd');    // { bits: 3, planes: 3 }: 5 = 4 + 2 - 1
 *   planeCode(4, 'even');   // { bits: 3, planes: 4 }
 */
export function planeCode(maxAbs: number, parity: 'odd' | 'even'): PlaneCode {
  if (!(Number.isInteger(maxAbs) && maxAbs >= 0)) throw new InputError(`xnor planes: maxAbs = ${maxAbs} must be a non-negative integer`);
  const span = parity === 'even' ? maxAbs + 1 : maxAbs;
  const bits = Math.max(1, Math.ceil(Math.log2(span + 1)));
  const planes = parity === 'even' ? bits + 1 : bits;
  if (planes > MAX_PLANES) throw new InputError(`xnor planes: |v| <= ${maxAbs} needs ${planes} planes, over ${MAX_PLANES}`);
  return { bits, planes };
}

function checkCode(name: string, code: PlaneCode): void {
  checkDims(name, { bits: code?.bits, planes: code?.planes });
  if ((code.planes !== code.bits && code.planes !== code.bits + 1) || code.planes > MAX_PLANES) {
    throw new InputError(`${name}: planes = ${code.planes} must be bits (${code.bits}) or bits + 1, at most ${MAX_PLANES}`);
  }
}

export interface EncodePlanesOptions {
  /** rows x cols f32 holding integers of one parity that the code covers (not checked on the GPU). */
  input: Tensor;
  /** planes x rows x ceil(cols / 32) u32 (dtype 'bits' or 'u32'). */
  output: Tensor;
  rows: number;
  cols: number;
  code: PlaneCode;
}

/**
 * Codes an integer matrix as bit planes on the GPU (shaders/xnor_planes.wgsl states the code).
 *
 *   const code = planeCode(patterns, patterns % 2 ? 'odd' : 'even');
 *   await addEncodePlanes(graph, ctx, { input: couplings, output: planes, rows: n, cols: n, code });
 */
export async function addEncodePlanes(graph: KernelGraph, ctx: OpContext, o: EncodePlanesOptions): Promise<OpDispatch> {
  const name = 'xnor_planes.encode';
  checkDims(name, { rows: o.rows, cols: o.cols });
  checkCode(name, o.code);
  const words = packedWords(o.cols);
  checkOperand(ctx, name, 'input', o.input, ['f32'], o.rows * o.cols * 4, `rows x cols = ${o.rows} x ${o.cols} f32`);
  checkOperand(ctx, name, 'output', o.output, ['bits', 'u32'], o.code.planes * o.rows * words * 4, `planes x rows x ceil(cols / 32) = ${o.code.planes} x ${o.rows} x ${words} words`);
  checkDistinct(name, 'output', { input: o.input, output: o.output });
  const kernel = cachedKernel(name, 'xnor_planes.wgsl', 'encode', { WG: 64 });
  const fields = { rows: o.rows, cols: o.cols, words, planes: o.code.planes, bits: o.code.bits };
  return addDispatch(graph, ctx, kernel, fields, (params) => ({ params, src: o.input, dst: o.output }), linearGrid(ctx.gpu, o.rows * words, kernel.override('WG')));
}

export interface XnorPlanesGemmOptions {
  /** m x k +-1, packed along k. */
  a: Tensor;
  /** The planes of an n x k integer matrix B (addEncodePlanes): planes x n x ceil(k / 32) words. */
  planes: Tensor;
  code: PlaneCode;
  /** m x (planes * n) i32: each plane's product, then combined. */
  products: Tensor;
  /** m x n f32: A B^T, exact where below 2^24 in magnitude. */
  c: Tensor;
  m: number;
  n: number;
  k: number;
  /** xnor_gemm's tile config. */
  config?: TileConfig | string | Tuner;
}

/**
 * C = A B^T for +-1 A (packed) and an integer B held as bit planes: one XNOR GEMM against all planes
 * at once, then each output's planes combined with their coefficients. Release when done.
 *
 *   await addXnorPlanesGemm(graph, ctx, { a: stateBits, planes, code, products, c: fields, m: probes, n: units, k: units });
 */
export async function addXnorPlanesGemm(graph: KernelGraph, ctx: OpContext, o: XnorPlanesGemmOptions): Promise<OpDispatches> {
  const name = 'xnor_planes.gemm';
  checkDims(name, { m: o.m, n: o.n, k: o.k });
  checkCode(name, o.code);
  const rows = o.code.planes * o.n;
  checkOperand(ctx, name, 'products', o.products, ['i32'], o.m * rows * 4, `m x (planes * n) = ${o.m} x ${rows} i32`);
  checkOperand(ctx, name, 'c', o.c, ['f32'], o.m * o.n * 4, `m x n = ${o.m} x ${o.n} f32`);
  checkDistinct(name, 'c', { products: o.products, c: o.c });
  const product = await addXnorGemm(graph, ctx, { a: o.a, b: o.planes, c: o.products, m: o.m, n: rows, k: o.k, config: o.config });
  try {
    const kernel = cachedKernel('xnor_planes.combine', 'xnor_planes.wgsl', 'combine', { WG: 64 });
    // PlanesParams' rows and cols are m and n here; combine reads no words.
    const fields = { rows: o.m, cols: o.n, words: 0, planes: o.code.planes, bits: o.code.bits };
    const combine = await addDispatch(graph, ctx, kernel, fields, (params) => ({ params, src: o.products, dst: o.c }), linearGrid(ctx.gpu, o.m * o.n, kernel.override('WG')));
    return {
      dispatches: [...product.blocks.map((b) => ({ kernel: product.kernel, workgroups: b.workgroups })), { kernel: combine.kernel, workgroups: combine.workgroups }],
      release() {
        product.release();
        combine.release();
      },
    };
  } catch (e) {
    product.release();
    throw e;
  }
}
