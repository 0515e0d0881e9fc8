// Every WGSL file by name, bundled as text by esbuild (build.mjs). The engine adds the files it
// generates and serves the whole as its shader library (engine/library.ts).
import rng from './rng.wgsl';
import rngFill from './rng_fill.wgsl';
import grid from './grid.wgsl';
import tile from './tile.wgsl';
import registerTile from './register_tile.wgsl';
import isingCommon from './ising_common.wgsl';
import isingCheckerboard from './ising_checkerboard.wgsl';
import isingMultispin from './ising_multispin.wgsl';
import limits from './limits.wgsl';
import gemmCommon from './gemm_common.wgsl';
import gemmF32V1 from './gemm_f32_v1.wgsl';
import gemmF32V2 from './gemm_f32_v2.wgsl';
import gemmF32 from './gemm_f32.wgsl';
import packBits from './pack_bits.wgsl';
import xnorGemm from './xnor_gemm.wgsl';
import xnorU8 from './xnor_u8.wgsl';
import sample from './sample.wgsl';
import permute from './permute.wgsl';
import gather from './gather.wgsl';
import schedule from './schedule.wgsl';
import optim from './optim.wgsl';
import math from './math.wgsl';
import elementwise from './elementwise.wgsl';
import reduceState from './reduce_state.wgsl';
import reduce from './reduce.wgsl';
import softmax from './softmax.wgsl';
import glauber from './glauber.wgsl';
import xnorPlanes from './xnor_planes.wgsl';
import codes from './codes.wgsl';
import anneal from './anneal.wgsl';
import gumbel from './gumbel.wgsl';
import gaussian from './gaussian.wgsl';
import gumbelSoftmax from './gumbel_softmax.wgsl';
import logMeanExp from './log_mean_exp.wgsl';

export const shaderFiles: Readonly<Record<string, string>> = {
  'rng.wgsl': rng,
  'rng_fill.wgsl': rngFill,
  'grid.wgsl': grid,
  'tile.wgsl': tile,
  'register_tile.wgsl': registerTile,
  'ising_common.wgsl': isingCommon,
  'ising_checkerboard.wgsl': isingCheckerboard,
  'ising_multispin.wgsl': isingMultispin,
  'limits.wgsl': limits,
  'gemm_common.wgsl': gemmCommon,
  'gemm_f32_v1.wgsl': gemmF32V1,
  'gemm_f32_v2.wgsl': gemmF32V2,
  'gemm_f32.wgsl': gemmF32,
  'pack_bits.wgsl': packBits,
  'xnor_gemm.wgsl': xnorGemm,
  'xnor_u8.wgsl': xnorU8,
  'sample.wgsl': sample,
  'permute.wgsl': permute,
  'gather.wgsl': gather,
  'schedule.wgsl': schedule,
  'optim.wgsl': optim,
  'math.wgsl': math,
  'elementwise.wgsl': elementwise,
  'reduce_state.wgsl': reduceState,
  'reduce.wgsl': reduce,
  'softmax.wgsl': softmax,
  'glauber.wgsl': glauber,
  'xnor_planes.wgsl': xnorPlanes,
  'codes.wgsl': codes,
  'anneal.wgsl': anneal,
  'gumbel.wgsl': gumbel,
  'gaussian.wgsl': gaussian,
  'gumbel_softmax.wgsl': gumbelSoftmax,
  'log_mean_exp.wgsl': logMeanExp,
};
