// Binary codes of consecutive numbers as f32 rows of 0 / 1: a block of `rows` numbers per graph
// repetition, for sums over every configuration of a few binary units (an RBM's exact partition
// function). Kernel: shaders/codes.wgsl. Reference: harness/reference/codes.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatch, cachedKernel, checkDims, checkElements, checkU32, checkWorkgroupSize, type OpContext, type OpDispatch } from './common.js';

export interface BinaryCodesOptions {
  /** rows x bits f32: row r receives the bits of first + iteration * rows + r, least significant first. */
  output: Tensor;
  rows: number;
  /** Bits per code, 1 to 32. */
  bits: number;
  /** The number of row 0 at iteration 0 (default 0). */
  first?: number;
  /** Invocations per workgroup (default 64); the codes do not depend on it. */
  workgroupSize?: number;
}

const DEFAULT_WG = 64;

/**
 * Adds the codes of `rows` consecutive numbers, first + t * rows .. first + (t + 1) * rows - 1 at
 * repetition t, as rows of 0.0 / 1.0 (bit j in column j). Numbers are u32 and wrap past 2^32 - 1.
 * Errors name 'codes'.
 *
 *   // Every state of 20 binary units, 4096 per repetition: 256 repetitions.
 *   const op = await addBinaryCodes(graph, ctx, { output: states, rows: 4096, bits: 20 });
 *   await scheduler.run(graph, { repeat: 256 });
 */
export async function addBinaryCodes(graph: KernelGraph, ctx: OpContext, o: BinaryCodesOptions): Promise<OpDispatch> {
  const name = 'codes';
  checkDims(name, { rows: o.rows, bits: o.bits });
  if (o.bits > 32) throw new InputError(`${name}: bits = ${o.bits} must be at most 32 (codes are u32 numbers)`);
  const first = o.first ?? 0;
  checkU32(name, 'first', first);
  const output = checkElements(name, 'output', o.output, ['f32'], [o.rows, o.bits], 'rows x bits');
  const wg = checkWorkgroupSize(ctx, name, o.workgroupSize ?? DEFAULT_WG);
  const kernel = cachedKernel(name, 'codes.wgsl', 'main', { WG: wg });
  return addDispatch(graph, ctx, kernel, { rows: o.rows, bits: o.bits, first }, (params) => ({ params, output }), linearGrid(ctx.gpu, o.rows * o.bits, kernel.override('WG')));
}
