// Schedules: a per-step scalar (learning rate, temperature, annealing beta, KL weight) that kernels
// evaluate on the GPU from the iteration index (shaders/schedule.wgsl schedule_at), so that a run of
// many steps is one submit. Reference: harness/reference/schedule.ts.
import type { Tensor } from './buffers.js';
import { InputError } from './errors.js';
import type { OpContext } from './ops/common.js';
import { builtinStruct } from './reflections.js';
import { structWords } from './uniforms.js';

/**
 * A scalar as a function of the iteration index t (0 at the first step):
 * - constant: `value`;
 * - host: `value`, rewritten by the host with Schedule.set between runs (one value per run);
 * - linear: from `from` to `to` over `steps` steps, then `to`;
 * - exponential: initial * gamma^t;
 * - step: initial * gamma^floor(t / every);
 * - cosine: from `from` to `to` along half a cosine over `steps` steps, then `to`.
 * Numbers are held as f32 on the GPU.
 */
export type ScheduleSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'host'; value: number }
  | { kind: 'linear'; from: number; to: number; steps: number }
  | { kind: 'exponential'; initial: number; gamma: number }
  | { kind: 'step'; initial: number; gamma: number; every: number }
  | { kind: 'cosine'; from: number; to: number; steps: number };

export type ScheduleKind = ScheduleSpec['kind'];

/** The `kind` codes of shaders/schedule.wgsl (SCHEDULE_*); a host value is a constant the host rewrites. */
export const SCHEDULE_KINDS: Readonly<Record<ScheduleKind, number>> = { constant: 0, host: 0, linear: 1, exponential: 2, step: 3, cosine: 4 };

/** The fields each kind needs, with what each must be. */
const FIELDS: Readonly<Record<ScheduleKind, Readonly<Record<string, 'number' | 'count'>>>> = {
  constant: { value: 'number' },
  host: { value: 'number' },
  linear: { from: 'number', to: 'number', steps: 'count' },
  exponential: { initial: 'number', gamma: 'number' },
  step: { initial: 'number', gamma: 'number', every: 'count' },
  cosine: { from: 'number', to: 'number', steps: 'count' },
};

/** Throws an InputError naming `where` and the field unless `spec` is a schedule the GPU can hold. */
function checkSchedule(where: string, spec: ScheduleSpec): void {
  const fields = typeof spec === 'object' && spec !== null ? FIELDS[spec.kind] : undefined;
  if (!fields) throw new InputError(`${where}: schedule kind ${JSON.stringify((spec as { kind?: unknown })?.kind)} is not one of ${Object.keys(FIELDS).join(', ')}`);
  const values = spec as unknown as Record<string, unknown>;
  for (const [field, type] of Object.entries(fields)) {
    const v = values[field];
    if (type === 'count' && !(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 0xffffffff)) {
      throw new InputError(`${where}: ${spec.kind} schedule ${field} = ${String(v)} must be an integer in [1, 2^32)`);
    }
    if (type === 'number' && !(typeof v === 'number' && Number.isFinite(Math.fround(v)))) {
      throw new InputError(`${where}: ${spec.kind} schedule ${field} = ${String(v)} must be a finite number within f32 range`);
    }
  }
}

/**
 * The Schedule struct of shaders/schedule.wgsl for `spec`, laid out by its build-time reflection: the
 * one layout every built-in kernel that binds a Schedule shares (builtinStruct).
 */
export function scheduleWords(spec: ScheduleSpec, where = 'schedule'): Uint32Array {
  checkSchedule(where, spec);
  const [n, a, b] =
    spec.kind === 'constant' || spec.kind === 'host' ? [0, spec.value, 0]
    : spec.kind === 'linear' || spec.kind === 'cosine' ? [spec.steps, spec.from, spec.to]
    : spec.kind === 'exponential' ? [0, spec.initial, spec.gamma]
    : [spec.every, spec.initial, spec.gamma];
  return structWords(builtinStruct('Schedule'), { kind: SCHEDULE_KINDS[spec.kind], n, a, b }, { kernel: where, binding: 'schedule' });
}

/**
 * A schedule on the GPU: a small uniform buffer that kernels bind as `var<uniform> name: Schedule`
 * and read with `schedule_at(name, iteration.index)` (#include "schedule.wgsl"). Several kernels
 * may share one. A 'host' schedule's value is rewritten with set() between runs.
 *
 *   const lr = await Schedule.create(ctx, { kind: 'cosine', from: 1e-2, to: 1e-4, steps: 1000 });
 *   await addOptimizerStep(graph, ctx, params, { kind: 'adam', lr });
 *   ...
 *   lr.release();
 */
export class Schedule {
  private constructor(
    private current: ScheduleSpec,
    readonly tensor: Tensor,
  ) {}

  static async create(ctx: OpContext, spec: ScheduleSpec, label = `schedule (${spec?.kind})`): Promise<Schedule> {
    return new Schedule({ ...spec }, await ctx.pool.uniform(label, scheduleWords(spec, label)));
  }

  /** What the GPU holds now. */
  get spec(): ScheduleSpec {
    return this.current;
  }

  /** The value of a 'host' schedule from the next run on (await the run before, so that it sees the old one). */
  async set(value: number): Promise<void> {
    if (this.spec.kind !== 'host') throw new InputError(`${this.tensor.label}: set() is for 'host' schedules; this one is '${this.spec.kind}'`);
    const spec: ScheduleSpec = { kind: 'host', value };
    await this.tensor.write(scheduleWords(spec, this.tensor.label));
    this.current = spec;
  }

  release(): void {
    this.tensor.release();
  }
}
