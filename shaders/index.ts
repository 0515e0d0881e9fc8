// The shader library: every WGSL file by name, bundled as text by esbuild (build.mjs).
import type { ShaderLibrary } from '../engine/shaders.js';
import rng from './rng.wgsl';
import rngFill from './rng_fill.wgsl';
import grid from './grid.wgsl';

export const library: ShaderLibrary = {
  'rng.wgsl': rng,
  'rng_fill.wgsl': rngFill,
  'grid.wgsl': grid,
};
