// BinaryNet inference by two paths that make the same decisions, since both compute the same integer
// sums and compare them with the same thresholds:
//   float:  the examples' bytes in f32 times the +-1 weights by f32 GEMMs (exact: every partial sum is
//           an integer below 2^24), each hidden unit +1 where its threshold holds;
//   packed: activations and weights 32 per u32, the XNOR-popcount GEMM (K - 2 popcount(a xor w)); the
//           first layer's bytes as their 8 bit planes against the packed weights (xnor_u8: the sum of
//           2^b (popcount(P_b & W) - popcount(P_b & ~W)) over the planes b), the same integer sums.
// Batch normalisation and Sign fold into one threshold per hidden unit (foldBinaryNet, float64 on the
// host): y = c (s - m) + beta >= 0 with c = gamma / sqrt(v + eps) holds for integer s exactly when
// s >= ceil(m - beta / c) (c > 0), s <= floor(m - beta / c) (c < 0), or always/never (c = 0). The last
// layer's integer sums go through its batch norm (one f32 kernel for both paths) to the scores.
import { InputError, KernelGraph, type RunContext, type SafetensorsTensor, type Tensor } from '../engine/index.js';
import { addBatchNorm, addGemm, addPackBitPlanes, addThreshold, addXnorGemm, addXnorU8Gemm, packedWords, type BatchNormState } from '../engine/ops/index.js';
import { planeWords } from '../engine/ops/pack.js';
import { addGather } from '../engine/ops/gather.js';
import { binaryLayerName, type BinaryNet, type CheckedBinaryNetConfig } from './binarynet.js';
import { fileTensor } from './model_file.js';
import { batchParts, BYTE_INTEGERS, type BatchPart, type DeviceDataset } from './minibatch.js';
import { building, type Owned, type Releasable } from './owned.js';

/** A layer's trained values on the host. */
export interface HostLayer {
  inputs: number;
  outputs: number;
  /** inputs x outputs: W_r. */
  weight: ArrayLike<number>;
  gamma: ArrayLike<number>;
  beta: ArrayLike<number>;
  runningMean: ArrayLike<number>;
  runningVar: ArrayLike<number>;
}

/** A layer ready for inference: its +-1 weights both ways, and (hidden layers) its thresholds. */
export interface FoldedLayer {
  inputs: number;
  outputs: number;
  /** inputs x outputs f32 +-1 (the float path). */
  binary: Float32Array;
  /** outputs x ceil(inputs / 32) words: each unit's weights packed (the packed path). */
  bits: Uint32Array;
  /** Hidden layers: per unit, the threshold of its integer sum and its direction (+1: s >= t, -1: s <= t). */
  thresholds: Float32Array;
  directions: Float32Array;
}

/** A network folded for inference: its layers and the last layer's batch norm. */
export interface FoldedNetwork {
  config: CheckedBinaryNetConfig;
  layers: FoldedLayer[];
  last: HostLayer;
}

/** The nearest power of two to |v| with v's sign (0 stays 0), as the shift-based batch norm takes it. */
const ap2 = (v: number): number => (v === 0 ? 0 : Math.sign(v) * 2 ** Math.round(Math.log2(Math.abs(v))));

/** The threshold and direction of one unit: where y = c (s - m) + beta >= 0 for integer sums s. */
export function unitThreshold(gamma: number, beta: number, mean: number, variance: number, o: { eps: number; shift: boolean }): { threshold: number; direction: 1 | -1 } {
  const invstd = 1 / Math.sqrt(variance + o.eps);
  const c = (o.shift ? ap2(gamma) : gamma) * (o.shift ? ap2(invstd) : invstd);
  if (c === 0 || !Number.isFinite(c)) return { threshold: beta >= 0 ? -Infinity : Infinity, direction: 1 };
  const t = mean - beta / c;
  return c > 0 ? { threshold: Math.ceil(t), direction: 1 } : { threshold: Math.floor(t), direction: -1 };
}

