// f32 special values and numerically stable functions, shared by the element-wise and reduction
// kernels (reference: harness/reference/elementwise.ts, which states the same formulas in float64).
//
// WGSL lets an implementation assume that NaN and infinities never occur, and SwiftShader does:
// there x != x is false for NaN, max(NaN, 0) = 0, exp(NaN) = +Inf, log(-1) = 0, log(0) = -88 and
// tanh(100) = NaN. So NaN and Inf are recognised on the bits, results that must be NaN or Inf are
// made from bits, and min/max/clamp are written with select(). exp, log and log1p are computed here
// from +, *, / and ldexp (range reduction and a polynomial or atanh series): a few ulp on any
// adapter, where WGSL allows exp 3 + 2|x| ulp and bounds log only absolutely near 1.
// Parameter names stay clear of the kernels' binding names (a, b, out, input, ...): wgsl_reflect
// matches the resources an entry point uses by name, so a parameter `b` would count as binding b.

const F32_SIGN_MASK: u32 = 0x7FFFFFFFu;
const F32_INF_BITS: u32 = 0x7F800000u;
const F32_NEG_INF_BITS: u32 = 0xFF800000u;
const F32_NAN_BITS: u32 = 0x7FC00000u;
// exp overflows f32 above ln(FLT_MAX) = 88.7228 and rounds to 0 below ln(2^-150) = -103.97.
const EXP_OVERFLOW: f32 = 88.73;
const EXP_UNDERFLOW: f32 = -104.0;
// ln 2 split so that k * LN2_HI is exact for |k| < 512 (it has 15 significant bits).
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.428606765330187e-6;
const LOG2_E: f32 = 1.44269504;
const SQRT_HALF: f32 = 0.70710678;

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & F32_SIGN_MASK) > F32_INF_BITS;
}

fn is_inf(x: f32) -> bool {
  return (bitcast<u32>(x) & F32_SIGN_MASK) == F32_INF_BITS;
}

// A float from its bits at run time: a const-expression may not evaluate to Inf or NaN.
fn f32_bits(bits: u32) -> f32 {
  return bitcast<f32>(bits);
}

fn pos_inf() -> f32 { return f32_bits(F32_INF_BITS); }
fn neg_inf() -> f32 { return f32_bits(F32_NEG_INF_BITS); }
fn nan_f32() -> f32 { return f32_bits(F32_NAN_BITS); }

// |x| by clearing the sign bit: exact, NaN stays NaN.
fn abs_bits(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) & F32_SIGN_MASK);
}

// max and min that return NaN when either argument is NaN (as float64's Math.max and Math.min do).
fn max_nan(p: f32, q: f32) -> f32 {
  if (is_nan(p)) { return p; }
  if (is_nan(q)) { return q; }
  return select(q, p, p > q);
}

fn min_nan(p: f32, q: f32) -> f32 {
  if (is_nan(p)) { return p; }
  if (is_nan(q)) { return q; }
  return select(q, p, p < q);
}

// max(x, 0) with NaN passing through (NaN < 0 is false).
fn relu(x: f32) -> f32 {
  return select(x, 0.0, x < 0.0);
}

// x limited to [lo, hi], NaN passing through.
fn clamp_nan(x: f32, lo: f32, hi: f32) -> f32 {
  return select(select(x, lo, x < lo), hi, x > hi);
}

// 1 for x > 0, -1 for x < 0, x itself for +0, -0 and NaN.
fn sign_nan(x: f32) -> f32 {
  return select(select(x, -1.0, x < 0.0), 1.0, x > 0.0);
}

