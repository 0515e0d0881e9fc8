// Schedules (engine/schedule.ts, shaders/schedule.wgsl): a per-step scalar computed on the GPU from
// the iteration index, against the float64 reference at iterations from 0 to 2^31 - 1.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defineKernel, InputError, KernelGraph, Schedule, type ScheduleSpec } from '../engine/index.js';
import { SCHEDULE_KINDS } from '../engine/schedule.js';
import { library } from '../engine/library.js';
import { shaderText } from '../engine/shaders.js';
import { scheduleReference } from '../harness/reference/schedule.js';
import { validateClose } from '../harness/bench/validate.js';
import { expectError } from './expect.js';
import { readF32, withGpu, type GpuContext } from './gpu.js';

// ---------------------------------------------------------------------------------------------
const reference = suite('schedule references (no GPU)');

reference('schedules by hand', () => {
  const linear: ScheduleSpec = { kind: 'linear', from: 1, to: 0, steps: 4 };
  assert.equal([0, 1, 2, 4, 9].map((t) => scheduleReference(linear, t)), [1, 0.75, 0.5, 0, 0]);
  // Half a cosine from 2 to 0 over 4 steps: 1 + cos(pi t / 4), then 0.
  const cosine: ScheduleSpec = { kind: 'cosine', from: 2, to: 0, steps: 4 };
  [0, 1, 2, 3, 4, 5].forEach((t) => assert.ok(Math.abs(scheduleReference(cosine, t) - (1 + Math.cos((Math.PI * Math.min(t, 4)) / 4))) < 1e-15));
  assert.is(scheduleReference({ kind: 'exponential', initial: 8, gamma: 0.5 }, 3), 1);
  assert.equal([0, 2, 3, 7].map((t) => scheduleReference({ kind: 'step', initial: 1, gamma: 0.5, every: 3 }, t)), [1, 1, 0.5, 0.25]);
  assert.is(scheduleReference({ kind: 'host', value: 0.5 }, 99), 0.5);
  // Parameters as the GPU holds them: f32(0.1).
  assert.is(scheduleReference({ kind: 'constant', value: 0.1 }, 0), Math.fround(0.1));
});

reference('the kind codes match the SCHEDULE_* constants of schedule.wgsl', async () => {
  const wgsl = await shaderText('schedule.wgsl', library);
  const declared = Object.fromEntries([...wgsl.matchAll(/const SCHEDULE_(\w+): u32 = (\d+)u;/g)].map((m) => [m[1].toLowerCase(), Number(m[2])]));
  for (const [kind, code] of Object.entries(SCHEDULE_KINDS)) assert.is(declared[kind === 'host' ? 'constant' : kind], code, kind);
  assert.is(Object.keys(declared).length, 5);
});
reference.run();

// ---------------------------------------------------------------------------------------------
const schedules = suite('schedules on the GPU');

const PROBE = `
#include "schedule.wgsl"
struct Probe { count: u32, mode: u32 }
@group(0) @binding(0) var<uniform> probe: Probe;
@group(0) @binding(1) var<uniform> s: Schedule;
@group(0) @binding(2) var<storage, read> steps: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
// out[i] = schedule_at(s, steps[i]) (mode 0) or one_minus_powi(s.a, steps[i]) (mode 1).
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= probe.count) { return; }
  out[i] = select(schedule_at(s, steps[i]), one_minus_powi(s.a, steps[i]), probe.mode == 1u);
}
`;
const probeKernel = await defineKernel({ ...library, 'probe.wgsl': PROBE }, { name: 'test.schedule_probe', file: 'probe.wgsl' });
const STEPS = [0, 1, 2, 3, 7, 29, 30, 31, 50, 99, 100, 101, 1000, 12345, 2 ** 20, 2 ** 31 - 1];

async function probe({ pool, scheduler }: GpuContext, schedule: Schedule, mode: 0 | 1, steps = STEPS): Promise<Float32Array> {
  const params = await pool.uniform('probe', Uint32Array.of(steps.length, mode, 0, 0));
  const t = await pool.tensor('steps', 'u32', [steps.length], { data: Uint32Array.from(steps) });
  const out = await pool.tensor('out', 'f32', [steps.length]);
  await scheduler.run(new KernelGraph('probe').add(probeKernel, { probe: params, s: schedule.tensor, steps: t, out }, [Math.ceil(steps.length / 64)]));
  const values = await readF32(out);
  [params, t, out].forEach((x) => x.release());
  return values;
}

