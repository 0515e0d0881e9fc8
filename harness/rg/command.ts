// harmonium rg train / fields / sample / chain: the renormalisation group and deep learning (Mehta &
// Schwab 2014), on the GPU in Node or in headless Chrome: a stack of RBMs trained on 2-D Ising
// configurations, its receptive fields' locality per layer and configurations it generates, as
// numbers and PNG; and the 1-D chain's decimation flow, exact, sampled and learned.
import type { Command } from '../cli/command.js';
import { InputError } from '../../engine/index.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json, seed } from '../cli/flags.js';
import { runWithProgress } from '../cli/run.js';
import { integer, text, toSpec, type Values } from '../cli/schema.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { checkWritable } from '../io/files.js';
import { greySideBySide, imageGrid } from '../io/image_grid.js';
import type { JsonObject } from '../io/json.js';
import { readModelFile } from '../io/model_file.js';
import { writeGreyPng } from '../io/png.js';
import { sampleFlags, writeGrid } from '../rbm/command.js';
import { RBM_SAMPLE_JOB } from '../rbm/flags.js';
import { trainCommand } from '../train/command.js';
import { RG_CHAIN_JOB, RG_FIELDS_JOB } from './flags.js';
import { checkRgChain, checkRgSampleCount } from './job.js';
import { readRgConfig, RG_FEATURE } from './train.js';

const CHAIN_FLAGS = { ...RG_CHAIN_JOB, backend, adapter, json } as const;

export const rgChainCommand = defineCommand({
  name: 'rg chain',
  summary: "the 1-D Ising chain's decimation flow, exact, sampled and learned by a stack of RBMs",
  flags: CHAIN_FLAGS,
  details: `Decimation keeps every other spin of a chain with coupling J and leaves a chain with tanh J' = tanh^2 J;
level n has tanh J_n = tanh(J_0)^(2^n), the correlation of spins 2^n apart. The command prints the flow
J_n, the correlation at distance 2^n measured on --chains samples of a periodic chain of --length spins
(our Boltzmann machine's sequential Gibbs sampler, --sweeps sweeps from random spins; error bars over
the chains) beside tanh J_n and the exact periodic value, and the learned block spins: RBMs --length ->
--length/2 -> ... trained greedily on the samples (CD-1, --epochs each), each level's hidden units
ordered by the centres of their receptive fields on the ring and their nearest-neighbour correlation
(one draw up the stack, as +-1, each unit signed by its field's sum) beside tanh J_n. With --json one
object: coupling, length, levels, chains, sweeps, epochs, seed, exact (J_0 .. J_levels), measured
(per level: distance, value, stderr, tanh_j, periodic), learned (per level: units, correlation,
stderr, tanh_j), wall_ms, adapter, backend.`,
  run: runChain,
});

