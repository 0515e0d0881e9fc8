// Semantic hashing (Salakhutdinov & Hinton 2009): documents as short binary codes, retrieval by
// Hamming distance. Two ways to retrieve: a Hamming ball looked up address by address in a hash table
// (codes of at most 32 bits, no scan of the database), and a full Hamming ranking of the database per
// query by XNOR-popcount on the GPU. Metrics with class labels (relevant = same label): mean average
// precision of the ranking and precision / recall by Hamming radius. Baseline codes of the same bits:
// the signs of centred PCA projections and random hyperplanes through the mean (LSH).
// Reference: harness/reference/hashing.ts.
import { InputError, KernelGraph, normal2, RNG_PURPOSES, rngBits, type RunContext } from '../engine/index.js';
import { addGemm, addPackBits, addXnorGemm, packedWords } from '../engine/ops/index.js';
import { addBatchGather, batchParts, type DeviceDataset } from './minibatch.js';
import { building, Owned } from './owned.js';
import type { Pca } from './pca.js';

/**
 * `count` binary codes of `bits` bits, row-major, ceil(bits / 32) u32 words each: bit j of a code at
 * bit j % 32 of its word floor(j / 32), as addPackBits lays them out (so codes packed on the GPU read
 * straight into `words`). Padding bits above `bits` in a code's last word are 0.
 */
export interface BinaryCodes {
  count: number;
  bits: number;
  words: Uint32Array;
}

/** Hamming balls with more addresses than this are refused: a lookup per address would be a scan in disguise. */
export const MAX_BALL_ADDRESSES = 1_000_000;

/** The most bits a HammingIndex's address has: one u32 word, a hash table's key. */
export const MAX_HASH_BITS = 32;

/** Query rows per block of hammingDistances by default: the block's distance matrix under 64 MiB. */
const BLOCK_BYTES = 64 * 2 ** 20;

/** Rows per batch of the projection baselines by default. */
const PROJECTION_BATCH = 1024;

const isCount = (n: number) => Number.isInteger(n) && n > 0 && n < 2 ** 31;

/** Throws an InputError unless `codes` is consistent: positive count and bits, the right words, zero padding bits. */
function checkCodes(codes: BinaryCodes, what: string): number {
  const { count, bits, words } = codes;
  if (!isCount(count) || !isCount(bits)) throw new InputError(`${what}: count = ${count} and bits = ${bits} must be positive integers`);
  const perCode = packedWords(bits);
  if (!(words instanceof Uint32Array) || words.length !== count * perCode) {
    throw new InputError(`${what}: ${words?.length} words, but count x ceil(bits / 32) = ${count} x ${perCode} = ${count * perCode}`);
  }
  // Host distances and the GPU's XNOR count every bit of a word: padding must agree (0) in both codes.
  const used = bits % 32;
  if (used !== 0) {
    for (let r = 0; r < count; r++) {
      if (words[r * perCode + perCode - 1] >>> used !== 0) throw new InputError(`${what}: code ${r} has bits set above bit ${bits - 1} (padding must be 0)`);
    }
  }
  return perCode;
}

/** Throws an InputError unless `labels` holds one label per code. */
function checkLabels(labels: ArrayLike<number>, count: number, what: string): Int32Array {
  if (labels.length !== count) throw new InputError(`${what}: ${labels.length} labels for ${count} codes`);
  return Int32Array.from(labels);
}

/**
 * Packs `count` rows of `bits` values into codes: bit j of code r is 1 where values[r * bits + j] >=
 * threshold (>=, as addPackBits's x >= 0; NaN gives 0). Code units' sigmoid outputs p: threshold 0.5.
 *
 *   const codes = packCodes(probabilities, count, 28, 0.5);
 */
export function packCodes(values: ArrayLike<number>, count: number, bits: number, threshold = 0): BinaryCodes {
  if (!isCount(count) || !isCount(bits)) throw new InputError(`packCodes: count = ${count} and bits = ${bits} must be positive integers`);
  if (values.length !== count * bits) throw new InputError(`packCodes: ${values.length} values, but count x bits = ${count} x ${bits} = ${count * bits}`);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new InputError(`packCodes: threshold = ${threshold} must be a number`);
  const perCode = packedWords(bits);
  const words = new Uint32Array(count * perCode);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < bits; j++) {
      if (values[r * bits + j] >= threshold) words[r * perCode + (j >> 5)] |= 1 << (j & 31);
    }
  }
  return { count, bits, words };
}

