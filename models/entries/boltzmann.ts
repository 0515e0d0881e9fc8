// harmonium/boltzmann: Boltzmann machines (Gibbs sampling, learning) and the TSP solvers on Hopfield-Tank and Boltzmann networks.
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
export {
  BoltzmannMachine,
  BoltzmannTrainer,
  GibbsChains,
  MAX_BOLTZMANN_UNITS,
  validateBoltzmannConfig,
  couplingMask,
  seedParameters,
  randomStates,
  checkData,
  unitValues,
  type BoltzmannConfig,
  type BoltzmannShape,
  type BoltzmannContext,
  type BoltzmannTraining,
} from '../boltzmann.js';
export { solveTsp, validateTspOptions, TSP_SOLVERS, TSP_SETTINGS, MAX_TSP_CITIES, type TspSolver, type TspOptions, type TspResult, type TspContext } from '../tsp.js';
export { randomCities, parseTsplib, checkCities, distances, tourLength, isPermutation, heldKarp, MAX_EXACT_CITIES, type Cities } from '../tsp_cities.js';
export { tspNetwork, decodeTour, isPermutationMatrix, type TspNetwork } from '../tsp_energy.js';