async function runChain(values: Values<typeof CHAIN_FLAGS>): Promise<void> {
  checkRgChain(values);
  const result = await runWithProgress('rg chain', toSpec('rg-chain', RG_CHAIN_JOB, values), values);
  if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  const exact = result.exact as number[];
  const measured = result.measured as Array<Record<string, number>>;
  const learned = result.learned as Array<Record<string, number>>;
  const lines = [
    `1-D Ising chain, J_0 = ${values.coupling}, ${values.length} spins, ${values.chains} samples`,
    'level  J_n      tanh J_n  sampled <s_i s_(i+2^n)>  learned nn correlation (units)',
    ...exact.map((j, n) => {
      const m = measured[n];
      const l = learned.find((x) => x.level === n);
      const learnedText = l ? `${l.correlation.toFixed(4)} +- ${l.stderr.toFixed(4)} (${l.units})` : '';
      return `${String(n).padEnd(7)}${j.toFixed(4).padEnd(9)}${Math.tanh(j).toFixed(4).padEnd(10)}${`${m.value.toFixed(4)} +- ${m.stderr.toFixed(4)}`.padEnd(25)}${learnedText}`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const rgTrainCommand = trainCommand(RG_FEATURE);

const FIELDS_FLAGS = {
  model: text({ required: true, help: 'the model file (safetensors) written by rg train' }),
  png: text({ help: "the fields' grids (PNG): one panel per hidden layer, bottom first" }),
  count: RG_FIELDS_JOB.count,
  radius: RG_FIELDS_JOB.radius,
  scale: integer({ min: 1, max: 16, default: 2, help: 'pixels per lattice site in the PNG' }),
  seed,
  backend,
  adapter,
  json,
} as const;

export const rgFieldsCommand = defineCommand({
  name: 'rg fields',
  summary: "a trained RG stack's receptive fields on the lattice: their locality per layer against shuffled fields, and a PNG of them",
  flags: FIELDS_FLAGS,
  details: `Each hidden unit's field is its column of W_1 W_2 ... W_l (GEMMs on the GPU): layer 1's weights, deeper
layers' products, as Mehta & Schwab draw them. Per layer: locality, the mean share of a field's squared
weight within --radius of its centre of mass (periodic), against locality_shuffled, the same with each
field permuted over the sites (Philox, --seed); mean_radius, the RMS distance of the weight from its
centre, also shuffled, and median_radius, its median over the units. --png draws the first --count
fields of each layer (each scaled by its own largest |value|: mid grey 0, white positive, black
negative), one panel per layer. With --json one object: size,
coupling, widths, radius, layers (per hidden layer: layer, units, locality, locality_shuffled,
mean_radius, mean_radius_shuffled, median_radius), png, adapter, backend.`,
  run: async (values) => {
    if (values.png && values.count < 1) throw new InputError(`--count ${values.count}: --png draws at least one field per layer`);
    const { bytes } = readModelFile('--model', values.model, readRgConfig, { evaluation: true });
    if (values.png) checkWritable('--png', values.png);
    const count = values.png ? values.count : 0;
    const result = await runWithProgress('rg fields', toSpec('rg-fields', RG_FIELDS_JOB, { model: toBase64(bytes), radius: values.radius, count, seed: values.seed }), values);
    const layers = result.layers as JsonObject[];
    const size = result.size as number;
    if (values.png) {
      const grids = layers.map((l) => imageGrid(Float32Array.from(fromBase64(l.images_base64 as string), (b) => b / 255), { count: l.shown as number, height: size, width: size }));
      const all = greySideBySide(grids, size / 2);
      writeGreyPng(values.png, all.pixels, all.width, all.height, values.scale);
    }
    const numbers = layers.map(({ images_base64: _, shown: __, ...l }) => l);
    if (values.json) return void process.stdout.write(`${JSON.stringify({ ...result, layers: numbers, png: values.png ?? null })}\n`);
    const lines = [
      `receptive fields of ${(result.widths as number[]).join('-')} on the ${size} x ${size} lattice (J = ${String(result.coupling)}), locality within ${values.radius}:`,
      ...numbers.map((l) => {
        const v = l as Record<string, number>;
        return `  layer ${v.layer} (${v.units} units): locality ${v.locality.toFixed(3)} (shuffled ${v.locality_shuffled.toFixed(3)}), mean radius ${v.mean_radius.toFixed(2)} (shuffled ${v.mean_radius_shuffled.toFixed(2)}), median ${v.median_radius.toFixed(2)}`;
      }),
      ...(values.png ? [`  fields: ${values.png}`] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
});

const SAMPLE_FLAGS = sampleFlags('rg train');

export const rgSampleCommand = defineCommand({
  name: 'rg sample',
  summary: 'Ising configurations generated by a trained RG stack, their energy per site and |m| against the training samples\', as a PNG grid',
  flags: SAMPLE_FLAGS,
  details: `Each chain starts from the top RBM's visible biases and runs --steps Gibbs steps there; then one pass
down, each layer drawn from p(h_(l-1) | h_l), the lattice too (a configuration of 0/1 spins, 1 up). Their
energy per site (-J sum over bonds / sites) and |m| with standard errors, beside the training samples'
means (the model file's metadata). The PNG shows the configurations, white up. With --json one object:
size, coupling, count, steps, generated (energy_per_site, energy_per_site_stderr, magnetization_abs,
magnetization_abs_stderr), samples (energy_per_site, magnetization_abs), png, adapter, backend.`,
  run: async (values) => {
    checkRgSampleCount(values.count);
    const { bytes, config } = readModelFile('--model', values.model, readRgConfig, { evaluation: true });
    checkWritable('--png', values.png);
    const spec = toSpec('rg-sample', RBM_SAMPLE_JOB, { model: toBase64(bytes), count: values.count, steps: values.steps, seed: values.seed });
    const { images_base64: images, ...result } = await runWithProgress('rg sample', spec, values);
    writeGrid(values.png, Float32Array.from(fromBase64(images as string), (b) => b / 255), values.count, config.size * config.size, values.scale);
    if (values.json) return void process.stdout.write(`${JSON.stringify({ ...result, png: values.png })}\n`);
    const [g, s] = [result.generated as Record<string, number>, result.samples as Record<string, number>];
    process.stdout.write(
      [
        `${values.count} configurations after ${values.steps} Gibbs steps at the top: ${values.png}`,
        `  energy per site  ${g.energy_per_site.toFixed(4)} +- ${g.energy_per_site_stderr.toFixed(4)} (training samples ${s.energy_per_site.toFixed(4)})`,
        `  |m|              ${g.magnetization_abs.toFixed(4)} +- ${g.magnetization_abs_stderr.toFixed(4)} (training samples ${s.magnetization_abs.toFixed(4)})`,
      ].join('\n') + '\n',
    );
  },
});

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [rgTrainCommand, rgFieldsCommand, rgSampleCommand, rgChainCommand];