/** Set bits of a u32 (the SWAR count: pairs, nibbles, then a multiply sums the bytes). */
export function popcount32(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}

/**
 * The Hamming distance between code i of `a` and code j of `b` (codes of the same bits).
 *
 *   hammingDistance(queries, 0, database, 17);   // bits where the two codes differ
 */
export function hammingDistance(a: BinaryCodes, i: number, b: BinaryCodes, j: number): number {
  const perCode = packedWords(a.bits);
  let d = 0;
  for (let w = 0; w < perCode; w++) d += popcount32(a.words[i * perCode + w] ^ b.words[j * perCode + w]);
  return d;
}

/** sum over d <= radius of C(bits, d): the addresses of a Hamming ball. */
export function ballSize(bits: number, radius: number): number {
  let total = 0;
  let choose = 1;
  for (let d = 0; d <= radius; d++) {
    total += choose;
    choose = (choose * (bits - d)) / (d + 1);
  }
  return total;
}

/**
 * A hash table from each code (one u32 address: at most 32 bits) to the database items that have it,
 * for retrieval by Hamming ball without scanning the database.
 *
 *   const index = new HammingIndex(databaseCodes);
 *   const near = index.ball(queryCodes.words[q], 2);   // every item within 2 bits, by index
 */
export class HammingIndex {
  readonly bits: number;
  readonly count: number;
  private readonly table = new Map<number, Int32Array>();

  constructor(database: BinaryCodes) {
    checkCodes(database, 'HammingIndex');
    if (database.bits > MAX_HASH_BITS) throw new InputError(`HammingIndex: bits = ${database.bits}; a code must fit one u32 address (bits <= ${MAX_HASH_BITS})`);
    this.bits = database.bits;
    this.count = database.count;
    const lists = new Map<number, number[]>();
    database.words.forEach((address, item) => {
      const list = lists.get(address);
      if (list) list.push(item);
      else lists.set(address, [item]);
    });
    for (const [address, items] of lists) this.table.set(address, Int32Array.from(items));
  }

  /** Distinct addresses in the table. */
  get addresses(): number {
    return this.table.size;
  }

  /** The items whose code is `address` (in ascending index order), or none. */
  at(address: number): Int32Array {
    return this.table.get(address >>> 0) ?? new Int32Array(0);
  }

  /**
   * The indices (ascending) of every item within Hamming distance `radius` of `query`: the ball's
   * sum over d <= radius of C(bits, d) addresses, each looked up. Refuses balls of more than
   * MAX_BALL_ADDRESSES addresses.
   */
  ball(query: number, radius: number): Int32Array {
    const bits = this.bits;
    if (!(Number.isInteger(query) && query >= 0 && query < 2 ** bits)) throw new InputError(`HammingIndex.ball: query = ${query} must be an integer address in [0, 2^${bits})`);
    if (!(Number.isInteger(radius) && radius >= 0 && radius <= bits)) throw new InputError(`HammingIndex.ball: radius = ${radius} must be an integer in [0, ${bits}]`);
    const size = ballSize(bits, radius);
    if (size > MAX_BALL_ADDRESSES) throw new InputError(`HammingIndex.ball: radius ${radius} of ${bits} bits is a ball of ${size} addresses, over the limit of ${MAX_BALL_ADDRESSES}`);
    const found: Int32Array[] = [];
    let total = 0;
    // Flip `left` more bits, each above the last one flipped, so that every address is visited once.
    const visit = (address: number, from: number, left: number): void => {
      const items = this.table.get(address >>> 0);
      if (items) {
        found.push(items);
        total += items.length;
      }
      if (left === 0) return;
      for (let b = from; b < bits; b++) visit(address ^ (1 << b), b + 1, left - 1);
    };
    visit(query, 0, radius);
    const out = new Int32Array(total);
    let at = 0;
    for (const items of found) {
      out.set(items, at);
      at += items.length;
    }
    return out.sort();
  }
}

