// The 2-D RG experiment's harness (harness/rg: rg train, fields, sample): the training samples are
// isingSamples' own, each layer's locality is layerLocality of the stack's receptive fields, a resumed
// run ends bit-identical and refuses other settings, the sample job's statistics are those of the
// configurations it returns, the pictures' layout, and bad input exits 2 before a device opens.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSafetensors, encodeSafetensors, InputError } from '../engine/index.js';
import { Dbn } from '../models/dbn.js';
import { layerLocality } from '../models/rg.js';
import { isingSamples } from '../models/rg_ising.js';
import { receptiveFields } from '../models/rg_stack.js';
import { withJobContext } from '../harness/backends/context.js';
import { readSpec } from '../harness/cli/schema.js';
import { fromBase64, toBase64 } from '../harness/io/base64.js';
import { greySideBySide } from '../harness/io/image_grid.js';
import type { JsonObject } from '../harness/io/json.js';
import { filterImages } from '../harness/rbm/images.js';
import { RBM_SAMPLE_JOB } from '../harness/rbm/flags.js';
import { onsagerEnergy } from '../harness/ising/onsager.js';
import { rgFieldsCommand, rgSampleCommand, rgTrainCommand } from '../harness/rg/command.js';
import { RG_FIELDS_JOB } from '../harness/rg/flags.js';
import { configurationStats, runRgFields, runRgSample } from '../harness/rg/job.js';
import { exactIsing, readRgConfig, RG_FEATURE } from '../harness/rg/train.js';
import { featureJobSchema, runTraining, type TrainHooks } from '../harness/train/job.js';
import type { TrainParams } from '../harness/train/feature.js';
import { expectError, expectRefused } from './expect.js';
import { openTestGpu } from './gpu.js';

const host = suite('rg train harness pieces (no GPU)');

host('configurationStats: all up, a checkerboard, and a mix of both with its standard errors', () => {
  const size = 4;
  const up = new Array(16).fill(1);
  const board = Array.from({ length: 16 }, (_, s) => ((s % 4) + Math.floor(s / 4)) % 2);
  assert.equal(configurationStats([...up, ...up], 2, size, 0.5), { energy_per_site: -1, energy_per_site_stderr: 0, magnetization_abs: 1, magnetization_abs_stderr: 0 });
  const mixed = configurationStats([...up, ...board], 2, size, 1);
  // Energies -2 and +2, |m| 1 and 0: means 0 and 0.5, standard errors sd / sqrt(2) = 2 and 0.5.
  assert.equal(mixed, { energy_per_site: 0, energy_per_site_stderr: 2, magnetization_abs: 0.5, magnetization_abs_stderr: 0.5 });
});

host("exactIsing: Onsager's energy at T = 1/J scaled by J, Yang's magnetisation only below Tc", () => {
  assert.equal(exactIsing(0), { energyPerSite: 0, magnetization: 0 });
  assert.is(exactIsing(0.408).energyPerSite, 0.408 * onsagerEnergy(1 / 0.408));
  assert.is(exactIsing(0.408).magnetization, 0, 'J = 0.408 is above Tc');
  assert.ok(exactIsing(0.5).magnetization > 0.9, 'J = 0.5: ordered');
});

host('filterImages of unit-major fields equal those of the transposed (visible-major) weights', () => {
  const [sites, units] = [6, 3];
  const fields = Float32Array.from({ length: sites * units }, (_, e) => Math.sin(e + 1));
  const transposed = Float32Array.from({ length: sites * units }, (_, e) => fields[(e % units) * sites + Math.floor(e / units)]);
  assert.equal(Array.from(filterImages(fields, sites, units, 2, 'unit-major')), Array.from(filterImages(transposed, sites, units, 2)));
});

host('greySideBySide: pictures top-aligned with a gap of background', () => {
  const a = { pixels: Uint8Array.of(1, 2, 3, 4), width: 2, height: 2 };
  const b = { pixels: Uint8Array.of(9), width: 1, height: 1 };
  assert.equal(greySideBySide([a, b], 1, 0), { pixels: Uint8Array.of(1, 2, 0, 9, 3, 4, 0, 0), width: 4, height: 2 });
});

