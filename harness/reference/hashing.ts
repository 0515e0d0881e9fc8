// Semantic hashing's retrieval (models/hashing.ts) by the definitions, as plain loops: codes bit by
// bit, Hamming distances by popcount, balls by a scan of the database, average precision by sorting
// the database, the curve by counting, and projections in float64.
import { popcount } from './xnor.js';

/** The bits of code r (count x bits packed as addPackBits lays them out), bit j at word j / 32, bit j % 32. */
export function codeBits(words: Uint32Array, bits: number, r: number): number[] {
  const perCode = Math.ceil(bits / 32);
  return Array.from({ length: bits }, (_, j) => (words[r * perCode + Math.floor(j / 32)] >>> j % 32) & 1);
}

/** queries x database Hamming distances: popcount of the XOR, word by word. */
export function hammingReference(queries: Uint32Array, database: Uint32Array, bits: number): Int32Array {
  const perCode = Math.ceil(bits / 32);
  const [m, n] = [queries.length / perCode, database.length / perCode];
  const out = new Int32Array(m * n);
  for (let q = 0; q < m; q++) {
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let w = 0; w < perCode; w++) d += popcount(queries[q * perCode + w] ^ database[i * perCode + w]);
      out[q * n + i] = d;
    }
  }
  return out;
}

/** The items (ascending) of one-word codes within `radius` of `query`: a scan of every code. */
export function ballReference(database: Uint32Array, query: number, radius: number): Int32Array {
  const found: number[] = [];
  database.forEach((code, i) => {
    if (popcount(code ^ query) <= radius) found.push(i);
  });
  return Int32Array.from(found);
}

/**
 * Average precision of one query's ranking: the database sorted by (distance, index), then the mean
 * over the relevant items of (relevant items at or above its rank) / its rank. null with no relevant item.
 */
export function averagePrecisionReference(distances: ArrayLike<number>, labels: ArrayLike<number>, label: number): number | null {
  // 1. The ranking: by distance, ties by the lower index first.
  const order = Array.from({ length: distances.length }, (_, i) => i).sort((a, b) => distances[a] - distances[b] || a - b);
  // 2. Down the ranking: at each relevant item, the precision of the list so far.
  let hits = 0;
  let sum = 0;
  order.forEach((item, rank) => {
    if (labels[item] !== label) return;
    hits++;
    sum += hits / (rank + 1);
  });
  // 3. The mean over the relevant items.
  return hits === 0 ? null : sum / hits;
}

/** Precision and recall of retrieving the items within `radius` (null: nothing retrieved / nothing relevant). */
export function radiusReference(distances: ArrayLike<number>, labels: ArrayLike<number>, label: number, radius: number): { precision: number | null; recall: number | null } {
  let [retrieved, hits, relevant] = [0, 0, 0];
  for (let i = 0; i < distances.length; i++) {
    const isRelevant = labels[i] === label;
    if (isRelevant) relevant++;
    if (distances[i] <= radius) {
      retrieved++;
      if (isRelevant) hits++;
    }
  }
  return { precision: retrieved > 0 ? hits / retrieved : null, recall: relevant > 0 ? hits / relevant : null };
}

/** The mean of the non-null values (NaN when all are null), and how many were null. */
export function meanOfDefined(values: ReadonlyArray<number | null>): { mean: number; missing: number } {
  const defined = values.filter((v): v is number => v !== null);
  return { mean: defined.reduce((s, v) => s + v, 0) / defined.length, missing: values.length - defined.length };
}

/** count x k projections (x - offset) . v_j in float64, x = fround(byte / 255) as the GPU gathers it. */
export function projectionReference(images: Uint8Array, count: number, width: number, directions: Float64Array, offset: Float64Array): Float64Array {
  const k = directions.length / width;
  const out = new Float64Array(count * k);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let e = 0; e < width; e++) dot += (Math.fround(images[r * width + e] / 255) - offset[e]) * directions[j * width + e];
      out[r * k + j] = dot;
    }
  }
  return out;
}