/** What hammingDistances does with each block of query rows. */
export interface DistanceBlocks {
  /** Called in order of `first`: `distances` is rows x database.count, row r for query first + r. */
  onBlock(first: number, distances: Int32Array): void | Promise<void>;
  /** Query rows per block (default: the block's matrix under 64 MiB). */
  blockRows?: number;
}

/**
 * The Hamming distance of every query code to every database code, on the GPU by XNOR-popcount in
 * blocks of query rows (so that the whole queries x database matrix never exists at once):
 * d = (bits - dot) / 2, where dot = bits - 2 d is addXnorGemm's ±1 product over the real bits.
 *
 *   await hammingDistances(ctx, queries, database, { onBlock: (first, d) => ranking.add(first, d) });
 */
export async function hammingDistances(ctx: RunContext, queries: BinaryCodes, database: BinaryCodes, o: DistanceBlocks): Promise<void> {
  const perCode = checkCodes(queries, 'hammingDistances: queries');
  checkCodes(database, 'hammingDistances: database');
  const bits = queries.bits;
  if (database.bits !== bits) throw new InputError(`hammingDistances: queries have ${bits} bits and the database ${database.bits}`);
  const n = database.count;
  const blockRows = Math.min(queries.count, o.blockRows ?? Math.max(1, Math.floor(BLOCK_BYTES / (4 * n))));
  if (!isCount(blockRows)) throw new InputError(`hammingDistances: blockRows = ${o.blockRows} must be a positive integer`);
  const owned = new Owned();
  try {
    // The database once; the queries a block at a time, written into one block-sized tensor.
    const db = await owned.add(ctx.pool.tensor('hashing database codes', 'u32', [n, perCode], { data: database.words }));
    const block = await owned.add(ctx.pool.tensor('hashing query block', 'u32', [blockRows, perCode]));
    const dots = await owned.add(ctx.pool.tensor('hashing query block x database dots', 'i32', [blockRows, n]));
    const graph = new KernelGraph('hamming distances');
    await owned.add(addXnorGemm(graph, ctx, { a: block, b: db, c: dots, m: blockRows, n, k: bits }));
    for (let first = 0; first < queries.count; first += blockRows) {
      // The last block may be short: rows beyond it hold stale queries and are not read back.
      const rows = Math.min(blockRows, queries.count - first);
      await block.write(queries.words.subarray(first * perCode, (first + rows) * perCode));
      await ctx.scheduler.run(graph);
      const distances = new Int32Array(await ctx.pool.read(dots, rows * n * 4));
      for (let e = 0; e < distances.length; e++) distances[e] = (bits - distances[e]) >> 1;
      await o.onBlock(first, distances);
    }
  } finally {
    owned.release();
  }
}

/** Retrieval quality at one Hamming radius: the items within it count as retrieved. */
export interface RadiusPoint {
  radius: number;
  /** Mean over the queries that retrieve at least one item of (relevant retrieved / retrieved); NaN when none does. */
  precision: number;
  /** Mean over the queries with a relevant item in the database of (relevant retrieved / relevant in the database); NaN when none has. */
  recall: number;
  /** Queries that retrieve nothing at this radius: left out of the precision mean. */
  empty: number;
}

export interface RetrievalMetrics {
  queries: number;
  /** Queries with no relevant item in the database: left out of the mAP and of every recall mean. */
  withoutRelevant: number;
  /** The mean over the other queries of the average precision of their Hamming ranking (NaN when there are none). */
  meanAveragePrecision: number;
  /** One point per radius 0..bits. */
  curve: RadiusPoint[];
}

/** Relevant items per label: the denominators of recall. */
function labelTotals(labels: Int32Array): Map<number, number> {
  const totals = new Map<number, number>();
  for (const l of labels) totals.set(l, (totals.get(l) ?? 0) + 1);
  return totals;
}

/**
 * Ranking metrics accumulated over blocks of a queries x database distance matrix (hammingDistances'
 * blocks, in order). The ranking sorts the database by distance, ties by ascending index; a query's
 * average precision is the mean over its relevant items of the precision at each one's rank.
 * Per query a counting sort by distance (0..bits): one pass over the database.
 *
 *   const ranking = new RankingAccumulator(bits, queryLabels, databaseLabels);
 *   await hammingDistances(ctx, queries, database, { onBlock: (first, d) => ranking.add(first, d) });
 *   const { meanAveragePrecision, curve } = ranking.result();
 */