// Tolerance |gpu - ref| <= atol + rtol |ref|, per iteration t. atol 2^-21 of the schedule's scale
// max(|a|, |b|) covers the ramps (a few f32 roundings of a + (b - a) f, and the cosine polynomial's
// truncation below 2e-10), and at least 2^-126 (f32 underflows, and may flush subnormals, there). rtol (e / 2 + 64) 2^-24 covers a power x^e taken by squaring: each
// squaring doubles the relative error of the power before it, so x^e errs by up to about e 2^-25
// (0.23 e 2^-24 is the worst seen over e < 2e5 for x in 0.5 .. 0.9999 in an f32 emulation), plus
// the multiplication by the initial value; e = t for exponential, floor(t / every) for step, 0 else.
const U = 2 ** -24;
const powerRtol = (exponent: number) => (exponent / 2 + 64) * U;
const exponentOf = (spec: ScheduleSpec, t: number) => (spec.kind === 'exponential' ? t : spec.kind === 'step' ? Math.floor(t / spec.every) : 0);

function checkAt(kernel: string, steps: readonly number[], got: ArrayLike<number>, want: readonly number[], tolerance: (t: number) => { atol: number; rtol: number }) {
  want.forEach((w, i) => {
    const v = validateClose(`${kernel} at t = ${steps[i]}`, [got[i]], [w], tolerance(steps[i]));
    assert.ok(v.ok, v.message);
  });
}

const CASES: Array<{ spec: ScheduleSpec; scale: number }> = [
  { spec: { kind: 'constant', value: 0.1 }, scale: 0.1 },
  { spec: { kind: 'linear', from: 0.5, to: -0.25, steps: 100 }, scale: 0.5 },
  { spec: { kind: 'cosine', from: 1e-2, to: 1e-4, steps: 100 }, scale: 1e-2 },
  { spec: { kind: 'cosine', from: 0, to: 3, steps: 7 }, scale: 3 },
  { spec: { kind: 'exponential', initial: 0.1, gamma: 0.999 }, scale: 0 },
  { spec: { kind: 'exponential', initial: 1e-3, gamma: 1.001 }, scale: 0 },
  { spec: { kind: 'step', initial: 1, gamma: 0.5, every: 30 }, scale: 0 },
];

schedules('every kind against the float64 reference at iterations from 0 to 2^31 - 1', () =>
  withGpu(async (ctx) => {
    for (const { spec, scale } of CASES) {
      const schedule = await Schedule.create(ctx, spec);
      const got = await probe(ctx, schedule, 0);
      schedule.release();
      const want = STEPS.map((t) => scheduleReference(spec, t));
      checkAt(`schedule ${JSON.stringify(spec)}`, STEPS, got, want, (t) => ({ atol: Math.max(2 ** -21 * scale, 2 ** -126), rtol: powerRtol(exponentOf(spec, t)) }));
    }
  }));

schedules("one_minus_powi (Adam's bias correction 1 - beta^t) keeps its relative accuracy at small t", () =>
  withGpu(async (ctx) => {
    const steps = STEPS.slice(1);
    for (const beta of [0.9, 0.999, 0.5, 0]) {
      const holder = await Schedule.create(ctx, { kind: 'constant', value: beta });
      const got = await probe(ctx, holder, 1, steps);
      holder.release();
      const b = Math.fround(beta);
      // Relative error about min(t, 1 / (1 - beta)) 2^-25: the power's error grows with t, but once
      // beta^t is small it no longer matters next to 1 (142 2^-24 is the worst seen for 0.999).
      checkAt(`1 - ${beta}^t`, steps, got, steps.map((t) => 1 - b ** t), (t) => ({ atol: 0, rtol: powerRtol(Math.min(t, 1 / (1 - b))) }));
    }
  }));

schedules('a host schedule takes the value set between runs; other kinds refuse set()', () =>
  withGpu(async (ctx) => {
    const host = await Schedule.create(ctx, { kind: 'host', value: 0.25 });
    assert.equal([...(await probe(ctx, host, 0, [0, 5]))], [0.25, 0.25]);
    await host.set(-3);
    assert.equal([...(await probe(ctx, host, 0, [0, 5]))], [-3, -3]);
    assert.equal(host.spec, { kind: 'host', value: -3 });
    host.release();
    const constant = await Schedule.create(ctx, { kind: 'constant', value: 1 });
    await expectError(() => constant.set(2), InputError, "set() is for 'host' schedules");
    constant.release();
    await expectError(() => Schedule.create(ctx, { kind: 'linear', from: 1, to: 0, steps: 0 }), InputError, 'steps = 0');
    await expectError(() => Schedule.create(ctx, { kind: 'exponential', initial: 1, gamma: NaN }), InputError, 'gamma = NaN');
    await expectError(() => Schedule.create(ctx, { kind: 'constant', value: 1e39 }), InputError, 'f32 range');
    await expectError(() => Schedule.create(ctx, { kind: 'warmup' } as unknown as ScheduleSpec), InputError, '"warmup"');
  }));
schedules.run();
