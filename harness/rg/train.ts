// `rg train`: the variational RG experiment of Mehta & Schwab 2014 as a training feature: a stack of
// RBMs (a deep belief net's greedy training, harness/dbn/train.ts, with L1 on the weights) trained on
// configurations of the L x L periodic Ising lattice that the run samples itself (models/rg_ising.ts:
// heat-bath after a burn-in, spaced by a multiple of the pilot run's integrated autocorrelation time;
// each spin a 0/1 unit, 1 up). Its model file is the net's (model 'dbn') with the lattice's settings
// (size, coupling, samples, spacing, the samples' checksum) and their statistics in its metadata; a
// resume draws the same samples again (the same seed) and checks them. The result adds each
// layer's receptive-field locality (fields.ts) and the samples' energy and |m| beside the exact
// infinite-lattice values.
import { InputError, type Safetensors } from '../../engine/index.js';
import { DBN_TRAINING, readDbnConfig, validateDbnConfig, validateDbnTraining, type Dbn, type DbnEpoch } from '../../models/dbn.js';
import { isingSamples } from '../../models/rg_ising.js';
import type { Json, JsonObject } from '../io/json.js';
import type { JobContext } from '../backends/context.js';
import type { DataSplit } from '../data/source.js';
import { labelledBytes } from '../data/dataset.js';
import { fnv1a32 } from '../data/mnist.js';
import type { TrainingFeature, TrainParams } from '../train/feature.js';
import { DBN_FEATURE, dbnConfig, dbnTraining, type DbnData } from '../dbn/train.js';
import type { DBN_TRAIN_FLAGS } from '../dbn/flags.js';
import { onsagerEnergy, yangMagnetization } from '../ising/onsager.js';
import { stackFields } from './fields.js';
import { RG_TRAIN_FLAGS } from './flags.js';

type Params = TrainParams<typeof RG_TRAIN_FLAGS>;
type DbnParams = TrainParams<typeof DBN_TRAIN_FLAGS>;

/** The net's run as dbn train would make it: no labels, no fine-tuning; the samples are 0/1 already, so a threshold keeps them. */
function asDbn(p: Params): DbnParams {
  return { ...p, labels: false, 'fine-tune-epochs': 0, 'fine-tune-lr': DBN_TRAINING.fineTuneLr.default, binarize: 'threshold', data: RG_DATA } as DbnParams;
}

/** What model files' settings say the examples are (the samples' own description is their 'dataset' note). */
const RG_DATA = 'ising';

/** The metadata keys of the samples' statistics in a model file (rg sample compares its configurations with them). */
export const RG_SAMPLE_STATS = { energy: 'samples_energy_per_site', magnetization: 'samples_magnetization_abs', tau: 'samples_tau', spacing: 'samples_spacing' } as const;

/** The exact infinite-lattice values at coupling J and unit temperature: Onsager's energy per site, Yang's spontaneous magnetisation (0 at or above Tc). */
export function exactIsing(coupling: number): { energyPerSite: number; magnetization: number } {
  if (coupling === 0) return { energyPerSite: 0, magnetization: 0 };
  return { energyPerSite: coupling * onsagerEnergy(1 / coupling), magnetization: yangMagnetization(1 / coupling) };
}

/** The checks of a run's lattice against its stack, before any device opens. */
function checkRg(p: Params): void {
  if (p.size % 2 !== 0) throw new InputError(`--size ${p.size} must be even (the heat-bath sampler updates the lattice as a checkerboard)`);
  if (p.batch > p.samples) throw new InputError(`--batch ${p.batch} is more than the ${p.samples} --samples`);
  validateDbnConfig(dbnConfig(p, p.size * p.size));
  validateDbnTraining(dbnTraining(asDbn(p)));
}

/** A model file of rg train: a deep belief net whose metadata names the lattice, its visible units its sites. */
export function readRgConfig(file: Safetensors, source: string): { layers: number[]; size: number; coupling: number } {
  const { layers } = readDbnConfig(file, source);
  const [size, coupling] = [Number(file.metadata.size), Number(file.metadata.coupling)];
  if (!(Number.isInteger(size) && size > 0 && Number.isFinite(coupling))) throw new InputError(`${source}: no lattice in its metadata (size, coupling): not a model of rg train`);
  if (layers[0] !== size * size) throw new InputError(`${source}: ${layers[0]} visible units are not the ${size} x ${size} lattice of its metadata`);
  return { layers, size, coupling };
}

