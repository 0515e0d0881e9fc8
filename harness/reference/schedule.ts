// Plain TypeScript schedules, the reference for shaders/schedule.wgsl: float64 arithmetic on the
// parameters as the GPU holds them (rounded to f32), so that a comparison measures the kernel's
// arithmetic and not the rounding of, say, gamma = 0.99 to f32.
import type { ScheduleSpec } from '../../engine/schedule.js';

const f32 = Math.fround;

/** The schedule's value at iteration t (t = 0 at the first step), in float64. */
export function scheduleReference(spec: ScheduleSpec, t: number): number {
  switch (spec.kind) {
    case 'constant':
    case 'host':
      // The value itself.
      return f32(spec.value);
    case 'linear': {
      // The fraction of the ramp done, then a straight line from `from` to `to`.
      const f = Math.min(t, spec.steps) / spec.steps;
      return f32(spec.from) + (f32(spec.to) - f32(spec.from)) * f;
    }
    case 'exponential':
      // initial * gamma^t.
      return f32(spec.initial) * f32(spec.gamma) ** t;
    case 'step':
      // initial * gamma^(number of whole periods done).
      return f32(spec.initial) * f32(spec.gamma) ** Math.floor(t / spec.every);
    case 'cosine': {
      // Half a cosine from `from` (f = 0) down or up to `to` (f = 1).
      const f = Math.min(t, spec.steps) / spec.steps;
      return f32(spec.to) + ((f32(spec.from) - f32(spec.to)) * (1 + Math.cos(Math.PI * f))) / 2;
    }
  }
}
