// harmonium, the library: the engine (device, tensors, kernels, graphs, scheduler, typed errors and the
// generic ops) and the models. `import { openContext, IsingChain, addGemm } from 'harmonium'` in Node,
// or `import { ... } from './harmonium.js'` in a page. The CLI, jobs, benchmarks and references are the
// harness's and are not part of it.
export * from './engine/index.js';
export * from './engine/ops/index.js';
export * from './models/index.js';