export class RankingAccumulator {
  private readonly queryLabels: Int32Array;
  private readonly databaseLabels: Int32Array;
  private readonly totals: Map<number, number>;
  private next = 0;
  private apSum = 0;
  private withoutRelevant = 0;
  private readonly precisionSum: Float64Array;
  private readonly recallSum: Float64Array;
  private readonly empty: Int32Array;
  // Per-query scratch: items and relevant items by distance, and each relevant item's place.
  private readonly count: Int32Array;
  private readonly relevant: Int32Array;
  private readonly relDistance: Int32Array;
  private readonly relPlace: Int32Array;

  /** Labels are integers (compared as i32). */
  constructor(
    readonly bits: number,
    queryLabels: ArrayLike<number>,
    databaseLabels: ArrayLike<number>,
  ) {
    if (!isCount(bits)) throw new InputError(`RankingAccumulator: bits = ${bits} must be a positive integer`);
    if (queryLabels.length === 0 || databaseLabels.length === 0) throw new InputError('RankingAccumulator: needs at least one query and one database item');
    this.queryLabels = Int32Array.from(queryLabels);
    this.databaseLabels = Int32Array.from(databaseLabels);
    this.totals = labelTotals(this.databaseLabels);
    [this.precisionSum, this.recallSum] = [new Float64Array(bits + 1), new Float64Array(bits + 1)];
    [this.empty, this.count, this.relevant] = [new Int32Array(bits + 1), new Int32Array(bits + 1), new Int32Array(bits + 1)];
    [this.relDistance, this.relPlace] = [new Int32Array(this.databaseLabels.length), new Int32Array(this.databaseLabels.length)];
  }

  /** Adds the rows of queries first, first + 1, .. (each database.count distances in 0..bits). */
  add(first: number, distances: Int32Array): void {
    const n = this.databaseLabels.length;
    const rows = distances.length / n;
    if (first !== this.next) throw new InputError(`RankingAccumulator.add: block starts at query ${first}; the next is ${this.next} (blocks come in order)`);
    if (!Number.isInteger(rows) || first + rows > this.queryLabels.length) {
      throw new InputError(`RankingAccumulator.add: ${distances.length} distances are not whole rows of ${n} within the ${this.queryLabels.length} queries from ${first}`);
    }
    for (let r = 0; r < rows; r++) this.addQuery(this.queryLabels[first + r], distances.subarray(r * n, (r + 1) * n));
    this.next += rows;
  }

  private addQuery(label: number, d: Int32Array): void {
    const { bits, count, relevant, relDistance, relPlace, databaseLabels } = this;
    count.fill(0);
    relevant.fill(0);
    // One pass in index order: an item's place among its distance's items is the count so far.
    let found = 0;
    for (let i = 0; i < d.length; i++) {
      const di = d[i];
      if (!(di >= 0 && di <= bits)) throw new InputError(`RankingAccumulator.add: distance ${di} to item ${i} is outside 0..${bits}`);
      if (databaseLabels[i] === label) {
        relDistance[found] = di;
        relPlace[found] = count[di];
        relevant[di]++;
        found++;
      }
      count[di]++;
    }
    // The curve: everything within radius r retrieved.
    const total = this.totals.get(label) ?? 0;
    let retrieved = 0;
    let hits = 0;
    for (let r = 0; r <= bits; r++) {
      retrieved += count[r];
      hits += relevant[r];
      if (retrieved > 0) this.precisionSum[r] += hits / retrieved;
      else this.empty[r]++;
      if (total > 0) this.recallSum[r] += hits / total;
    }
    if (total === 0) {
      this.withoutRelevant++;
      return;
    }
    // Ranks of the distance groups (items before them) and relevant items before them.
    const before = new Int32Array(bits + 1);
    const relevantBefore = new Int32Array(bits + 1);
    for (let r = 1; r <= bits; r++) {
      before[r] = before[r - 1] + count[r - 1];
      relevantBefore[r] = relevantBefore[r - 1] + relevant[r - 1];
    }
    // Precision at each relevant item's rank: relevant ones up to it / its 1-based rank.
    const seen = new Int32Array(bits + 1);
    let ap = 0;
    for (let k = 0; k < found; k++) {
      const r = relDistance[k];
      seen[r]++;
      ap += (relevantBefore[r] + seen[r]) / (before[r] + relPlace[k] + 1);
    }
    this.apSum += ap / total;
  }

