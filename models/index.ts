// The models' public API.
export { IsingChain, ISING_TC, validateIsingConfig, isingStatistics, type IsingConfig, type IsingContext, type IsingMeasurement } from './ising.js';
export { ISING_ALGORITHMS, type IsingAlgorithm } from './ising_rule.js';