/** The lattice's settings, known before any sample is drawn. */
const latticeSettings = (p: Params) => ({ size: String(p.size), coupling: String(p.coupling), samples: String(p.samples), spacing: String(p.spacing) });

/** The run's training configurations: isingSamples as a dataset of 0/255 bytes, no held-out part, their statistics in the metadata. */
async function generateSamples(ctx: JobContext, p: Params): Promise<DataSplit> {
  const s = await isingSamples(ctx, { size: p.size, coupling: p.coupling, samples: p.samples, spacingFactor: p.spacing, seed: p.seed, onProgress: ctx.onProgress });
  ctx.onUnit?.(`sampled ${p.samples} configurations of ${p.size} x ${p.size} at J = ${p.coupling}, ${s.spacing} sweeps apart (${p.spacing} x tau ${s.tau.toFixed(1)}): energy per site ${s.energyPerSite.toFixed(4)}, |m| ${s.magnetizationAbs.toFixed(4)}`);
  const dataset = (count: number, images: Uint8Array) => ({ images, labels: new Uint8Array(count), count, rows: p.size, cols: p.size });
  return {
    train: dataset(p.samples, s.sites.map((b) => 255 * b)),
    test: dataset(0, new Uint8Array(0)),
    note: `ising ${p.size}x${p.size} J=${p.coupling}: ${p.samples} heat-bath samples ${s.spacing} sweeps apart (${p.spacing} x tau), seed ${p.seed}`,
    metadata: { [RG_SAMPLE_STATS.energy]: String(s.energyPerSite), [RG_SAMPLE_STATS.magnetization]: String(s.magnetizationAbs), [RG_SAMPLE_STATS.tau]: String(s.tau), [RG_SAMPLE_STATS.spacing]: String(s.spacing) },
  };
}

/** The samples' statistics as the split's metadata holds them. */
function sampleStats(split: DataSplit): JsonObject {
  const value = (key: string) => Number(split.metadata?.[key]);
  return { energy_per_site: value(RG_SAMPLE_STATS.energy), magnetization_abs: value(RG_SAMPLE_STATS.magnetization), tau: value(RG_SAMPLE_STATS.tau), spacing_sweeps: value(RG_SAMPLE_STATS.spacing) };
}

type RgData = DbnData & { samples: JsonObject };