/**
 * Folds trained layers for inference: Sign(W_r) (+1 where W_r >= 0), packed per unit, and each
 * hidden unit's threshold.
 */
export function foldBinaryNet(layers: readonly HostLayer[], config: CheckedBinaryNetConfig): FoldedNetwork {
  if (!config.binaryActivations) throw new InputError('binarynet inference: the +-1 paths need binary activations (a BinaryConnect network has real ones)');
  const folded = layers.map((l, index): FoldedLayer => {
    const words = packedWords(l.inputs);
    const binary = new Float32Array(l.inputs * l.outputs);
    const bits = new Uint32Array(l.outputs * words);
    for (let k = 0; k < l.inputs; k++) {
      for (let u = 0; u < l.outputs; u++) {
        const plus = l.weight[k * l.outputs + u] >= 0;
        binary[k * l.outputs + u] = plus ? 1 : -1;
        if (plus) bits[u * words + (k >> 5)] |= 1 << (k & 31);
      }
    }
    const thresholds = new Float32Array(l.outputs);
    const directions = new Float32Array(l.outputs);
    if (index < layers.length - 1) {
      for (let u = 0; u < l.outputs; u++) {
        const t = unitThreshold(l.gamma[u], l.beta[u], l.runningMean[u], l.runningVar[u], config);
        thresholds[u] = t.threshold;
        directions[u] = t.direction;
      }
    }
    return { inputs: l.inputs, outputs: l.outputs, binary, bits, thresholds, directions };
  });
  return { config, layers: folded, last: layers[layers.length - 1] };
}

/** The trained values of a live network, read back. */
export async function hostLayers(net: BinaryNet): Promise<HostLayer[]> {
  const read = async (t: Tensor) => new Float32Array(await t.read());
  const out: HostLayer[] = [];
  for (const l of net.layers) {
    out.push({ inputs: l.inputs, outputs: l.outputs, weight: await read(l.weight.value), gamma: await read(l.gamma.value), beta: await read(l.beta.value), runningMean: await read(l.norm.runningMean), runningVar: await read(l.norm.runningVar) });
  }
  return out;
}

/** The trained values of a model file's tensors (checked by readBinaryNetConfig). */
export function fileLayers(tensors: Readonly<Record<string, SafetensorsTensor>>, config: CheckedBinaryNetConfig, source: string): HostLayer[] {
  return config.layers.slice(1).map((outputs, i) => {
    const name = binaryLayerName(i);
    const vector = (part: string) => fileTensor(tensors, source, `${name}.${part}`, 'F32', [outputs]).data;
    const inputs = config.layers[i];
    return { inputs, outputs, weight: fileTensor(tensors, source, `${name}.weight`, 'F32', [inputs, outputs]).data, gamma: vector('gamma'), beta: vector('beta'), runningMean: vector('running_mean'), runningVar: vector('running_var') };
  });
}

/** The packed network as model-file tensors: what the packed path reads (`packed.layer{i}.bits`, `.threshold`, `.direction`). */
export function packedTensors(folded: FoldedNetwork): Record<string, SafetensorsTensor> {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [i, l] of folded.layers.entries()) {
    const name = `packed.${binaryLayerName(i)}`;
    tensors[`${name}.bits`] = { dtype: 'U32', shape: [l.outputs, packedWords(l.inputs)], data: l.bits };
    if (i === folded.layers.length - 1) continue;
    tensors[`${name}.threshold`] = { dtype: 'F32', shape: [l.outputs], data: l.thresholds };
    tensors[`${name}.direction`] = { dtype: 'F32', shape: [l.outputs], data: l.directions };
  }
  return tensors;
}

export const INFERENCE_PATHS = ['float', 'packed'] as const;
export type InferencePath = (typeof INFERENCE_PATHS)[number];

/** A part of the examples run by one graph, and its last batch's scores (rows x classes). */
interface InferencePart extends BatchPart {
  graph: KernelGraph;
  scores: Tensor;
}

