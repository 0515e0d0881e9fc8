// The travelling salesman as the energy of a network of n x n units (the seeds: a permutation matrix
// V, V[x, i] = 1 when city x is visited at position i; large negative weights between units of one
// row or one column, negative weights proportional to the distance between units of neighbouring
// positions):
//   E(V) = P sum_x (sum_i V[x,i] - 1)^2 + P sum_i (sum_x V[x,i] - 1)^2 + sum_{x,y,i} d_xy V[x,i] V[y,i+1]
// (positions cyclic). Its minima with penalty P > max d are permutation matrices, and there E is the
// tour length. Written as E = -1/2 V'JV - b'V + const, unit u = x n + i:
//   J[(x,i),(y,j)] = -2P [x = y] - 2P [i = j] - d_xy [j = i +- 1],   b = 4P,
// J's diagonal -4P the self-interaction of continuous units. For 0/1 units V^2 = V folds it into the
// bias: zero diagonal, b = 2P.
import type { UnitKind } from '../engine/ops/index.js';

export interface TspNetwork {
  cities: number;
  units: number;
  /** units x units f32, symmetric. */
  couplings: Float32Array;
  /** units f32. */
  bias: Float32Array;
  penalty: number;
}

/** The network of `n` cities with distances d (n x n, best scaled to at most about 1) and penalty P. */
export function tspNetwork(d: Float64Array, n: number, penalty: number, kind: 'continuous' | UnitKind = 'continuous'): TspNetwork {
  const units = n * n;
  const couplings = new Float32Array(units * units);
  for (let x = 0; x < n; x++) {
    for (let i = 0; i < n; i++) {
      const u = x * n + i;
      for (let y = 0; y < n; y++) {
        for (let j = 0; j < n; j++) {
          const v = y * n + j;
          const neighbour = j === (i + 1) % n || i === (j + 1) % n;
          let w = -2 * penalty * (+(x === y) + +(i === j));
          if (neighbour) w -= d[x * n + y];
          couplings[u * units + v] = w;
        }
      }
    }
  }
  const binary = kind !== 'continuous';
  if (binary) for (let u = 0; u < units; u++) couplings[u * units + u] = 0;
  return { cities: n, units, couplings, bias: new Float32Array(units).fill(binary ? 2 * penalty : 4 * penalty), penalty };
}

/** Whether a restart's n x n activities are a permutation matrix: one unit above 1/2 in every row and column. */
export function isPermutationMatrix(v: ArrayLike<number>, n: number, offset = 0): boolean {
  for (let a = 0; a < n; a++) {
    let row = 0, column = 0;
    for (let b = 0; b < n; b++) {
      row += +(v[offset + a * n + b] > 0.5);
      column += +(v[offset + b * n + a] > 0.5);
    }
    if (row !== 1 || column !== 1) return false;
  }
  return true;
}

/**
 * A tour from n x n activities: units taken in order of decreasing activity (ties by index), each
 * kept when its city and its position are both still free; the cities in position order. Always a
 * permutation, and the permutation itself when V is one.
 */
export function decodeTour(v: ArrayLike<number>, n: number, offset = 0): number[] {
  const units = Array.from({ length: n * n }, (_, u) => u).sort((a, b) => v[offset + b] - v[offset + a] || a - b);
  const cityAt = new Array<number>(n).fill(-1);
  const placed = new Uint8Array(n);
  for (const u of units) {
    const x = Math.floor(u / n), i = u % n;
    if (placed[x] || cityAt[i] >= 0) continue;
    placed[x] = 1;
    cityAt[i] = x;
  }
  return cityAt;
}
