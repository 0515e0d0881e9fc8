// Semantic hashing (models/hashing.ts): codes packed on the host as addPackBits packs them, Hamming
// balls by table lookup against a scan, GPU distances against popcount, the ranking metrics against
// their definitions (harness/reference/hashing.ts) and a ranking small enough to check by hand, and
// the PCA and LSH baseline codes against float64 projections.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError, KernelGraph } from '../engine/index.js';
import { addPackBits } from '../engine/ops/index.js';
import { averagePrecisionReference, ballReference, codeBits, hammingReference, meanOfDefined, projectionReference, radiusReference } from '../harness/reference/hashing.js';
import {
  ballSize,
  hammingDistance,
  hammingDistances,
  HammingIndex,
  lshCodes,
  lshPlanes,
  MAX_BALL_ADDRESSES,
  packCodes,
  pcaSignCodes,
  precisionAtRadius,
  RankingAccumulator,
  rankingMetrics,
  type BinaryCodes,
  type RetrievalSet,
} from '../models/hashing.js';
import { DeviceDataset } from '../models/minibatch.js';
import { fitPca } from '../models/pca.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';
import { randomF32, randomWords } from './random.js';

/**
 * `count` one-word codes of `bits` bits clustered around `centres` random centres: each a centre with
 * 0 to 3 bits flipped, so that addresses repeat and balls of small radius hold several items. The
 * label of a code is its centre's modulo `classes`. The centres come from `seed`, the draws around
 * them from `draws` (queries: the database's seed, other draws).
 */
function clusteredCodes(count: number, bits: number, centres: number, classes: number, seed: number, draws = seed + 1): { codes: BinaryCodes; labels: Int32Array } {
  const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1;
  const centre = Uint32Array.from(randomWords(centres, seed), (w) => (w & mask) >>> 0);
  const w = randomWords(2 * count, draws);
  const labels = new Int32Array(count);
  const words = Uint32Array.from({ length: count }, (_, i) => {
    const c = w[2 * i] % centres;
    labels[i] = c % classes;
    let code = centre[c];
    // Flip (w >> 8) % 4 bits at positions from the word's other bytes.
    for (let f = 0; f < ((w[2 * i] >>> 8) % 4); f++) code ^= 1 << ((w[2 * i + 1] >>> (8 * f)) % bits);
    return code >>> 0;
  });
  return { codes: { count, bits, words }, labels };
}

/** Random multi-word codes: random words with the padding bits cleared. */
function randomCodes(count: number, bits: number, seed: number): BinaryCodes {
  const perCode = Math.ceil(bits / 32);
  const words = randomWords(count * perCode, seed);
  if (bits % 32) for (let r = 0; r < count; r++) words[r * perCode + perCode - 1] &= 2 ** (bits % 32) - 1;
  return { count, bits, words };
}

const host = suite('semantic hashing on the host (no GPU)');

host('packCodes: bit j of code r at word j / 32, bit j % 32; 1 where value >= threshold (0 and -0 too), NaN 0', () => {
  const [count, bits] = [5, 45];
  const values = Float64Array.from(randomF32(count * bits, 3));
  [values[0], values[1], values[2], values[50]] = [0, -0, NaN, 0.5];
  const codes = packCodes(values, count, bits);
  assert.is(codes.words.length, count * 2);
  for (let r = 0; r < count; r++) {
    assert.equal(codeBits(codes.words, bits, r), Array.from(values.subarray(r * bits, (r + 1) * bits), (v) => (v >= 0 ? 1 : 0)), `code ${r}`);
  }
  assert.is(codes.words[1] >>> 13, 0, 'padding bits 45..63 stay 0');
  // A sigmoid's output at 0.5: threshold 0.5 is the same as the sign of p - 0.5.
  const p = values.map((v) => 1 / (1 + Math.exp(-4 * v)));
  assert.equal(packCodes(p, count, bits, 0.5).words, packCodes(p.map((v) => v - 0.5), count, bits).words);
  assert.is(packCodes([0.5], 1, 1, 0.5).words[0], 1, '0.5 >= 0.5');
});

host('hammingDistance: popcount of the XOR, word by word, as the reference', () => {
  const a = randomCodes(7, 70, 1);
  const b = randomCodes(9, 70, 2);
  const expected = hammingReference(a.words, b.words, 70);
  for (let i = 0; i < 7; i++) for (let j = 0; j < 9; j++) assert.is(hammingDistance(a, i, b, j), expected[i * 9 + j]);
});

