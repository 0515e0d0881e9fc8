// A Philox permutation of n indices per epoch, for shuffling a dataset: random 64-bit keys sorted by
// a bitonic network on the GPU, ties broken by index. Kernel: shaders/permute.wgsl (which states the
// key of each index and the network). Reference: harness/reference/permute.ts.
//
// Why a sort of random keys: it is parallel, exactly reproducible (a total order has one sorted
// result, whatever the tile size), and uniform but for key ties (probability below n^2 / 2^65). Why
// bitonic rather than radix: no scans or atomics, and every pass is the same small kernel. Cost:
// p = 2^ceil(log2 n) items (at least 2; WG is at most p / 2), log2(p) (log2(p) + 1) / 2 compare-exchange steps over p / 2
// pairs; the steps at distances below one tile (2 WG items) run in workgroup memory, so the array is
// read and written once per dispatch: with s = log2(p / tile) stages above a tile, 1 + s local and
// s (s + 1) / 2 global dispatches. At n = 60000 (p = 65536, WG = 256, s = 7): 36 dispatches, 28 of
// them global, about 36 x 2 x 786 KB = 57 MB of memory traffic. In a graph that also trains, the
// passes of the iterations that start no epoch return at once, but are still dispatched.
import type { Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { checkGrid, linearGrid, type KernelGraph } from '../graph.js';
import type { Kernel } from '../kernel.js';
import { cachedKernel, checkDims, checkElements, checkU32, checkWorkgroupSize, type OpContext } from './common.js';
import { sharedUniformWords } from '../uniforms.js';

export interface PermutationOptions {
  /** n u32: receives the permutation of 0 .. n - 1. */
  output: Tensor;
  n: number;
  /** Philox key word 0; key word 1 is RNG_PURPOSES.permutation. */
  seed: number;
  /** The epoch (Philox counter step) at iteration 0. */
  epoch: number;
  /**
   * Graph repetitions per epoch (default 1): at iteration t the permutation is that of epoch
   * epoch + floor(t / epochLength), computed at t = 0, epochLength, 2 epochLength, .. (the passes do
   * nothing in between). Start runs at a multiple of it, or the output holds the previous epoch's.
   */
  epochLength?: number;
  /** Invocations per workgroup (default 256, a power of two; at most half of n rounded up to a power of two); the permutation does not depend on it. */
  workgroupSize?: number;
}

/** What addPermutation put into the graph: its passes' params (one uniform) and its sort array. */
export interface PermutationDispatch {
  kernels: Kernel[];
  /** Items sorted: n rounded up to a power of two, at least one tile. */
  items: number;
  dispatches: number;
  release(): void;
}

/** One pass of the network: (kind, k, j, k_last, flags) as shaders/permute.wgsl PermuteParams reads them. */
interface Pass {
  local: boolean;
  k: number;
  j: number;
  kLast: number;
  flags: number;
}

const FLAG_GENERATE = 1;
const FLAG_EMIT = 2;
const DEFAULT_WG = 256;
// Item: hi, lo, index.
const ITEM_BYTES = 12;

const nextPowerOfTwo = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/**
 * The bitonic network over `items` (a power of two, a multiple of `tile`) as passes: one local pass
 * for the stages up to a tile, then per larger stage k its global passes at distances k / 2 .. tile
 * and one local pass for the distances below.
 */
export function bitonicPasses(items: number, tile: number): Pass[] {
  const passes: Pass[] = [{ local: true, k: 2, j: 1, kLast: tile, flags: FLAG_GENERATE }];
  for (let k = 2 * tile; k <= items; k *= 2) {
    for (let j = k / 2; j >= tile; j /= 2) passes.push({ local: false, k, j, kLast: k, flags: 0 });
    passes.push({ local: true, k, j: tile / 2, kLast: k, flags: 0 });
  }
  passes[passes.length - 1].flags |= FLAG_EMIT;
  return passes;
}

/**
 * Adds the permutation of 0 .. n - 1 for (seed, epoch) to `graph`: output[r] is the index at rank r
 * of the keys rng_bits(seed, permutation, epoch, i, 0).xy (ties by index). A dataset shuffled per
 * epoch is this op with epochLength = batches per epoch, followed by addGather on the same graph,
 * repeated batches x epochs times. Errors name 'permutation'. Release the result when done.
 *
 *   const order = await pool.tensor('order', 'u32', [60000]);
 *   const op = await addPermutation(graph, ctx, { output: order, n: 60000, seed: 1, epoch: 0, epochLength: 468 });
 */
export async function addPermutation(graph: KernelGraph, ctx: OpContext, o: PermutationOptions): Promise<PermutationDispatch> {
  const name = 'permutation';
  checkDims(name, { n: o.n, epochLength: o.epochLength ?? 1 });
  checkU32(name, 'seed', o.seed);
  checkU32(name, 'epoch', o.epoch);
  const output = checkElements(name, 'output', o.output, ['u32'], [o.n], 'n');
  // A tile need not exceed the next power of two of n: small permutations take small workgroups.
  const wg = Math.min(checkWorkgroupSize(ctx, name, o.workgroupSize ?? DEFAULT_WG), Math.max(1, nextPowerOfTwo(o.n) / 2));
  const tile = 2 * wg;
  const storage = ctx.gpu.limits.maxComputeWorkgroupStorageSize;
  if (tile * ITEM_BYTES > storage) {
    throw new LimitError(`${name}: workgroupSize = ${wg} needs a tile of ${tile * ITEM_BYTES} bytes, over the device's maxComputeWorkgroupStorageSize of ${storage}`);
  }
  const items = Math.max(tile, nextPowerOfTwo(o.n));
  if (items > 2 ** 31) throw new InputError(`${name}: n = ${o.n} exceeds 2^31 indices`);
  const limit = ctx.pool.bindingLimit();
  if (items * ITEM_BYTES > limit.bytes) {
    throw new LimitError(`${name}: sorting n = ${o.n} indices needs ${items} items of ${ITEM_BYTES} bytes, over ${limit.name} of ${limit.bytes} bytes`);
  }
  const overrides = { WG: wg };
  const local = cachedKernel(`${name}.local`, 'permute.wgsl', 'sort_local', overrides);
  const global = cachedKernel(`${name}.global`, 'permute.wgsl', 'sort_global', overrides);
  const passes = bitonicPasses(items, tile);
  const grids = passes.map((p) => (p.local ? linearGrid(ctx.gpu, items / tile, 1) : linearGrid(ctx.gpu, items / 2, wg)));
  grids.forEach((g, i) => checkGrid(ctx.gpu, passes[i].local ? local.name : global.name, g));

  // Every pass's PermuteParams in one uniform buffer, one aligned slot each, bound as views.
  const slot = ctx.gpu.limits.minUniformBufferOffsetAlignment;
  const structBytes = local.uniformStruct('params').size;
  const words = new Uint32Array((passes.length * slot) / 4);
  passes.forEach((p, i) => {
    const fields = { n: o.n, seed: o.seed, epoch: o.epoch, period: o.epochLength ?? 1, k: p.k, j: p.j, k_last: p.kLast, flags: p.flags };
    words.set(sharedUniformWords([local, global], 'params', fields), (i * slot) / 4);
  });
  const params = await ctx.pool.uniform(`${name} params`, words);
  let sortItems: Tensor | undefined;
  try {
    sortItems = await ctx.pool.tensor(`${name} items`, 'u32', [items * (ITEM_BYTES / 4)]);
    const nodes = passes.map((p, i) => {
      const kernel = p.local ? local : global;
      const bindings = { params: params.view(i * slot, structBytes), items: sortItems!, permutation: output };
      kernel.checkBindings(bindings);
      return { kernel, bindings, workgroups: grids[i] };
    });
    for (const node of nodes) graph.add(node.kernel, node.bindings, node.workgroups);
  } catch (e) {
    params.release();
    sortItems?.release();
    throw e;
  }
  const sorted = sortItems;
  return {
    kernels: [local, global],
    items,
    dispatches: passes.length,
    release() {
      params.release();
      sorted.release();
    },
  };
}