// exp(x) = 2^k exp(r) with k = round(x / ln 2) and r = x - k ln 2 in [-ln2/2, ln2/2] (k LN2_HI is
// exact, so r loses nothing), exp(r) by its Taylor polynomial to r^9/9! (the rest is below 2^-36):
// a few ulp at any x, where a builtin exp(x) = exp2(x log2 e) loses |x| ulp (SwiftShader: 9 ulp at
// x = 50). 2^k is applied in two halves so that each ldexp stays within the f32 exponent range.
fn exp_ieee(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > EXP_OVERFLOW) { return pos_inf(); }
  if (x < EXP_UNDERFLOW) { return 0.0; }
  let k = round(x * LOG2_E);
  let r = (x - k * LN2_HI) - k * LN2_LO;
  let p = 1.0 + r * (1.0 + r * (1.0 / 2.0 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0
        + r * (1.0 / 720.0 + r * (1.0 / 5040.0 + r * (1.0 / 40320.0 + r * (1.0 / 362880.0)))))))));
  let e = i32(k);
  return ldexp(ldexp(p, e / 2), e - e / 2);
}

// 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) for |s| <= 1/3: the terms past s^17 are below
// 2^-27 relative, so this is log((1 + s) / (1 - s)) to float precision.
fn two_atanh(s: f32) -> f32 {
  let s2 = s * s;
  let p = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0
        + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0 + s2 * (1.0 / 17.0))))))));
  return 2.0 * s * p;
}

// log(1 + t) for t in [0, 1] (softplus and the Bernoulli loss use t = exp(-|z|)), to a few ulp
// relative even for tiny t, where log(1 + t) would lose t to rounding. NaN passes through.
fn log1p_unit(t: f32) -> f32 {
  return two_atanh(t / (2.0 + t));
}

// Natural log: NaN for x < 0 and NaN, -Inf at +-0, +Inf at +Inf; else x = 2^e m with m in
// [sqrt(1/2), sqrt(2)), log m = 2 atanh((m - 1) / (m + 1)).
fn log_ieee(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (x == 0.0) { return neg_inf(); }
  if (is_inf(x)) { return x; }
  let parts = frexp(x);
  var m = parts.fract;
  var e = f32(parts.exp);
  if (m < SQRT_HALF) {
    m = 2.0 * m;
    e = e - 1.0;
  }
  return e * LN2_HI + (two_atanh((m - 1.0) / (m + 1.0)) + e * LN2_LO);
}

// 1 / (1 + exp(-x)) from exp(-|x|) <= 1, which cannot overflow: 0 and 1 at -Inf and +Inf.
fn sigmoid(x: f32) -> f32 {
  let e = exp_ieee(-abs_bits(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

// log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|)): no overflow for large x, exp(x) to full
// relative precision for very negative x.
fn softplus(x: f32) -> f32 {
  return relu(x) + log1p_unit(exp_ieee(-abs_bits(x)));
}

// tanh from a Taylor polynomial for |x| < 1/4 (next term below 2^-26 relative) and from
// 1 - 2 / (exp(2|x|) + 1) beyond, where the subtraction loses at most 2 bits; +-1 past |x| = 44.
fn tanh_stable(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs_bits(x);
  if (a < 0.25) {
    let x2 = x * x;
    return x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0 + x2 * (62.0 / 2835.0)))));
  }
  let r = 1.0 - 2.0 / (exp_ieee(2.0 * a) + 1.0);
  return select(-r, r, x > 0.0);
}

// num / den with IEEE results where WGSL leaves division undefined (b = 0 or infinite, NaN anywhere):
// x / +-0 = +-Inf with the sign of x times that of the 0, 0 / 0 = NaN, x / +-Inf = +-0, Inf / Inf = NaN.
fn div_ieee(num: f32, den: f32) -> f32 {
  if (is_nan(num) || is_nan(den)) { return nan_f32(); }
  let sign = (bitcast<u32>(num) ^ bitcast<u32>(den)) & ~F32_SIGN_MASK;
  if (den == 0.0) {
    if (num == 0.0) { return nan_f32(); }
    return f32_bits(sign | F32_INF_BITS);
  }
  if (is_inf(den)) {
    if (is_inf(num)) { return nan_f32(); }
    return f32_bits(sign);
  }
  return num / den;
}
