// Per-step scalars (learning rate, temperature, annealing beta, KL weight) as a function of the
// iteration index, evaluated on the GPU so that a training run needs no host round trip per step.
// A kernel binds a `Schedule` uniform (engine/schedule.ts makes and fills it) and calls
// schedule_at(s, iteration.index). Reference: harness/reference/schedule.ts.
//
// kind (SCHEDULE_KINDS in engine/schedule.ts) and what a, b, n mean:
//   constant     a                                        (also a value the host writes per run)
//   linear       a + (b - a) * min(t, n) / n              from a to b over n steps, then b
//   exponential  a * b^t                                  (b = gamma)
//   step         a * b^floor(t / n)                       (b = gamma, n = every)
//   cosine       b + (a - b) * (1 + cos(pi min(t, n) / n)) / 2, from a to b over n steps, then b
//
// Accuracy: powers are taken by squaring, with correctly rounded f32 multiplications only, so that
// they do not depend on an adapter's pow (WGSL lets pow err by about t * 2^-21 relatively at
// exponent t, and cos by 2^-11 absolutely): x^e errs by at most about e * 2^-25 relatively (the
// condition of x^e in x; 0.23 e * 2^-24 measured), 1 - x^e (one_minus_powi) by about
// min(e, 1 / (1 - x)) * 2^-25, and the cosine, a polynomial, by a few f32 ulp.
// test/optim.test.ts states the tolerances.

struct Schedule {
  kind: u32,
  n: u32,
  a: f32,
  b: f32,
}

const SCHEDULE_CONSTANT: u32 = 0u;
const SCHEDULE_LINEAR: u32 = 1u;
const SCHEDULE_EXPONENTIAL: u32 = 2u;
const SCHEDULE_STEP: u32 = 3u;
const SCHEDULE_COSINE: u32 = 4u;

// x^e by binary exponentiation: relative error about e * 2^-25 (each squaring doubles the error
// of the power before it, then adds half an ulp).
fn powi(x: f32, e: u32) -> f32 {
  var result = 1.0;
  var base = x;
  var rest = e;
  while (rest != 0u) {
    if ((rest & 1u) != 0u) { result *= base; }
    base *= base;
    rest >>= 1u;
  }
  return result;
}

// 1 - x^e for x in [0, 1] without the cancellation of 1.0 - powi(x, e) (which loses all digits of
// Adam's 1 - beta2^t at small t): carry q = 1 - p beside each power p, combining with
// 1 - p1 p2 = q1 + p1 q2 and 1 - p^2 = q (1 + p), sums of non-negative terms only.
fn one_minus_powi(x: f32, e: u32) -> f32 {
  var p = 1.0;        // x^(bits of e consumed so far)
  var q = 0.0;        // 1 - p
  var base_p = x;     // x^(2^j)
  var base_q = 1.0 - x;
  var rest = e;
  while (rest != 0u) {
    if ((rest & 1u) != 0u) {
      q = q + p * base_q;
      p = p * base_p;
    }
    base_q = base_q * (1.0 + base_p);
    base_p = base_p * base_p;
    rest >>= 1u;
  }
  return q;
}

// cos(pi h) for h in [0, 1/2], by Taylor polynomials on [0, pi/4] (truncation below 2e-10).
fn cospi_half(h: f32) -> f32 {
  if (h <= 0.25) {
    let x = 3.14159265358979 * h;
    let x2 = x * x;
    return 1.0 + x2 * (-1.0 / 2.0 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 + x2 * (-1.0 / 3628800.0)))));
  }
  // cos(pi h) = sin(pi (1/2 - h)); 0.5 - h is exact here.
  let x = 3.14159265358979 * (0.5 - h);
  let x2 = x * x;
  return x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5040.0 + x2 * (1.0 / 362880.0 + x2 * (-1.0 / 39916800.0))))));
}

// The fraction min(t, n) / n of a ramp of n steps.
fn schedule_progress(s: Schedule, t: u32) -> f32 {
  return f32(min(t, s.n)) / f32(s.n);
}

// The schedule's value at iteration t.
fn schedule_at(s: Schedule, t: u32) -> f32 {
  switch (s.kind) {
    case SCHEDULE_LINEAR: {
      return s.a + (s.b - s.a) * schedule_progress(s, t);
    }
    case SCHEDULE_EXPONENTIAL: {
      return s.a * powi(s.b, t);
    }
    case SCHEDULE_STEP: {
      return s.a * powi(s.b, t / s.n);
    }
    case SCHEDULE_COSINE: {
      // (1 + cos(pi f)) / 2 = cos^2(pi f / 2): no cancellation as f nears 1.
      let c = cospi_half(0.5 * schedule_progress(s, t));
      return s.b + (s.a - s.b) * (c * c);
    }
    default: {
      return s.a;
    }
  }
}
