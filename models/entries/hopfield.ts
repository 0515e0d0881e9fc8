// harmonium/hopfield: Hopfield networks: storage, recall, capacity, patterns.
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
export {
  HopfieldNetwork,
  RecallRun,
  HOPFIELD_RULES,
  HOPFIELD_PATHS,
  HOPFIELD_UPDATES,
  MAX_HEBBIAN_FIELD,
  validateRecallOptions,
  type HopfieldRule,
  type HopfieldPath,
  type HopfieldUpdate,
  type HopfieldContext,
  type HopfieldStore,
  type RecallOptions,
  type HopfieldRecall,
  type ProbeOutcome,
} from '../hopfield.js';
export { checkPatterns, checkNoise, randomPatterns, addNoise, overlaps, letterPatterns, HOPFIELD_LETTERS } from '../hopfield_patterns.js';
export { hopfieldCapacity, validateCapacityOptions, CRITICAL_LOAD, type CapacityOptions, type CapacityPoint } from '../hopfield_capacity.js';