host('HammingIndex.ball: exactly the items within radius 0..3 of a scan, 2000 codes of 12 and of 32 bits', () => {
  for (const bits of [12, 32]) {
    const { codes } = clusteredCodes(2000, bits, 150, 1, bits);
    const index = new HammingIndex(codes);
    assert.ok(index.addresses < 1800, `${bits} bits: ${index.addresses} distinct addresses among 2000 codes (duplicates)`);
    // Queries: database codes (their own address is in the table) and random addresses.
    const queries = [...Array.from(codes.words.subarray(0, 25)), ...Array.from(clusteredCodes(25, bits, 150, 1, bits, 99).codes.words), ...Array.from(randomWords(10, 77), (w) => (bits === 32 ? w : w & 0xfff))];
    let nonEmpty = 0;
    for (const q of queries) {
      for (let radius = 0; radius <= 3; radius++) {
        const got = index.ball(q, radius);
        assert.equal(Array.from(got), Array.from(ballReference(codes.words, q, radius)), `${bits} bits, query ${q}, radius ${radius}`);
        if (got.length > 1) nonEmpty++;
      }
    }
    assert.ok(nonEmpty > 50, `${bits} bits: ${nonEmpty} balls with several items`);
  }
});

host('HammingIndex refuses codes over 32 bits, balls over the limit (naming the count), bad radii and addresses', async () => {
  await expectError(() => new HammingIndex(randomCodes(3, 33, 1)), InputError, 'bits = 33', 'bits <= 32');
  const index = new HammingIndex(randomCodes(10, 32, 1));
  // Radius 6 of 32 bits: 1 + 32 + 496 + 4960 + 35960 + 201376 + 906192 addresses.
  assert.is(ballSize(32, 6), 1149017);
  assert.ok(ballSize(32, 5) <= MAX_BALL_ADDRESSES);
  await expectError(() => index.ball(0, 6), InputError, '1149017 addresses', String(MAX_BALL_ADDRESSES));
  await expectError(() => index.ball(0, -1), InputError, 'radius = -1');
  await expectError(() => index.ball(0, 1.5), InputError, 'radius = 1.5');
  await expectError(() => new HammingIndex(randomCodes(10, 12, 1)).ball(0, 13), InputError, 'radius = 13', '[0, 12]');
  await expectError(() => new HammingIndex(randomCodes(10, 12, 1)).ball(4096, 1), InputError, 'query = 4096');
  await expectError(() => new HammingIndex({ count: 2, bits: 12, words: Uint32Array.of(1, 4096) }), InputError, 'code 1', 'padding');
});

host('ranking by hand: 1 query, 4 items at distances 1, 0, 1, 2, items 2 and 3 relevant: AP = (1/3 + 2/4) / 2', () => {
  // Query 00; items 01, 00, 10, 11. Ranked by (distance, index): items 1, 0, 2, 3, so the relevant
  // items sit at ranks 3 and 4: AP = (1/3 + 2/4) / 2 = 5/12 (ties the other way, item 2 at rank 2, would give 1/2).
  const set: RetrievalSet = { queries: { count: 1, bits: 2, words: Uint32Array.of(0b00) }, queryLabels: [7], database: { count: 4, bits: 2, words: Uint32Array.of(0b01, 0b00, 0b10, 0b11) }, databaseLabels: [0, 0, 7, 7] };
  const ranking = new RankingAccumulator(2, set.queryLabels, set.databaseLabels);
  ranking.add(0, hammingReference(set.queries.words, set.database.words, 2));
  const m = ranking.result();
  assert.ok(Math.abs(m.meanAveragePrecision - 5 / 12) < 1e-15, `AP ${m.meanAveragePrecision}`);
  // Radius 0 retrieves item 1 (not relevant), 1 items 0..2 (one relevant of 3), 2 all (both of 4).
  assert.equal(m.curve, [
    { radius: 0, precision: 0, recall: 0, empty: 0 },
    { radius: 1, precision: 1 / 3, recall: 1 / 2, empty: 0 },
    { radius: 2, precision: 2 / 4, recall: 1, empty: 0 },
  ]);
  const index = new HammingIndex(set.database);
  for (let r = 0; r <= 2; r++) assert.equal(precisionAtRadius(index, set, r), m.curve[r]);
});

