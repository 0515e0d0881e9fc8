// The shader library: every WGSL file by name, bundled as text by esbuild (build.mjs).
import type { ShaderLibrary } from '../engine/shaders.js';
import rng from './rng.wgsl';
import rngFill from './rng_fill.wgsl';
import grid from './grid.wgsl';
import isingCommon from './ising_common.wgsl';
import isingCheckerboard from './ising_checkerboard.wgsl';
import isingMultispin from './ising_multispin.wgsl';

export const library: ShaderLibrary = {
  'rng.wgsl': rng,
  'rng_fill.wgsl': rngFill,
  'grid.wgsl': grid,
  'ising_common.wgsl': isingCommon,
  'ising_checkerboard.wgsl': isingCheckerboard,
  'ising_multispin.wgsl': isingMultispin,
};
