import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { InputError } from '../engine/index.js';
import { readSafetensors, writeSafetensors } from '../harness/io/safetensors.js';
import { runIsingJob, type IsingCheckpoint, type IsingParams } from '../harness/ising/job.js';
import { loadIsingCheckpoint, saveIsingCheckpoint } from '../harness/ising/checkpoint.js';
import { withJobContext } from '../harness/backends/context.js';
import { readSpec } from '../harness/cli/schema.js';
import { ISING_JOB } from '../harness/ising/flags.js';
import { openTestGpu } from './gpu.js';

const dir = mkdtempSync(join(tmpdir(), 'harmonium-ckpt-'));

const files = suite('safetensors (no GPU)');

files('round trip, and the layout safetensors readers expect', () => {
  const path = join(dir, 'a.safetensors');
  const w = Uint32Array.of(1, 2, 0xffffffff);
  const f = Float32Array.of(1.5, -2, NaN, Infinity);
  // A non-ASCII note: alignment counts UTF-8 bytes, not characters.
  writeSafetensors(path, { w: { dtype: 'U32', shape: [3], data: w }, f: { dtype: 'F32', shape: [2, 2], data: f } }, { note: 'Tc ≈ 2.269' });
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  assert.is((8 + headerLength) % 8, 0, 'data starts 8-byte aligned');
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString());
  assert.equal(header.w, { dtype: 'U32', shape: [3], data_offsets: [0, 12] });
  assert.equal(header.f, { dtype: 'F32', shape: [2, 2], data_offsets: [12, 28] });
  const back = readSafetensors(path);
  assert.equal([...back.tensors.w.data], [...w]);
  assert.equal([...back.tensors.f.data].map(String), [...f].map(String));
  assert.equal(back.metadata, { note: 'Tc ≈ 2.269' });
});

files("a file that is missing or malformed is an InputError naming it (the codec's own cases: test/safetensors.test.ts)", () => {
  const path = join(dir, 'short.safetensors');
  writeFileSync(path, new Uint8Array(3));
  assert.throws(() => readSafetensors(path), (e: Error) => e instanceof InputError && e.message.startsWith(path));
  assert.throws(() => readSafetensors(join(dir, 'missing.safetensors')), /cannot read \(ENOENT\)/);
  const other = join(dir, 'other.safetensors');
  writeSafetensors(other, { x: { dtype: 'U32', shape: [1], data: Uint32Array.of(1) } });
  assert.throws(() => loadIsingCheckpoint(other), /not a harmonium Ising checkpoint/);
});
files.run();

const resume = suite('Ising checkpoint and resume (GPU)');

const spec: IsingParams = readSpec(ISING_JOB, { size: 64, temperature: 2.3, sweeps: 90, burn_in: 40, algorithm: 'metropolis', seed: 31, start: 'hot', return_sites: true }, 'ising');

resume('a run interrupted after two checkpoints and resumed equals an uninterrupted run, bit for bit', async () => {
  const gpu = await openTestGpu();
  const straight = await withJobContext((ctx) => runIsingJob(ctx, spec), { gpu });
  const path = join(dir, 'run.safetensors');
  let saves = 0;
  const crash = new Error('simulated crash');
  try {
    await withJobContext((ctx) => runIsingJob(ctx, spec, { every: 25, save: (s: IsingCheckpoint) => { saveIsingCheckpoint(path, s); if (++saves === 3) throw crash; } }), { gpu });
    assert.unreachable('did not crash');
  } catch (e) {
    assert.is(e, crash);
  }
  const state = loadIsingCheckpoint(path);
  assert.is(state.iteration, 65, 'burn-in 25 + 15 to its end, then 25 measured');
  const resumed = await withJobContext((ctx) => runIsingJob(ctx, spec, { every: 25, resume: state, save: (s) => saveIsingCheckpoint(path, s) }), { gpu });
  for (const key of ['energy_per_site', 'energy_err', 'magnetization_abs', 'binder', 'm2', 'm4', 'sites_base64']) assert.is(resumed[key], straight[key], key);
});

resume('resuming a checkpoint with other settings is refused, naming the setting', async () => {
  const gpu = await openTestGpu();
  const path = join(dir, 'other.safetensors');
  await withJobContext((ctx) => runIsingJob(ctx, spec, { every: 30, save: (s) => saveIsingCheckpoint(path, s) }), { gpu }).catch(() => undefined);
  const state = loadIsingCheckpoint(path);
  try {
    await withJobContext((ctx) => runIsingJob(ctx, { ...spec, temperature: 2.4 }, { every: 30, resume: state, save: () => undefined }), { gpu });
    assert.unreachable('resumed');
  } catch (e) {
    assert.instance(e, InputError);
    assert.match((e as Error).message, /checkpoint was made with temperature = 2.3, this run has 2.4/);
  }
});

resume('CLI: --checkpoint with the chrome backend is bad input (exit 2)', () => {
  const r = spawnSync(process.execPath, ['dist/cli.js', 'ising', '--size', '64', '--temperature', '2', '--backend', 'chrome', '--checkpoint', join(dir, 'x.safetensors')], { encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /--checkpoint needs --backend node/);
});
resume.run();