host("readRgConfig: a net of rg train, not a DBN without a lattice or with another one", async () => {
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const file = (metadata: Record<string, string>) => ({
    tensors: { 'rbm0.weights': f32([16, 4]), 'rbm0.visible_bias': f32([16]), 'rbm0.hidden_bias': f32([4]) },
    metadata: { model: 'dbn', layers: '[16,4]', 'rbm0.model': 'rbm', 'rbm0.visible': 'bernoulli', ...metadata },
  });
  assert.equal(readRgConfig(file({ size: '4', coupling: '0.4' }), 'f'), { layers: [16, 4], size: 4, coupling: 0.4 });
  await expectError(() => readRgConfig(file({}), 'f'), InputError, 'f: no lattice in its metadata (size, coupling): not a model of rg train');
  await expectError(() => readRgConfig(file({ size: '5', coupling: '0.4' }), 'f'), InputError, 'f: 16 visible units are not the 5 x 5 lattice');
});

// ---------------------------------------------------------------------------------------------
const gpu = suite('rg train, fields and sample jobs (GPU)');

type Params = TrainParams<typeof RG_FEATURE.flags>;
const trainSpec = (spec: JsonObject) => readSpec(featureJobSchema(RG_FEATURE), { job: 'rg-train', ...spec }, 'rg-train') as unknown as Params;
const train = (spec: JsonObject, hooks: TrainHooks = {}) => openTestGpu().then((gpu) => withJobContext((ctx) => runTraining(RG_FEATURE, ctx, trainSpec(spec), hooks), { gpu }));

// 8 x 8 at J = 0.4, 60 samples in batches of 20; a 64-16-4 stack, 2 epochs per layer.
const small = { size: 8, coupling: 0.4, samples: 60, batch: 20, hidden: [16, 4], epochs: 2, lr: 0.05, l1: 0.001, seed: 3 };

gpu("rg train: the samples are isingSamples', each layer's numbers layerLocality's of the stack's fields; a resume from mid-stack ends bit-identical", async () => {
  const gpu = await openTestGpu();
  const saves: Uint8Array[] = [];
  const r = await train(small, { save: (b) => void saves.push(b) });
  assert.is(saves.length, 4);
  const samples = await withJobContext((ctx) => isingSamples(ctx, { size: 8, coupling: 0.4, samples: 60, seed: 3 }), { gpu });
  assert.is(r.energy_per_site, samples.energyPerSite);
  assert.is(r.magnetization_abs, samples.magnetizationAbs);
  assert.is(r.spacing_sweeps, samples.spacing);
  assert.equal([r.exact_energy_per_site, r.exact_magnetization], [exactIsing(0.4).energyPerSite, 0]);
  const file = decodeSafetensors(saves[3], 'f');
  assert.equal(readRgConfig(file, 'f'), { layers: [64, 16, 4], size: 8, coupling: 0.4 });
  assert.is(Number(file.metadata.samples_energy_per_site), samples.energyPerSite);
  const layers = r.layers as JsonObject[];
  await withJobContext(async (ctx) => {
    const { dbn } = await Dbn.fromSafetensors(ctx, saves[3], 'f');
    try {
      for (const level of [1, 2]) {
        const expected = layerLocality(await receptiveFields(ctx, dbn, level), dbn.layers[level], { width: 8, height: 8 }, 3, 3);
        assert.equal(layers[level - 1], { layer: level, units: dbn.layers[level], ...expected });
      }
    } finally {
      dbn.release();
    }
  }, { gpu });
  const resumed: Uint8Array[] = [];
  await train(small, { resume: { bytes: saves[1], source: 'checkpoint' }, save: (b) => void resumed.push(b) });
  assert.is(resumed.length, 2);
  assert.ok(Buffer.from(resumed[1]).equals(Buffer.from(saves[3])), 'resumed after layer 1: the file equals the straight run\'s, byte for byte');
  for (const [change, message] of [[{ coupling: 0.3 }, 'made with --coupling 0.4; this run has --coupling 0.3'], [{ size: 10 }, 'made with --size 8'], [{ l1: 0.01 }, 'made with --l1 0.001']] as const) {
    await expectError(() => train({ ...small, ...change }, { resume: { bytes: saves[1], source: 'checkpoint' } }), InputError, message);
  }
  // A checkpoint whose samples were others (another adapter's draws) is refused by their checksum.
  const other = decodeSafetensors(saves[1], 'c');
  const tampered = encodeSafetensors(other.tensors, { ...other.metadata, samples_checksum: '0' });
  await expectError(() => train(small, { resume: { bytes: tampered, source: 'checkpoint' } }), InputError, 'made with --samples (their FNV-1a checksum) 0');
});