/** The device tensors both paths' graphs share: per layer the weights and thresholds, and the last layer's batch norm. */
interface SharedTensors {
  weights: Tensor[];
  thresholds: Tensor[];
  directions: Tensor[];
  norm: BatchNormState;
}

/**
 * Classifies the examples of a DeviceDataset of bytes by one path, batch after batch in order: the
 * scores of each batch (rows x classes), read back once per batch. Full batches of `rows` run in one
 * graph and the rest of the examples in a second.
 *
 *   const packed = await BinaryNetInference.create(ctx, folded, test, { rows: 1000, path: 'packed' });
 *   const { scores, predictions } = await packed.classifyAll();
 */
export class BinaryNetInference implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    private readonly parts: readonly InferencePart[],
    readonly count: number,
    readonly classes: number,
  ) {}

  static async create(ctx: RunContext, net: FoldedNetwork, data: DeviceDataset, o: { rows: number; path: InferencePath }): Promise<BinaryNetInference> {
    const layers = net.layers;
    if (data.width !== layers[0].inputs) throw new InputError(`binarynet inference: the data has ${data.width} values per example, the network ${layers[0].inputs} inputs`);
    if (layers.length < 2) throw new InputError('binarynet inference: the network needs a hidden layer (a single layer has no binary activations to pack)');
    const plan = batchParts(data.count, o.rows, 'binarynet inference');
    const packed = o.path === 'packed';
    return building(async (owned) => {
      const tensor = (label: string, dtype: 'f32' | 'u32' | 'i32', shape: number[], values?: ArrayBufferView) => owned.add(ctx.pool.tensor(`binarynet ${o.path} ${label}`, dtype, shape, values ? { data: values } : {}));
      const last = net.last;
      const vector = (label: string, values?: ArrayLike<number>) => tensor(`last ${label}`, 'f32', [last.outputs], values ? Float32Array.from(values) : undefined);
      const shared: SharedTensors = { weights: [], thresholds: [], directions: [], norm: {
        gamma: await vector('gamma', last.gamma),
        beta: await vector('beta', last.beta),
        runningMean: await vector('running mean', last.runningMean),
        runningVar: await vector('running var', last.runningVar),
        batchMean: await vector('batch mean (unused)'),
        batchInvstd: await vector('batch invstd (unused)'),
      } };
      for (const [i, l] of layers.entries()) {
        shared.weights.push(packed ? await tensor(`${i} bits`, 'u32', [l.outputs, packedWords(l.inputs)], l.bits) : await tensor(`${i} weights`, 'f32', [l.inputs, l.outputs], l.binary));
        if (i === layers.length - 1) break;
        shared.thresholds.push(await tensor(`${i} thresholds`, 'f32', [l.outputs], l.thresholds));
        shared.directions.push(await tensor(`${i} directions`, 'f32', [l.outputs], l.directions));
      }
      const parts: InferencePart[] = [];
      for (const part of plan) parts.push(await addInferencePart(ctx, owned, net, data, shared, o.path, part, (label, dtype, shape) => tensor(`${part.first} ${label}`, dtype, shape)));
      return new BinaryNetInference(ctx, owned, parts, data.count, last.outputs);
    });
  }

  /** Examples per batch of the full batches. */
  get rows(): number {
    return this.parts[0].rows;
  }

  /** Full batches (a last partial batch apart). */
  get batches(): number {
    return this.parts[0].batches;
  }

  /** Runs every full batch in one submit and reads back the last one's scores (a benchmark's timed run). */
  async runFullBatches(): Promise<Float32Array> {
    const p = this.parts[0];
    await this.ctx.scheduler.run(p.graph, { repeat: p.batches });
    return new Float32Array(await p.scores.read());
  }

  /** Every example's scores (count x classes) and predicted class (the first largest score). */
  async classifyAll(): Promise<{ scores: Float32Array; predictions: Uint32Array }> {
    const scores = new Float32Array(this.count * this.classes);
    for (const p of this.parts) {
      for (let b = 0; b < p.batches; b++) {
        await this.ctx.scheduler.run(p.graph, { repeat: 1, firstIteration: b });
        scores.set(new Float32Array(await p.scores.read()), (p.first + b * p.rows) * this.classes);
      }
    }
    const predictions = new Uint32Array(this.count);
    for (let r = 0; r < predictions.length; r++) {
      let best = 0;
      for (let k = 1; k < this.classes; k++) if (scores[r * this.classes + k] > scores[r * this.classes + best]) best = k;
      predictions[r] = best;
    }
    return { scores, predictions };
  }

  release(): void {
    this.owned.release();
  }
}

