// The partial result of a tree reduction (shaders/reduce.wgsl), also the per-row statistics that
// shaders/softmax.wgsl reads. Over some elements of one segment:
//   sum, mean, sum of squares, Bernoulli cross-entropy: value = their sum;
//   max, log-sum-exp: value = the largest m (NaN if any is NaN), index = its position in the
//   segment (the first among equals, the first NaN), scale = the sum of exp(x - m) (log-sum-exp).
// Row statistics (a finished log-sum-exp per row): value = log-sum-exp, index = argmax.
struct State {
  value: f32,
  scale: f32,
  index: u32,
}