gpu("rg fields and rg sample on a trained stack: the fields' numbers and pictures, the configurations' statistics", async () => {
  const gpu = await openTestGpu();
  const r = await train({ ...small, return_model: true });
  const model = r.model_base64 as string;
  const fields = await withJobContext((ctx) => runRgFields(ctx, readSpec(RG_FIELDS_JOB, { job: 'rg-fields', model, count: 5, seed: 3 }, 'rg-fields')), { gpu });
  const layers = fields.layers as JsonObject[];
  assert.equal(layers.map((l) => [l.shown, fromBase64(l.images_base64 as string).length]), [[5, 5 * 64], [4, 4 * 64]], 'the first 5 fields, or all the layer has');
  const numbers = (ls: JsonObject[]) => ls.map(({ shown: _, images_base64: __, ...l }) => l);
  assert.equal(numbers(layers), r.layers, "the train run's numbers");
  const sample = await withJobContext((ctx) => runRgSample(ctx, readSpec(RBM_SAMPLE_JOB, { job: 'rg-sample', model, count: 30, steps: 20, seed: 2 }, 'rg-sample')), { gpu });
  const states = Array.from(fromBase64(sample.images_base64 as string), (b) => b / 255);
  assert.is(states.length, 30 * 64);
  assert.ok(states.every((s) => s === 0 || s === 1), 'configurations of 0/1 spins');
  assert.equal(sample.generated, configurationStats(states, 30, 8, 0.4));
  assert.equal(sample.samples, { energy_per_site: r.energy_per_site, magnetization_abs: r.magnetization_abs });
  // A DBN file without the lattice is refused by name.
  const bytes = fromBase64(model);
  const file = decodeSafetensors(bytes, 'm');
  delete (file.metadata as Record<string, string>).size;
  const spec = { job: 'rg-fields', model: toBase64(encodeSafetensors(file.tensors, file.metadata)) };
  await expectError(() => withJobContext((ctx) => runRgFields(ctx, readSpec(RG_FIELDS_JOB, spec, 'rg-fields')), { gpu }), InputError, 'not a model of rg train');
});

// ---------------------------------------------------------------------------------------------
const cli = suite('rg train / fields / sample CLI');

cli('bad flags: exit 2 and a message naming the flag, before any device is opened', async () => {
  const commands = { train: rgTrainCommand, fields: rgFieldsCommand, sample: rgSampleCommand };
  const refused = (args: string[], message: RegExp) => expectRefused(commands, args, message);
  await refused(['train', '--size', '7'], /--size 7 must be even/);
  await refused(['train', '--size', '2'], /--size/);
  await refused(['train', '--samples', '50', '--batch', '100'], /--batch 100 is more than the 50 --samples/);
  await refused(['train', '--coupling', '-0.1'], /--coupling/);
  await refused(['train', '--hidden', '0'], /--hidden/);
  await refused(['train', '--data', 'mnist'], /--data/);
  await refused(['fields', '--model', '/nonexistent/m.safetensors'], /--model/);
  await refused(['sample', '--model', 'm', '--png', 'p.png', '--count', '1'], /--count 1: the configurations' error bars need at least 2/);
  await refused(['fields', '--model', 'm', '--png', 'p.png', '--count', '0'], /--count 0: --png draws at least one field per layer/);
});

host.run();
gpu.run();
cli.run();