  /** The metrics over the queries added so far. */
  result(): RetrievalMetrics {
    const queries = this.next;
    const ranked = queries - this.withoutRelevant;
    const curve = Array.from({ length: this.bits + 1 }, (_, r) => ({
      radius: r,
      precision: this.precisionSum[r] / (queries - this.empty[r]),
      recall: this.recallSum[r] / ranked,
      empty: this.empty[r],
    }));
    return { queries, withoutRelevant: this.withoutRelevant, meanAveragePrecision: this.apSum / ranked, curve };
  }
}

export interface RetrievalSet {
  queries: BinaryCodes;
  queryLabels: ArrayLike<number>;
  database: BinaryCodes;
  databaseLabels: ArrayLike<number>;
}

/**
 * The Hamming-ranking metrics of every query against the whole database: GPU distances
 * (hammingDistances) into a RankingAccumulator.
 *
 *   const { meanAveragePrecision, curve } = await rankingMetrics(ctx, { queries, queryLabels, database, databaseLabels });
 */
export async function rankingMetrics(ctx: RunContext, set: RetrievalSet, o: { blockRows?: number } = {}): Promise<RetrievalMetrics> {
  checkLabels(set.queryLabels, set.queries.count, 'rankingMetrics: queries');
  checkLabels(set.databaseLabels, set.database.count, 'rankingMetrics: database');
  const ranking = new RankingAccumulator(set.queries.bits, set.queryLabels, set.databaseLabels);
  await hammingDistances(ctx, set.queries, set.database, { blockRows: o.blockRows, onBlock: (first, d) => ranking.add(first, d) });
  return ranking.result();
}

/**
 * Retrieval by Hamming ball of `radius` around each query (the index's lookups, no scan), by the
 * definitions of RadiusPoint: the same numbers as the ranking curve's point at that radius.
 *
 *   const point = precisionAtRadius(new HammingIndex(database), { queries, queryLabels, database, databaseLabels }, 2);
 */
export function precisionAtRadius(index: HammingIndex, set: RetrievalSet, radius: number): RadiusPoint {
  checkCodes(set.queries, 'precisionAtRadius: queries');
  if (set.queries.bits !== index.bits) throw new InputError(`precisionAtRadius: queries have ${set.queries.bits} bits and the index ${index.bits}`);
  if (set.database.count !== index.count) throw new InputError(`precisionAtRadius: the database has ${set.database.count} codes and the index ${index.count}`);
  const queryLabels = checkLabels(set.queryLabels, set.queries.count, 'precisionAtRadius: queries');
  const databaseLabels = checkLabels(set.databaseLabels, set.database.count, 'precisionAtRadius: database');
  const totals = labelTotals(databaseLabels);
  let [precisionSum, recallSum, empty, ranked] = [0, 0, 0, 0];
  for (let q = 0; q < set.queries.count; q++) {
    const items = index.ball(set.queries.words[q], radius);
    let hits = 0;
    for (const i of items) if (databaseLabels[i] === queryLabels[q]) hits++;
    const total = totals.get(queryLabels[q]) ?? 0;
    if (items.length > 0) precisionSum += hits / items.length;
    else empty++;
    if (total > 0) {
      recallSum += hits / total;
      ranked++;
    }
  }
  return { radius, precision: precisionSum / (set.queries.count - empty), recall: recallSum / ranked, empty };
}

/**
 * Codes from k directions (k x width, float64): bit j of row x is 1 where (x - offset) . v_j >= 0,
 * x as the models see it (bytes / 255). Per batch of rows one gather, one GEMM with the offset folded
 * into a bias (-offset . v_j) and one addPackBits on the GPU.
 *
 *   const codes = await projectionCodes(ctx, data, pca.components, pca.mean);
 */
