// Stacked RBMs on Ising samples (Mehta & Schwab 2014): each hidden unit's receptive field on the lattice
// (layer 1: its weights; deeper: the product of the weight matrices below it, W_1 W_2 ... W_l, by GEMMs
// on the GPU), and for the 1-D chain the learned "block spins": a stack length -> length/2 -> ...
// trained greedily on chain samples, each layer's hidden units put in the order of their fields' centres
// on the ring, and the nearest-neighbour correlation of their states (as +-1) set beside the decimated
// chain's tanh(J_n).
import { InputError, KernelGraph, type RunContext, type Tensor } from '../engine/index.js';
import { addGemm } from '../engine/ops/index.js';
import { Dbn, DbnTrainer, type DbnTrainingOptions } from './dbn.js';
import { rowOf } from './linalg.js';
import { Owned } from './owned.js';
import { RbmDataset } from './rbm_data.js';
import { rbmOptimizerState } from './rbm_trainer.js';
import { fieldLocality } from './rg.js';
import { meanWithError } from './stats.js';

/**
 * The receptive fields of layer `layer` (1 = the first hidden layer) of a stack: W_1 W_2 ... W_layer
 * (sites x units) by GEMMs, returned as units x sites (each unit's field over the data's sites).
 *
 *   const fields = await receptiveFields(ctx, dbn, 2);   // units of layer 2 x 1600 sites
 */
export async function receptiveFields(ctx: RunContext, dbn: Dbn, layer: number): Promise<Float32Array> {
  if (!(Number.isInteger(layer) && layer >= 1 && layer < dbn.layers.length)) throw new InputError(`rg: layer ${layer} is not a hidden layer of the stack (1 to ${dbn.layers.length - 1})`);
  const sites = dbn.layers[0];
  const owned = new Owned();
  try {
    let product: Tensor = dbn.rbms[0].weights.value;
    const graph = new KernelGraph('rg receptive fields');
    for (let l = 1; l < layer; l++) {
      const rbm = dbn.rbms[l];
      const next = await owned.add(ctx.pool.tensor(`rg fields of layer ${l + 1}`, 'f32', [sites, rbm.hidden]));
      await owned.add(addGemm(graph, ctx, { a: product, b: rbm.weights.value, c: next, m: sites, n: rbm.hidden, k: rbm.visible }));
      product = next;
    }
    if (layer > 1) await ctx.scheduler.run(graph);
    const p = new Float32Array(await product.read());
    const units = dbn.layers[layer];
    return Float32Array.from({ length: units * sites }, (_, e) => p[(e % sites) * units + Math.floor(e / sites)]);
  } finally {
    owned.release();
  }
}

/** One learned level: its units and their nearest-neighbour correlation (mean over the samples, with its standard error). */
export interface LearnedLevel {
  level: number;
  units: number;
  correlation: number;
  stderr: number;
}

export interface ChainStackOptions {
  length: number;
  levels: number;
  /** Epochs of each RBM (CD-1, the RBM's defaults otherwise). */
  epochs: number;
  seed: number;
  onEpoch?: (line: string) => void;
}

/** The RBM options of the chain's stack: CD-1, lr 0.05, momentum 0.5, batch 100 (or every sample). */
const stackTraining = (o: ChainStackOptions, count: number): DbnTrainingOptions => ({ k: 1, lr: 0.05, momentum: 0.5, batch: Math.min(100, count), seed: o.seed, epochs: o.epochs });

/**
 * Trains a stack length -> length/2 -> ... -> length/2^levels on `count` chain samples (+-1 spins, as
 * 0/1 units) and measures, for each level, the nearest-neighbour correlation of the hidden units'
 * states (one Bernoulli draw up the stack, as +-1, each unit signed so that its field sums to a positive
 * value), the units ordered by their fields' centres on the ring, neighbours periodic.
 */
export async function learnedCorrelations(ctx: RunContext, states: ArrayLike<number>, count: number, o: ChainStackOptions): Promise<LearnedLevel[]> {
  const layers = Array.from({ length: o.levels + 1 }, (_, n) => o.length / 2 ** n);
  const owned = new Owned();
  try {
    const images = Uint8Array.from(states as ArrayLike<number>, (s) => (s > 0 ? 255 : 0));
    const data = await owned.add(RbmDataset.upload(ctx, { images, count, width: o.length }, 'rg chain samples'));
    const training = stackTraining(o, count);
    const dbn = await owned.add(Dbn.create(ctx, { layers }, { seed: o.seed, state: rbmOptimizerState(training) }));
    const trainer = await owned.add(DbnTrainer.create(ctx, dbn, data, training));
    while (trainer.epoch < trainer.epochs) {
      const e = await trainer.trainEpoch();
      o.onEpoch?.(`layer ${e.layer + 1} (${layers[e.layer]} -> ${layers[e.layer + 1]}), epoch ${e.layerEpoch + 1}/${o.epochs}`);
    }
    const levels: LearnedLevel[] = [];
    let input = data;
    for (let level = 1; level <= o.levels; level++) {
      input = await owned.add(dbn.propagate(ctx, input, { layer: level - 1, input: 'samples', seed: o.seed }));
      const fields = await receptiveFields(ctx, dbn, level);
      levels.push({ level, ...neighbourCorrelation(await input.readRows(ctx), count, fields, o.length) });
    }
    return levels;
  } finally {
    owned.release();
  }
}

/** The nearest-neighbour correlation of units (0/1 states, count x units) in the order of their fields' centres on a ring of `sites`. */
export function neighbourCorrelation(hidden: ArrayLike<number>, count: number, fields: ArrayLike<number>, sites: number): Omit<LearnedLevel, 'level'> {
  const units = fields.length / sites;
  if (!(Number.isInteger(units) && hidden.length === count * units)) throw new InputError(`rg: ${fields.length} field values over ${sites} sites and ${hidden.length} states of ${count} samples do not agree`);
  const info = Array.from({ length: units }, (_, u) => {
    const field = rowOf(fields, u, sites);
    return { u, centre: fieldLocality(field, { width: sites, height: 1 }, 0).centre[0], sign: field.reduce((a, b) => a + b, 0) >= 0 ? 1 : -1 };
  });
  info.sort((a, b) => a.centre - b.centre || a.u - b.u);
  const perSample = Float64Array.from({ length: count }, (_, r) => {
    const spin = (k: number) => info[k].sign * (2 * hidden[r * units + info[k].u] - 1);
    let s = 0;
    for (let k = 0; k < units; k++) s += spin(k) * spin((k + 1) % units);
    return s / units;
  });
  const { value, stderr } = meanWithError(perSample);
  return { units, correlation: value, stderr };
}
