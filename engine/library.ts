// The engine's shader library: every WGSL file of shaders/ plus the files the engine generates
// (the Philox purposes), so that kernels include one source of truth.
import { shaderFiles } from '../shaders/index.js';
import { rngPurposesWgsl } from './rng_purposes.js';
import type { ShaderLibrary } from './shaders.js';

export const library: ShaderLibrary = { ...shaderFiles, 'rng_purposes.wgsl': rngPurposesWgsl() };
