// Probabilistic latent semantic analysis by EM over a sparse bag of words, with no float atomics: the
// documents' side of the M-step by an invocation per document over its entries, the words' side by an
// invocation per word over its entries (an index list grouped by word), each recomputing the E-step's
// p(z | d, w) = theta_dz beta_wz / sum_z' theta_dz' beta_wz' from the current parameters:
//   documents_step: next_theta_dz = sum_w n(d, w) p(z | d, w) / N_d, and log_likelihood_d = sum_w n log s
//   words_step:     next_beta_wz = sum_d n(d, w) p(z | d, w) (normalised over w by the host graph)
// beta is held word-major (vocabulary x topics). Reference: harness/reference/plsa.ts.
#include "grid.wgsl"

struct PlsaParams {
  documents: u32,
  topics: u32,
  vocabulary: u32,
}

@group(0) @binding(0) var<uniform> params: PlsaParams;
// documents + 1: document d's entries are doc_offsets[d] .. doc_offsets[d + 1] - 1.
@group(0) @binding(1) var<storage, read> doc_offsets: array<u32>;
@group(0) @binding(2) var<storage, read> entry_doc: array<u32>;
@group(0) @binding(3) var<storage, read> entry_word: array<u32>;
@group(0) @binding(4) var<storage, read> entry_count: array<f32>;
// vocabulary + 1, and the entries of word w: word_entries[word_offsets[w] .. word_offsets[w + 1] - 1].
@group(0) @binding(5) var<storage, read> word_offsets: array<u32>;
@group(0) @binding(6) var<storage, read> word_entries: array<u32>;
@group(0) @binding(7) var<storage, read> theta: array<f32>;
@group(0) @binding(8) var<storage, read> beta: array<f32>;
@group(0) @binding(9) var<storage, read_write> next_theta: array<f32>;
@group(0) @binding(10) var<storage, read_write> next_beta: array<f32>;
@group(0) @binding(11) var<storage, read_write> log_likelihood: array<f32>;

override WG: u32 = 64;

// sum_z theta_dz beta_wz.
fn mixture(d: u32, w: u32) -> f32 {
  var s = 0.0;
  for (var z = 0u; z < params.topics; z++) { s += theta[d * params.topics + z] * beta[w * params.topics + z]; }
  return s;
}

@compute @workgroup_size(WG)
fn documents_step(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let d = linear_index(gid, groups, WG);
  if (d >= params.documents) { return; }
  let row = d * params.topics;
  for (var z = 0u; z < params.topics; z++) { next_theta[row + z] = 0.0; }
  var ll = 0.0;
  var length = 0.0;
  for (var e = doc_offsets[d]; e < doc_offsets[d + 1u]; e++) {
    let w = entry_word[e];
    let n = entry_count[e];
    let s = mixture(d, w);
    ll += n * log(s);
    length += n;
    for (var z = 0u; z < params.topics; z++) { next_theta[row + z] += n * theta[row + z] * beta[w * params.topics + z] / s; }
  }
  for (var z = 0u; z < params.topics; z++) { next_theta[row + z] /= length; }
  log_likelihood[d] = ll;
}

@compute @workgroup_size(WG)
fn words_step(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let w = linear_index(gid, groups, WG);
  if (w >= params.vocabulary) { return; }
  let row = w * params.topics;
  for (var z = 0u; z < params.topics; z++) { next_beta[row + z] = 0.0; }
  for (var i = word_offsets[w]; i < word_offsets[w + 1u]; i++) {
    let e = word_entries[i];
    let d = entry_doc[e];
    let n = entry_count[e];
    let s = mixture(d, w);
    for (var z = 0u; z < params.topics; z++) { next_beta[row + z] += n * theta[d * params.topics + z] * beta[row + z] / s; }
  }
}
