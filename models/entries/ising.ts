// harmonium/ising: The 2D Ising model (heat-bath, Metropolis, multispin).
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
export { IsingChain, ISING_TC, validateIsingConfig, isingStatistics, type IsingConfig, type IsingContext, type IsingMeasurement } from '../ising.js';
export { ISING_ALGORITHMS, type IsingAlgorithm } from '../ising_rule.js';
