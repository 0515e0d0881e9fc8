// harmonium/boltzmann: Boltzmann machines (Gibbs sampling, learning) and the TSP solvers on Hopfield-Tank and Boltzmann networks.
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
// The public surface, kept on purpose: the models, their checks and what a user needs to run them; the
// helpers the models share stay internal (test/api.test.ts compares the declarations with api-report.md).
export { BoltzmannMachine, BoltzmannTrainer, validateBoltzmannConfig, type GibbsChains, type BoltzmannConfig, type BoltzmannShape, type BoltzmannTraining } from '../boltzmann.js';
export { solveTsp, validateTspOptions, TSP_SOLVERS, type TspSolver, type TspOptions, type TspResult } from '../tsp.js';
export { randomCities, parseTsplib, tourLength, heldKarp, type Cities } from '../tsp_cities.js';
