// harmonium/sbn: sigmoid belief nets and Helmholtz machines: layers of stochastic binary units with a
// recognition network, trained by wake-sleep or NVIL (the score function with a learned baseline), and
// log p(x) estimated by importance sampling. A subpath only, not re-exported by the root 'harmonium'.
export { Sbn, readSbnConfig, validateSbnConfig, BASELINE_HIDDEN, type SbnConfig, type SbnBatch, type SbnPass } from '../sbn.js';
export { SbnTrainer, validateSbnTraining, SBN_METHODS, SBN_OPTIMIZER_STATE, SBN_TRAINING, type SbnMethod, type SbnTrainingOptions, type SbnEpoch } from '../sbn_training.js';
export { SbnEvaluator, type SbnEvaluation, type SbnEvaluationOptions } from '../sbn_eval.js';