type MakeTensor = (label: string, dtype: 'f32' | 'u32' | 'i32', shape: number[]) => Promise<Tensor>;

/**
 * One part's graph: gather its batch (bytes as f32 integers, or as bytes for their bit planes), the
 * layers' sums and thresholds, the last batch norm.
 */
async function addInferencePart(ctx: RunContext, owned: Owned, net: FoldedNetwork, data: DeviceDataset, shared: SharedTensors, path: InferencePath, part: BatchPart, tensor: MakeTensor): Promise<InferencePart> {
  const { rows, batches, first } = part;
  const packed = path === 'packed';
  const width = data.width;
  const graph = new KernelGraph(`binarynet.${path}${first ? ' rest' : ''}`);
  const batch = { source: data.images, rows: data.count, width, indices: data.inOrder, batchSize: rows, first, batches };
  let input: Tensor;
  if (packed) {
    input = await tensor('x bytes', 'u32', [Math.ceil((rows * width) / 4)]);
    await owned.add(addGather(graph, ctx, { ...batch, format: 'bytes', output: input }));
  } else {
    input = await tensor('x', 'f32', [rows, width]);
    await owned.add(addGather(graph, ctx, { ...batch, format: 'u8', output: input, byteValues: BYTE_INTEGERS }));
  }
  let sums = input;
  for (const [i, l] of net.layers.entries()) {
    const w = shared.weights[i];
    if (!packed) {
      sums = await tensor(`${i} sums`, 'f32', [rows, l.outputs]);
      await owned.add(addGemm(graph, ctx, { a: input, b: w, c: sums, m: rows, n: l.outputs, k: l.inputs }));
    } else if (i === 0) {
      const planes = await tensor('x planes', 'u32', [planeWords(rows, l.inputs)]);
      sums = await tensor(`${i} sums`, 'i32', [rows, l.outputs]);
      await owned.add(addPackBitPlanes(graph, ctx, { input, output: planes, rows, cols: l.inputs }));
      await owned.add(addXnorU8Gemm(graph, ctx, { x: planes, w, c: sums, m: rows, n: l.outputs, k: l.inputs }));
    } else {
      sums = await tensor(`${i} sums`, 'f32', [rows, l.outputs]);
      await owned.add(addXnorGemm(graph, ctx, { a: input, b: w, c: sums, m: rows, n: l.outputs, k: l.inputs }));
    }
    if (i === net.layers.length - 1) break;
    const next = await tensor(`${i} activations`, packed ? 'u32' : 'f32', packed ? [rows, packedWords(l.outputs)] : [rows, l.outputs]);
    await owned.add(addThreshold(graph, ctx, { sums, rows, cols: l.outputs, thresholds: shared.thresholds[i], directions: shared.directions[i], output: next }));
    input = next;
  }
  const scores = await tensor('scores', 'f32', [rows, net.last.outputs]);
  await owned.add(addBatchNorm(graph, ctx, { x: sums, y: scores, rows, cols: net.last.outputs, state: shared.norm, mode: 'infer', eps: net.config.eps, shift: net.config.shift }));
  return { graph, scores, rows, batches, first };
}
