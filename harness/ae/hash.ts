// The 'ae-hash' job: semantic hashing (Salakhutdinov & Hinton 2009) with an autoencoder's code. The
// training digits are the database, the test digits the queries, a retrieved digit relevant when its
// class is the query's. Each digit's address is its code thresholded: a sigmoid code at 0.5, any other
// at each unit's mean over the training codes. Retrieval (a) by a Hamming ball of each radius up to
// --radius around the query's address (hash-table lookups, models/hashing.ts), (b) by Hamming ranking
// of the whole database (XNOR-popcount distances on the GPU) for the mean average precision and the
// precision-recall curve; the baselines with as many bits: the signs of the PCA projections, and
// random hyperplanes through the mean (LSH).
import { InputError, type RunContext } from '../../engine/index.js';
import { Autoencoder } from '../../models/autoencoder.js';
import { encodeDataset } from '../../models/autoencoder_training.js';
import { HammingIndex, lshCodes, MAX_BALL_ADDRESSES, MAX_HASH_BITS, ballSize, packCodes, pcaSignCodes, precisionAtRadius, rankingMetrics, type BinaryCodes, type RadiusPoint, type RetrievalMetrics } from '../../models/hashing.js';
import { DeviceDataset } from '../../models/minibatch.js';
import { Owned } from '../../models/owned.js';
import { fitPca } from '../../models/pca.js';
import { defineJob, type JobContext } from '../backends/context.js';
import type { Values } from '../cli/schema.js';
import { checkModelWidth, labelledBytes } from '../data/dataset.js';
import { loadData } from '../data/source.js';
import { fromBase64 } from '../io/base64.js';
import type { Json, JsonObject } from '../io/json.js';
import { AE_HASH_JOB } from './flags.js';

export type AeHashParams = Values<typeof AE_HASH_JOB>;

/** Each unit's mean over `count` codes of `bits` units: a linear code's thresholds. */
function unitMeans(codes: Float32Array, count: number, bits: number): Float64Array {
  const means = new Float64Array(bits);
  for (let e = 0; e < codes.length; e++) means[e % bits] += codes[e] / count;
  return means;
}

/** A method's Hamming-ranking curve as JSON: radius, precision and recall per radius (NaN as null). */
function curveJson(m: RetrievalMetrics): JsonObject {
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return { radius: m.curve.map((p) => p.radius), precision: m.curve.map((p) => finite(p.precision)), recall: m.curve.map((p) => finite(p.recall)), map: m.meanAveragePrecision };
}

/** The autoencoder's addresses of the training and test digits. */
async function autoencoderCodes(ctx: RunContext, ae: Autoencoder, train: DeviceDataset, test: DeviceDataset): Promise<{ database: BinaryCodes; queries: BinaryCodes; threshold: string }> {
  const bits = ae.code;
  const [trainCodes, testCodes] = [await encodeDataset(ctx, ae, train), await encodeDataset(ctx, ae, test)];
  if (ae.config.codeActivation === 'sigmoid') return { database: packCodes(trainCodes, train.count, bits, 0.5), queries: packCodes(testCodes, test.count, bits, 0.5), threshold: '0.5' };
  const means = unitMeans(trainCodes, train.count, bits);
  const centred = (codes: Float32Array) => Float64Array.from(codes, (c, e) => c - means[e % bits]);
  return { database: packCodes(centred(trainCodes), train.count, bits), queries: packCodes(centred(testCodes), test.count, bits), threshold: 'training mean' };
}

export async function runAeHash(ctx: JobContext, p: AeHashParams): Promise<JsonObject> {
  const split = await loadData(ctx.gpu.adapter.runtime, p);
  const { ae } = await Autoencoder.fromSafetensors(ctx, fromBase64(p.model), 'the model');
  const owned = new Owned();
  await owned.add(ae);
  try {
    const bits = ae.code;
    if (bits > MAX_HASH_BITS) throw new InputError(`ae hash: the model's code has ${bits} units; an address has at most ${MAX_HASH_BITS} bits`);
    if (ballSize(bits, p.radius) > MAX_BALL_ADDRESSES) throw new InputError(`ae hash: --radius ${p.radius} at ${bits} bits is a ball of ${ballSize(bits, p.radius)} addresses (at most ${MAX_BALL_ADDRESSES})`);
    const [trainBytes, testBytes] = [labelledBytes(split.train), labelledBytes(split.test)];
    checkModelWidth(ae.inputs, testBytes.width);
    const train = await owned.add(DeviceDataset.upload(ctx, trainBytes, 'hash database'));
    const test = await owned.add(DeviceDataset.upload(ctx, testBytes, 'hash queries'));
    const labels = { queryLabels: testBytes.labels, databaseLabels: trainBytes.labels };
    const steps = 4;
    ctx.onProgress?.(0, steps);
    const own = await autoencoderCodes(ctx, ae, train, test);
    const set = { ...own, ...labels };
    const ranking = await rankingMetrics(ctx, set);
    const index = new HammingIndex(own.database);
    const radii = Array.from({ length: p.radius + 1 }, (_, r) => precisionAtRadius(index, set, r));
    ctx.onProgress?.(1, steps);
    const pca = await fitPca(ctx, train, bits, { seed: p.seed });
    const pcaRanking = await rankingMetrics(ctx, { database: await pcaSignCodes(ctx, pca, train), queries: await pcaSignCodes(ctx, pca, test), ...labels });
    ctx.onProgress?.(2, steps);
    const lsh = { seed: p.seed, mean: pca.mean };
    const lshRanking = await rankingMetrics(ctx, { database: await lshCodes(ctx, train, bits, lsh), queries: await lshCodes(ctx, test, bits, lsh), ...labels });
    ctx.onProgress?.(steps, steps);
    const byRadius = (f: (point: RadiusPoint) => number): JsonObject => Object.fromEntries(radii.map((point) => [String(point.radius), Number.isFinite(f(point)) ? f(point) : null]));
    return {
      bits,
      radius: p.radius,
      threshold: own.threshold,
      precision_at_radius: byRadius((point) => point.precision),
      recall_at_radius: byRadius((point) => point.recall),
      empty_at_radius: byRadius((point) => point.empty / test.count),
      map: ranking.meanAveragePrecision,
      pca_map: pcaRanking.meanAveragePrecision,
      lsh_map: lshRanking.meanAveragePrecision,
      addresses: index.addresses,
      curves: { autoencoder: curveJson(ranking), pca: curveJson(pcaRanking), lsh: curveJson(lshRanking) } as Json,
      layers: [...ae.config.layers],
      queries: test.count,
      database: train.count,
      adapter: { ...ctx.gpu.adapter },
    };
  } finally {
    owned.release();
  }
}

export const aeHashJob = defineJob(AE_HASH_JOB, runAeHash);
