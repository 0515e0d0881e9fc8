// harmonium/ising: The 2D Ising model (heat-bath, Metropolis, multispin).
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
// The public surface, kept on purpose: the models, their checks and what a user needs to run them; the
// helpers the models share stay internal (test/api.test.ts compares the declarations with api-report.md).
export { IsingChain, ISING_TC, validateIsingConfig, type IsingConfig, type IsingMeasurement } from '../ising.js';
export { ISING_ALGORITHMS, type IsingAlgorithm } from '../ising_rule.js';