export async function projectionCodes(ctx: RunContext, data: DeviceDataset, directions: Float64Array, offset: Float64Array, o: { batch?: number } = {}): Promise<BinaryCodes> {
  const width = data.width;
  const k = directions.length / width;
  if (!(Number.isInteger(k) && k > 0)) throw new InputError(`projectionCodes: ${directions.length} direction values are not k x width = k x ${width}`);
  if (offset.length !== width) throw new InputError(`projectionCodes: offset has ${offset.length} values for width ${width}`);
  const perCode = packedWords(k);
  const words = new Uint32Array(data.count * perCode);
  const bias = Float32Array.from({ length: k }, (_, j) => -directions.subarray(j * width, (j + 1) * width).reduce((s, v, e) => s + v * offset[e], 0));
  const owned = new Owned();
  try {
    const w = await owned.add(ctx.pool.tensor('hashing directions', 'f32', [k, width], { data: Float32Array.from(directions) }));
    const b = await owned.add(ctx.pool.tensor('hashing -offset . directions', 'f32', [k], { data: bias }));
    for (const [index, p] of batchParts(data.count, o.batch ?? PROJECTION_BATCH, 'projectionCodes').entries()) {
      const part = await building(async (made) => {
        const graph = new KernelGraph(`hashing projection ${index}`);
        const x = await made.add(ctx.pool.tensor('hashing rows', 'f32', [p.rows, width]));
        const projected = await made.add(ctx.pool.tensor('hashing projections', 'f32', [p.rows, k]));
        const packed = await made.add(ctx.pool.tensor('hashing codes', 'u32', [p.rows, perCode]));
        await made.add(addBatchGather(graph, ctx, { data, indices: data.inOrder, x, batchSize: p.rows, first: p.first, batches: p.batches }));
        await made.add(addGemm(graph, ctx, { a: x, b: w, c: projected, m: p.rows, n: k, k: width, transB: true, bias: b }));
        await made.add(addPackBits(graph, ctx, { input: projected, output: packed, rows: p.rows, cols: k }));
        return { graph, packed, made };
      });
      await owned.add(part.made);
      for (let t = 0; t < p.batches; t++) {
        await ctx.scheduler.run(part.graph, { firstIteration: t });
        words.set(new Uint32Array(await part.packed.read()), (p.first + t * p.rows) * perCode);
      }
    }
  } finally {
    owned.release();
  }
  return { count: data.count, bits: k, words };
}

/**
 * Codes of the signs of centred PCA projections: bit j where (x - mean) . v_j >= 0, v_j the j-th
 * component (fitPca with k = bits).
 *
 *   const codes = await pcaSignCodes(ctx, await fitPca(ctx, train, 28), test);
 */
export function pcaSignCodes(ctx: RunContext, pca: Pca, data: DeviceDataset, o: { batch?: number } = {}): Promise<BinaryCodes> {
  if (pca.width !== data.width) throw new InputError(`pcaSignCodes: the PCA has width ${pca.width} and the data ${data.width}`);
  return projectionCodes(ctx, data, pca.components, pca.mean, o);
}

/**
 * `bits` random hyperplane normals of `width` entries (bits x width, float64): entry e = j * width + i
 * is N(0, 1), the first of normal2 on the words of Philox (seed, lshPlanes) at counter (0, e, 0).
 *
 *   const planes = lshPlanes(784, 28, 1);
 */
export function lshPlanes(width: number, bits: number, seed: number): Float64Array {
  if (!isCount(width) || !isCount(bits)) throw new InputError(`lshPlanes: width = ${width} and bits = ${bits} must be positive integers`);
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new InputError(`lshPlanes: seed = ${seed} must be an integer in [0, 2^32)`);
  return Float64Array.from({ length: bits * width }, (_, e) => {
    const words = rngBits(seed, RNG_PURPOSES.lshPlanes, 0, e, 0);
    return normal2(words[0], words[1])[0];
  });
}

/**
 * Locality-sensitive hashing by random hyperplanes through the data's mean (Charikar 2002): bit j
 * where (x - mean) . w_j >= 0, w_j = lshPlanes(width, bits, seed) row j.
 *
 *   const codes = await lshCodes(ctx, test, 28, { seed: 1, mean: pca.mean });
 */
export function lshCodes(ctx: RunContext, data: DeviceDataset, bits: number, o: { seed: number; mean: Float64Array; batch?: number }): Promise<BinaryCodes> {
  return projectionCodes(ctx, data, lshPlanes(data.width, bits, o.seed), o.mean, { batch: o.batch });
}
