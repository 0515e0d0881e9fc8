// Latent Dirichlet allocation by collapsed Gibbs sampling, a document per invocation (the approximate
// distributed scheme of Newman et al. 2009 with one "processor" per document): within a document the
// tokens are drawn in order from
//   p(z_i = k) ∝ (n_dk + alpha) (n'_wk + eta) / (n'_k + V eta)
// with the document's counts n_dk exact (this invocation owns its row) and the word-topic counts n'
// those of the sweep's start, the token's own assignment taken out. The counts of words are then
// recounted from the assignments with integer atomics (a sum of integers: the same bits whatever the
// order). Draws: rng_bits(seed, PURPOSE_LDA_GIBBS, step, token, 0).x, step 0 the start (topic =
// mulhi(that random word, K): uniform over the K topics), step 1 + s sweep s. Reference: harness/reference/lda.ts (ldaStart, ldaSweepParallel).
#include "rng.wgsl"
#include "grid.wgsl"

struct LdaParams {
  documents: u32,
  topics: u32,
  vocabulary: u32,
  tokens: u32,
  seed: u32,
  alpha: f32,
  eta: f32,
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: LdaParams;
@group(0) @binding(1) var<uniform> iteration: Iteration;
// documents + 1: document d's tokens are offsets[d] .. offsets[d + 1] - 1.
@group(0) @binding(2) var<storage, read> offsets: array<u32>;
// tokens: each token's word.
@group(0) @binding(3) var<storage, read> words: array<u32>;
// tokens: each token's topic.
@group(0) @binding(4) var<storage, read_write> z: array<u32>;
// documents x topics.
@group(0) @binding(5) var<storage, read_write> ndk: array<u32>;
// vocabulary x topics, and topics: the counts of the last recount.
@group(0) @binding(6) var<storage, read_write> nwk: array<atomic<u32>>;
@group(0) @binding(7) var<storage, read_write> nk: array<atomic<u32>>;

override WG: u32 = 64;

// One invocation per token: a topic uniform at random.
@compute @workgroup_size(WG)
fn start(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.tokens) { return; }
  z[i] = philox_mulhi(rng_bits(params.seed, PURPOSE_LDA_GIBBS, 0u, i, 0u).x, params.topics);
}

// One invocation per document: its row of n_dk from the assignments.
@compute @workgroup_size(WG)
fn document_counts(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let d = linear_index(gid, groups, WG);
  if (d >= params.documents) { return; }
  let row = d * params.topics;
  for (var k = 0u; k < params.topics; k++) { ndk[row + k] = 0u; }
  for (var i = offsets[d]; i < offsets[d + 1u]; i++) { ndk[row + z[i]] += 1u; }
}

// One invocation per word-topic count and per topic count: zero.
@compute @workgroup_size(WG)
fn clear(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i < params.vocabulary * params.topics) { atomicStore(&nwk[i], 0u); }
  if (i < params.topics) { atomicStore(&nk[i], 0u); }
}

// One invocation per token: its word's and its topic's count.
@compute @workgroup_size(WG)
fn word_counts(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups, WG);
  if (i >= params.tokens) { return; }
  atomicAdd(&nwk[words[i] * params.topics + z[i]], 1u);
  atomicAdd(&nk[z[i]], 1u);
}

// The weight of topic k for a token of word w (row d, `own` its current topic, taken out of the counts).
fn weight(row: u32, w: u32, k: u32, own: u32, v_eta: f32) -> f32 {
  let mine = select(0u, 1u, k == own);
  let word = f32(atomicLoad(&nwk[w * params.topics + k]) - mine) + params.eta;
  let topic = f32(atomicLoad(&nk[k]) - mine) + v_eta;
  return ((f32(ndk[row + k]) + params.alpha) * word) / topic;
}

// One invocation per document: its tokens in order, sweep iteration.index.
@compute @workgroup_size(WG)
fn sweep(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let d = linear_index(gid, groups, WG);
  if (d >= params.documents) { return; }
  let row = d * params.topics;
  let v_eta = f32(params.vocabulary) * params.eta;
  for (var i = offsets[d]; i < offsets[d + 1u]; i++) {
    let w = words[i];
    let own = z[i];
    ndk[row + own] -= 1u;
    // Two passes over the topics, the same sums in the same order: the total, then the first topic
    // whose running sum passes u * total (the last one if rounding leaves u * total at the total).
    var total = 0.0;
    for (var k = 0u; k < params.topics; k++) { total += weight(row, w, k, own, v_eta); }
    let u = rng_uniform(rng_bits(params.seed, PURPOSE_LDA_GIBBS, 1u + iteration.index, i, 0u).x) * total;
    var next = params.topics - 1u;
    var running = 0.0;
    for (var k = 0u; k < params.topics; k++) {
      running += weight(row, w, k, own, v_eta);
      if (u < running) {
        next = k;
        break;
      }
    }
    z[i] = next;
    ndk[row + next] += 1u;
  }
}
