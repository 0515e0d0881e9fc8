// The models' public API: one entry per model family (models/entries/, also the package's subpaths
// harmonium/ising, harmonium/mlp, ...), all of them here for `import { ... } from 'harmonium'` but
// harmonium/linear (the linear factor models and clustering), a subpath only: the root's surface stays
// under its 150 values (test/api.test.ts), and those models share nothing with the rest.
export * from './entries/ising.js';
export * from './entries/mlp.js';
export * from './entries/binarynet.js';
export * from './entries/hopfield.js';
export * from './entries/boltzmann.js';
export * from './entries/rbm.js';
export * from './entries/vae.js';