host('RankingAccumulator: mAP and the curve as sorting and counting give them, blocks of any size, queries without relevant items skipped', () => {
  const bits = 10;
  const db = clusteredCodes(500, bits, 10, 5, 11);
  const q = clusteredCodes(120, bits, 10, 5, 11, 1000);
  // Label 9 is in no database item: those queries have no relevant item.
  const queryLabels = Int32Array.from(q.labels, (l, i) => (i % 17 === 0 ? 9 : l));
  const distances = hammingReference(q.codes.words, db.codes.words, bits);
  const ranking = new RankingAccumulator(bits, queryLabels, db.labels);
  for (const [first, rows] of [[0, 1], [1, 50], [51, 7], [58, 62]]) ranking.add(first, distances.subarray(first * 500, (first + rows) * 500));
  const m = ranking.result();
  const row = (i: number) => distances.subarray(i * 500, (i + 1) * 500);
  const ap = meanOfDefined(Array.from(queryLabels, (l, i) => averagePrecisionReference(row(i), db.labels, l)));
  assert.is(m.queries, 120);
  assert.is(m.withoutRelevant, ap.missing);
  assert.ok(ap.missing === 8, `${ap.missing} queries without relevant items`);
  assert.ok(Math.abs(m.meanAveragePrecision - ap.mean) < 1e-12, `mAP ${m.meanAveragePrecision} vs ${ap.mean}`);
  assert.ok(m.meanAveragePrecision > 0.3, `clustered codes rank their class first (mAP ${m.meanAveragePrecision})`);
  for (let r = 0; r <= bits; r++) {
    const points = Array.from(queryLabels, (l, i) => radiusReference(row(i), db.labels, l, r));
    const precision = meanOfDefined(points.map((p) => p.precision));
    const recall = meanOfDefined(points.map((p) => p.recall));
    const point = m.curve[r];
    assert.is(point.empty, precision.missing, `radius ${r}: empty`);
    assert.ok(Math.abs(point.precision - precision.mean) < 1e-12, `radius ${r}: precision ${point.precision} vs ${precision.mean}`);
    assert.ok(Math.abs(point.recall - recall.mean) < 1e-12, `radius ${r}: recall ${point.recall} vs ${recall.mean}`);
  }
  assert.ok(m.curve[0].empty > 0 && m.curve[bits].empty === 0 && m.curve[bits].recall === 1);
  assert.throws(() => ranking.add(0, row(0)), (e: Error) => e instanceof InputError && e.message.includes('next is 120'));
});

host('precisionAtRadius by ball lookups equals the ranking curve at that radius, exactly', () => {
  const bits = 12;
  const db = clusteredCodes(1500, bits, 60, 6, 21);
  const q = clusteredCodes(200, bits, 60, 6, 21, 1000);
  const set: RetrievalSet = { queries: q.codes, queryLabels: q.labels, database: db.codes, databaseLabels: db.labels };
  const ranking = new RankingAccumulator(bits, q.labels, db.labels);
  ranking.add(0, hammingReference(q.codes.words, db.codes.words, bits));
  const curve = ranking.result().curve;
  const index = new HammingIndex(db.codes);
  for (let r = 0; r <= 4; r++) assert.equal(precisionAtRadius(index, set, r), curve[r], `radius ${r}`);
  assert.ok(curve[0].empty > 0, 'some balls of radius 0 are empty (their queries are left out of precision)');
});

host('lshPlanes: reproducible N(0, 1) entries, another seed other planes, bad seeds refused', async () => {
  const planes = lshPlanes(100, 100, 5);
  assert.equal(planes, lshPlanes(100, 100, 5));
  assert.not.equal(planes, lshPlanes(100, 100, 6));
  const mean = planes.reduce((s, v) => s + v, 0) / planes.length;
  const variance = planes.reduce((s, v) => s + (v - mean) ** 2, 0) / planes.length;
  // 10^4 draws: the mean's standard error is 0.01, the variance's about 0.014.
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.07, `mean ${mean}, variance ${variance}`);
  await expectError(() => lshPlanes(10, 4, -1), InputError, 'seed = -1');
});

const gpu = suite('semantic hashing on the GPU');

gpu('packCodes lays bits out as addPackBits does on the GPU, bit for bit (20 and 45 bits)', () =>
  withGpu(async (ctx) => {
    for (const bits of [20, 45]) {
      const rows = 37;
      const values = randomF32(rows * bits, bits);
      [values[0], values[1], values[bits + 3]] = [0, -0, 0];
      const graph = new KernelGraph('pack test');
      const input = await ctx.pool.tensor('values', 'f32', [rows, bits], { data: values });
      const output = await ctx.pool.tensor('packed', 'u32', [rows, Math.ceil(bits / 32)]);
      const op = await addPackBits(graph, ctx, { input, output, rows, cols: bits });
      await ctx.scheduler.run(graph);
      assert.equal(new Uint32Array(await output.read()), packCodes(values, rows, bits).words, `${bits} bits`);
      [op, input, output].forEach((t) => t.release());
    }
  }),
);