export const RG_FEATURE: TrainingFeature<typeof RG_TRAIN_FLAGS, Dbn, DbnEpoch, RgData> = {
  name: 'rg',
  summary: 'stacked RBMs on Ising configurations (Mehta & Schwab 2014): samples the lattice, trains the stack greedily with L1, measures the receptive fields',
  details: `Samples --samples configurations of the --size x --size periodic Ising lattice at coupling --coupling
(unit temperature) with our heat-bath sampler: 1,000 sweeps of burn-in, a pilot run of 2,000 sweeps that
measures the integrated autocorrelation time tau (the larger of the energy's and |m|'s, by binning), then
a sample every ceil(--spacing x tau) sweeps; each site is a 0/1 unit (1: spin up). Then trains RBMs
L^2 -> --hidden ... greedily as dbn train does (--epochs each, CD-k or PCD-k, the L1 penalty --l1 on the
weights), each on the layer below's hidden units for every sample (--input). Logs one line per epoch on
stderr. After training, each hidden layer's receptive fields (the product W_1 ... W_l, each unit's column)
are measured on the lattice: locality is the mean share of a field's squared weight within --radius of its
centre of mass (periodic), locality_shuffled the same for each field permuted over the sites, mean_radius
the root-mean-square distance of the weight from the centre (also shuffled; and its median over the
units, which units L1 has all but silenced do not drag). With --json the object holds
size, coupling, samples, spacing, energy_per_site and magnetization_abs (the samples' means),
exact_energy_per_site and exact_magnetization (the infinite lattice: Onsager, Yang; 0 above Tc), tau,
spacing_sweeps, widths, layers (per hidden layer: layer, units, locality, locality_shuffled, mean_radius,
mean_radius_shuffled, median_radius), radius, input, k, pcd, chains, lr, l1, batch, seed, epochs (per layer),
reconstruction_error (per layer), history (per epoch: layer, train_loss), train_loss (per step),
train_count, test_count (0: no held-out samples), steps_per_epoch, examples_per_s, wall_ms, adapter,
backend. The model file is dbn train's (model "dbn", rbm0., rbm1., ...,
chains with --pcd, train_loss) with the lattice's settings (size, coupling, samples, spacing, and the
samples' FNV-1a checksum: a resume that draws other samples is refused) and the
samples' statistics (${Object.values(RG_SAMPLE_STATS).join(', ')}) in its metadata; rg fields and rg sample read it.`,
  flags: RG_TRAIN_FLAGS,
  check: checkRg,
  readConfig: readRgConfig,
  generate: generateSamples,
  prepare: async (runtime, p, split) => ({ ...(await DBN_FEATURE.prepare(runtime, asDbn(p), split)), samples: sampleStats(split) }),
  create: (ctx, p, data) => DBN_FEATURE.create(ctx, asDbn(p), data),
  restore: DBN_FEATURE.restore,
  knownSettings: latticeSettings,
  // The samples' checksum too: a resume on another adapter whose sampler drew other configurations is refused.
  settings: (p, split) => ({ ...latticeSettings(p), samples_checksum: fnv1a32(labelledBytes(split.train).images).toString(16), ...DBN_FEATURE.settings(asDbn(p), split) }),
  flagNames: { ...DBN_FEATURE.flagNames, samples_checksum: 'samples (their FNV-1a checksum)' },
  series: DBN_FEATURE.series,
  async start(ctx, dbn, p, data, owned, resumed) {
    const session = await DBN_FEATURE.start(ctx, dbn, asDbn(p), data, owned, resumed);
    const exact = exactIsing(p.coupling);
    return {
      ...session,
      finish: async () => ({
        ...data.samples,
        exact_energy_per_site: exact.energyPerSite,
        exact_magnetization: exact.magnetization,
        radius: p.radius,
        layers: await stackFields(ctx, dbn, { size: p.size, radius: p.radius, seed: p.seed, images: 0 }),
      }),
    };
  },
  result(dbn, h, p, steps) {
    const r = DBN_FEATURE.result(dbn, h, asDbn(p), steps);
    const history = (r.history as JsonObject[]).map(({ epoch, layer, train_loss }): Json => ({ epoch, layer, train_loss }));
    return { model: 'rg', size: p.size, coupling: p.coupling, samples: p.samples, spacing: p.spacing, widths: r.layers, input: r.input, k: r.k, pcd: r.pcd, chains: r.chains, lr: r.lr, l1: p.l1, batch: r.batch, seed: r.seed, reconstruction_error: r.reconstruction_error, history, train_loss: r.train_loss };
  },
  report: (r) => ({
    title: `RG stack ${(r.widths as number[]).join('-')} on ${r.samples} samples of the ${r.size} x ${r.size} Ising lattice at J = ${r.coupling}, ${r.pcd ? `PCD-${r.k}` : `CD-${r.k}`}, L1 ${r.l1}: ${r.epochs} epochs per layer`,
    lines: [
      ['samples', `energy per site ${(r.energy_per_site as number).toFixed(4)} (infinite lattice ${(r.exact_energy_per_site as number).toFixed(4)}), |m| ${(r.magnetization_abs as number).toFixed(4)} (infinite lattice ${(r.exact_magnetization as number).toFixed(4)}), ${r.spacing_sweeps} sweeps apart (tau ${(r.tau as number).toFixed(1)})`],
      ...(r.layers as Array<Record<string, number>>).map((l): [string, string] => [
        `layer ${l.layer} (${l.units} units)`,
        `locality ${l.locality.toFixed(3)} within ${String(r.radius)} (shuffled ${l.locality_shuffled.toFixed(3)}), mean radius ${l.mean_radius.toFixed(2)} (shuffled ${l.mean_radius_shuffled.toFixed(2)}), median ${l.median_radius.toFixed(2)}, reconstruction error ${(r.reconstruction_error as Array<number | null>)[l.layer - 1]?.toFixed(4) ?? 'not trained'}`,
      ]),
    ],
  }),
};
