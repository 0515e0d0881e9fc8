// Minibatch gather (engine/ops/gather.ts; reference: harness/reference/gather.ts):
//   output[r, c] = source[indices[first + b * stride + r], c],  b = (batch + iteration.index) % batches
// for r < batch_size and c < width, so that a graph repeated `batches` times gathers every batch of
// an epoch in turn (and wraps around to batch 0 after). The stride is batch_size unless several
// gathers share a step's indices (a GAN critic's n batches per step, each from its own first).
// FORMAT 0 (words): source and output hold 32-bit words (f32 -> f32 or u32 -> u32), copied as bits.
// FORMAT 1 (bytes): source holds rows x width u8 values packed 4 per u32 word, row-major as one byte
// stream (byte e = row * width + c sits in word e / 4 at bits 8 (e % 4) .. + 7, a Uint8Array
// uploaded as is, so rows need not start on a word); output is f32 values[byte] (values: 256 f32
// from the host, by default byte / 255 correctly rounded).
// FORMAT 2 (packed bytes): the source as in FORMAT 1; the output holds the batch's bytes the same way,
// batch_size x width bytes 4 per u32 word as one stream (for pack_planes: BinaryNet's first layer).
// A row index >= rows fills its output row with POISON (a NaN for f32 output, 0xFFFFFFFF for u32,
// 0xFF bytes), so that a bad index shows instead of passing for data.
#include "grid.wgsl"

struct GatherParams {
  values: array<vec4f, 64>,  // FORMAT 1: the f32 of byte b at values[b / 4][b % 4]
  rows: u32,                 // rows of the source
  width: u32,                // elements per row
  batch_size: u32,           // rows of the output
  first: u32,                // the entry of indices that row 0 of batch 0 reads
  batch: u32,                // the batch gathered at iteration 0
  batches: u32,              // batches per epoch: the batch index wraps modulo it
  stride: u32,               // entries of indices between the starts of consecutive batches
}

struct Iteration {
  index: u32,
}

@group(0) @binding(0) var<uniform> params: GatherParams;
@group(0) @binding(1) var<storage, read> source: array<u32>;
@group(0) @binding(2) var<storage, read> indices: array<u32>;
@group(0) @binding(3) var<storage, read_write> output: array<u32>;
@group(0) @binding(4) var<uniform> iteration: Iteration;

const FORMAT_WORDS: u32 = 0u;
const FORMAT_BYTES: u32 = 1u;
const FORMAT_PACKED_BYTES: u32 = 2u;

override WG: u32 = 64;
override FORMAT: u32 = FORMAT_WORDS;
override POISON: u32 = 0x7FC00000u;

// The source row of output row r at this iteration.
fn source_row(r: u32) -> u32 {
  let b = (params.batch + iteration.index) % params.batches;
  return indices[params.first + b * params.stride + r];
}

// FORMAT 2: one invocation writes output word e, bytes 4e .. 4e + 3 of the batch's stream.
// The host dispatches linearGrid(ceil(batch_size * width / 4), WG) workgroups.
fn gather_packed_bytes(e: u32) {
  let width = params.width;
  let count = params.batch_size * width;
  if (4u * e >= count) { return; }
  var word = 0u;
  for (var t = 0u; t < 4u; t++) {
    let k = 4u * e + t;
    if (k >= count) { break; }
    let row = source_row(k / width);
    var byte = POISON & 0xFFu;
    if (row < params.rows) {
      let at = row * width + k % width;
      byte = (source[at / 4u] >> ((at % 4u) * 8u)) & 0xFFu;
    }
    word |= byte << (8u * t);
  }
  output[e] = word;
}

// One invocation writes output element e = r * width + c (its linear index).
// The host dispatches linearGrid(batch_size * width, WG) workgroups.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = linear_index(gid, groups, WG);
  if (FORMAT == FORMAT_PACKED_BYTES) {
    gather_packed_bytes(e);
    return;
  }
  let width = params.width;
  if (e >= params.batch_size * width) { return; }
  let r = e / width;
  let c = e % width;
  let row = source_row(r);
  if (row >= params.rows) {
    output[e] = POISON;
    return;
  }
  let at = row * width + c;
  if (FORMAT == FORMAT_BYTES) {
    let byte = (source[at / 4u] >> ((at % 4u) * 8u)) & 0xFFu;
    output[e] = bitcast<u32>(params.values[byte / 4u][byte % 4u]);
  } else {
    output[e] = source[at];
  }
}