gpu('hammingDistances: XNOR-popcount distances equal popcount on the host (32, 20 and 45 bits, blocks of 16 rows and one block)', () =>
  withGpu(async (ctx) => {
    for (const bits of [32, 20, 45]) {
      const queries = randomCodes(53, bits, bits);
      const database = randomCodes(301, bits, bits + 100);
      const expected = hammingReference(queries.words, database.words, bits);
      for (const blockRows of [16, undefined]) {
        const got = new Int32Array(53 * 301);
        const firsts: number[] = [];
        await hammingDistances(ctx, queries, database, {
          blockRows,
          onBlock: (first, d) => {
            firsts.push(first);
            got.set(d, first * 301);
          },
        });
        assert.equal(firsts, blockRows ? [0, 16, 32, 48] : [0], `${bits} bits: blocks`);
        assert.equal(got, expected, `${bits} bits, blockRows ${blockRows}`);
      }
    }
    await expectError(() => hammingDistances(ctx, randomCodes(2, 20, 1), randomCodes(2, 21, 1), { onBlock: () => undefined }), InputError, '20 bits', '21');
    await expectError(() => hammingDistances(ctx, { count: 1, bits: 20, words: Uint32Array.of(2 ** 20) }, randomCodes(2, 20, 1), { onBlock: () => undefined }), InputError, 'padding');
  }),
);

gpu('rankingMetrics on the GPU: the accumulator over host distances, exactly', () =>
  withGpu(async (ctx) => {
    const bits = 16;
    const db = clusteredCodes(400, bits, 30, 4, 31);
    const q = clusteredCodes(70, bits, 30, 4, 31, 1000);
    const ranking = new RankingAccumulator(bits, q.labels, db.labels);
    ranking.add(0, hammingReference(q.codes.words, db.codes.words, bits));
    const got = await rankingMetrics(ctx, { queries: q.codes, queryLabels: q.labels, database: db.codes, databaseLabels: db.labels }, { blockRows: 32 });
    assert.equal(got, ranking.result());
  }),
);

gpu('pcaSignCodes and lshCodes: the signs of float64 projections through the mean; LSH reproducible by seed', () =>
  withGpu(async (ctx) => {
    const [count, width] = [150, 24];
    // Correlated bytes: each pixel a shared source of its half plus its own noise.
    const w = randomWords(count * (width + 2), 4);
    const images = Uint8Array.from({ length: count * width }, (_, e) => {
      const [r, c] = [Math.floor(e / width), e % width];
      return ((w[r * (width + 2) + (c < width / 2 ? 0 : 1)] % 200) + (w[r * (width + 2) + 2 + c] % 56)) & 0xff;
    });
    const data = await DeviceDataset.upload(ctx, { images, labels: new Uint8Array(count), count, width });
    /** Codes against the float64 projections: units with |projection| > 1e-3 match exactly (the rest are within f32 rounding of 0). */
    const checkSigns = (codes: BinaryCodes, directions: Float64Array, offset: Float64Array, what: string) => {
      const bits = directions.length / width;
      assert.is(codes.count, count);
      assert.is(codes.bits, bits);
      const projections = projectionReference(images, count, width, directions, offset);
      let compared = 0;
      for (let r = 0; r < count; r++) {
        const got = codeBits(codes.words, bits, r);
        for (let j = 0; j < bits; j++) {
          const p = projections[r * bits + j];
          if (Math.abs(p) <= 1e-3) continue;
          compared++;
          assert.is(got[j], p >= 0 ? 1 : 0, `${what}: row ${r}, bit ${j}, projection ${p}`);
        }
      }
      assert.ok(compared > 0.95 * count * bits, `${what}: ${compared} of ${count * bits} units compared`);
    };
    const pca = await fitPca(ctx, data, 8);
    // Batches of 64: two full ones and a part of 22 rows.
    checkSigns(await pcaSignCodes(ctx, pca, data, { batch: 64 }), pca.components, pca.mean, 'pca');
    const lsh = await lshCodes(ctx, data, 40, { seed: 3, mean: pca.mean, batch: 64 });
    checkSigns(lsh, lshPlanes(width, 40, 3), pca.mean, 'lsh');
    assert.equal((await lshCodes(ctx, data, 40, { seed: 3, mean: pca.mean })).words, lsh.words, 'the same seed, the same codes (any batch)');
    assert.not.equal((await lshCodes(ctx, data, 40, { seed: 4, mean: pca.mean })).words, lsh.words, 'another seed, other codes');
    await expectError(() => pcaSignCodes(ctx, { ...pca, width: 25 }, data), InputError, 'width 25');
    data.release();
  }),
);

host.run();
gpu.run();
