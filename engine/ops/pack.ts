// Bit packing for the XNOR kernels: ±1 (or the sign of f32) into u32 words along the last axis,
// back to ±1 f32, and the 8 bit planes of u8 inputs. Kernels: shaders/pack_bits.wgsl (which states
// the layouts); reference: harness/reference/xnor.ts.
import type { Tensor } from '../buffers.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatch, cachedKernel, checkDims, checkDistinct, checkOperand, type OpContext, type OpDispatch } from './common.js';

/** u32 words per packed row of `cols` values. */
export const packedWords = (cols: number) => Math.ceil(cols / 32);

const WG = 64;

async function addPackKernel(
  graph: KernelGraph,
  ctx: OpContext,
  name: string,
  entry: string,
  overrides: Record<string, number>,
  invocations: number,
  input: Tensor,
  output: Tensor,
  rows: number,
  cols: number,
): Promise<OpDispatch> {
  checkDistinct(name, 'output', { input, output });
  const kernel = cachedKernel(name, 'pack_bits.wgsl', entry, { WG, ...overrides });
  return addDispatch(graph, ctx, kernel, { rows, cols, words: packedWords(cols) }, (params) => ({ params, src: input, dst: output }), linearGrid(ctx.gpu, invocations, kernel.override('WG')));
}

export interface PackOptions {
  /** rows x cols row-major, f32 or i32: bit 1 (+1) where x >= 0 (+0.0 and -0.0 too; NaN gives -1). */
  input: Tensor;
  /** rows x ceil(cols / 32) u32 words, dtype 'bits' or 'u32'; padding bits are written as 0. */
  output: Tensor;
  rows: number;
  cols: number;
}

/**
 * Packs ±1 values (or signs) along the last axis, 32 per u32 word, column c at bit c % 32.
 *
 *   const wBits = await pool.tensor('W bits', 'bits', [n, k]);
 *   await addPackBits(graph, ctx, { input: w, output: wBits, rows: n, cols: k });
 */
export async function addPackBits(graph: KernelGraph, ctx: OpContext, o: PackOptions): Promise<OpDispatch> {
  const name = 'pack_bits';
  checkDims(name, { rows: o.rows, cols: o.cols });
  const input = checkOperand(ctx, name, 'input', o.input, ['f32', 'i32'], o.rows * o.cols * 4, `rows x cols = ${o.rows} x ${o.cols} values`);
  const words = o.rows * packedWords(o.cols);
  checkOperand(ctx, name, 'output', o.output, ['bits', 'u32'], words * 4, `rows x ceil(cols / 32) = ${o.rows} x ${packedWords(o.cols)} words`);
  return addPackKernel(graph, ctx, name, 'pack', { INPUT_I32: +(input.dtype === 'i32') }, words, o.input, o.output, o.rows, o.cols);
}

export interface UnpackOptions {
  /** rows x ceil(cols / 32) packed words. */
  input: Tensor;
  /** rows x cols f32 receiving +1.0 / -1.0. */
  output: Tensor;
  rows: number;
  cols: number;
}

/** Unpacks bits into ±1.0 f32 (bit 1 -> +1.0). */
export async function addUnpackBits(graph: KernelGraph, ctx: OpContext, o: UnpackOptions): Promise<OpDispatch> {
  const name = 'unpack_bits';
  checkDims(name, { rows: o.rows, cols: o.cols });
  checkOperand(ctx, name, 'input', o.input, ['bits', 'u32'], o.rows * packedWords(o.cols) * 4, `rows x ceil(cols / 32) = ${o.rows} x ${packedWords(o.cols)} words`);
  checkOperand(ctx, name, 'output', o.output, ['f32'], o.rows * o.cols * 4, `rows x cols = ${o.rows} x ${o.cols} f32`);
  return addPackKernel(graph, ctx, name, 'unpack', {}, o.rows * o.cols, o.input, o.output, o.rows, o.cols);
}

export interface PackPlanesOptions {
  /** rows x cols u8 values, row-major, 4 per u32 word (a Uint8Array uploaded as is): dtype u32. */
  input: Tensor;
  /** rows x ceil(cols / 32) x 8 u32 words (pack_bits.wgsl states the layout). */
  output: Tensor;
  rows: number;
  cols: number;
}

/** u32 words of the bit planes of a rows x cols u8 matrix. */
export const planeWords = (rows: number, cols: number) => rows * packedWords(cols) * 8;

/** Splits u8 inputs into 8 bit planes packed along K, for addXnorU8Gemm. */
export async function addPackBitPlanes(graph: KernelGraph, ctx: OpContext, o: PackPlanesOptions): Promise<OpDispatch> {
  const name = 'pack_planes';
  checkDims(name, { rows: o.rows, cols: o.cols });
  checkOperand(ctx, name, 'input', o.input, ['u32'], Math.ceil((o.rows * o.cols) / 4) * 4, `rows x cols = ${o.rows} x ${o.cols} bytes`);
  checkOperand(ctx, name, 'output', o.output, ['u32'], planeWords(o.rows, o.cols) * 4, `rows x ceil(cols / 32) x 8 = ${o.rows} x ${packedWords(o.cols)} x 8 words`);
  return addPackKernel(graph, ctx, name, 'pack_planes', {}, o.rows * packedWords(o.cols), o.input, o.output, o.rows, o.cols);
}
