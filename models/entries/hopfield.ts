// harmonium/hopfield: Hopfield networks: storage, recall, capacity, patterns.
// A page or program that imports only this and harmonium/engine loads only their code (package.json exports).
// The public surface, kept on purpose: the models, their checks and what a user needs to run them; the
// helpers the models share stay internal (test/api.test.ts compares the declarations with api-report.md).
export {
  HopfieldNetwork,
  HOPFIELD_RULES,
  HOPFIELD_UPDATES,
  validateRecallOptions,
  type RecallRun,
  type HopfieldRule,
  type HopfieldPath,
  type HopfieldUpdate,
  type HopfieldStore,
  type RecallOptions,
  type HopfieldRecall,
  type ProbeOutcome,
} from '../hopfield.js';
export { randomPatterns, addNoise, overlaps, letterPatterns } from '../hopfield_patterns.js';
export { hopfieldCapacity, validateCapacityOptions, type CapacityOptions, type CapacityPoint } from '../hopfield_capacity.js';
