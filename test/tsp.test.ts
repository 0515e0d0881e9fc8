// The travelling salesman (models/tsp.ts, tsp_cities.ts, tsp_energy.ts): cities, TSPLIB files,
// Held-Karp against brute force, the network energy of a tour, and both GPU solvers on small
// instances (valid permutations, optimal in most restarts), with bad input.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { checkCities, distances, heldKarp, isPermutation, parseTsplib, randomCities, tourLength } from '../models/tsp_cities.js';
import { decodeTour, isPermutationMatrix, tspNetwork } from '../models/tsp_energy.js';
import { solveTsp, validateTspOptions, type TspSolver } from '../models/tsp.js';
import { expectError } from './expect.js';
import { withGpu } from './gpu.js';

/** Every tour through city 0 by brute force: the shortest length. */
function bruteForce(d: Float64Array, n: number): number {
  let best = Infinity;
  const walk = (tour: number[], used: Set<number>) => {
    if (tour.length === n) return void (best = Math.min(best, tourLength(tour, d)));
    for (let c = 1; c < n; c++) if (!used.has(c)) walk([...tour, c], new Set([...used, c]));
  };
  walk([0], new Set([0]));
  return best;
}

// ---------------------------------------------------------------------------------------------
const host = suite('tsp cities, files, Held-Karp, energy (no GPU)');

host('Held-Karp equals brute force, and its tour has its length', () => {
  for (const [n, seed] of [[3, 1], [5, 2], [7, 3], [8, 4]]) {
    const d = distances(randomCities(n, seed));
    const exact = heldKarp(d, n);
    assert.ok(Math.abs(exact.length - bruteForce(d, n)) < 1e-12, `n=${n}`);
    assert.ok(isPermutation(exact.tour, n));
    assert.ok(Math.abs(tourLength(exact.tour, d) - exact.length) < 1e-12);
  }
  // A square: the perimeter.
  const square = { x: Float64Array.of(0, 1, 1, 0), y: Float64Array.of(0, 0, 1, 1) };
  assert.ok(Math.abs(heldKarp(distances(square), 4).length - 4) < 1e-12);
});

host('the network energy of a permutation matrix is its tour length (plus a constant)', () => {
  const n = 5;
  const d = distances(randomCities(n, 9));
  const net = tspNetwork(d, n, 1.3, 'binary');
  const units = n * n;
  const energyOf = (tour: number[]) => {
    const v = new Float64Array(units);
    tour.forEach((x, i) => (v[x * n + i] = 1));
    let e = 0;
    for (let a = 0; a < units; a++) {
      e -= net.bias[a] * v[a];
      for (let b = 0; b < units; b++) e -= 0.5 * net.couplings[a * units + b] * v[a] * v[b];
    }
    return e;
  };
  // E = P (2n - 2 * 2n ... ): the same constant for every tour, -2 P n.
  for (const tour of [[0, 1, 2, 3, 4], [2, 0, 4, 1, 3], [4, 3, 2, 1, 0]]) assert.ok(Math.abs(energyOf(tour) - (tourLength(tour, d) - 2 * 1.3 * n)) < 1e-4, tour.join());
  // A matrix with two cities in one position costs the penalty.
  assert.ok(isPermutationMatrix(Float64Array.from({ length: 9 }, (_, u) => +(u % 4 === 0)), 3));
  assert.not.ok(isPermutationMatrix(Float64Array.of(1, 0, 0, 1, 0, 0, 0, 0, 1), 3));
  assert.equal(decodeTour(Float64Array.of(0.9, 0.8, 0, 0.7, 0.6, 0, 0, 0, 0.1), 3), [0, 1, 2]);
});

host('TSPLIB files: coordinates, header checks, clear errors', () => {
  const text = 'NAME: tri\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 3 0\n3 0 4\nEOF\n';
  const c = parseTsplib(text, 'tri.tsp');
  assert.equal([...c.x], [0, 3, 0]);
  assert.is(c.name, 'tri');
  assert.is(heldKarp(distances(c), 3).length, 12);
  const bad: [string, RegExp][] = [
    [text.replace('DIMENSION: 3', 'DIMENSION: 4'), /DIMENSION is 4 but NODE_COORD_SECTION lists 3/],
    [text.replace('2 3 0', '2 3 nan'), /city 2 has coordinates \(3, nan\)/],
    [text.replace('EUC_2D', 'EXPLICIT'), /EDGE_WEIGHT_TYPE EXPLICIT is not supported/],
    ['NAME: x\n', /no NODE_COORD_SECTION/],
    ['NODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF', /2 cities; a tour needs at least 3/],
  ];
  for (const [t, message] of bad) assert.throws(() => parseTsplib(t, 'f.tsp'), (e: Error) => e instanceof InputError && message.test(e.message), String(message));
});

host('cities and options are checked: fewer than 3 cities, non-finite coordinates, bad options', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => randomCities(2, 1), /2 cities; a tour needs at least 3/],
    [() => checkCities({ x: Float64Array.of(0, 1, NaN), y: Float64Array.of(0, 1, 2) }), /city 3 has coordinates \(NaN, 2\)/],
    [() => checkCities({ x: Float64Array.of(0, 1, 2), y: Float64Array.of(0, Infinity, 2) }), /city 2 has coordinates \(1, Infinity\)/],
    [() => validateTspOptions({ solver: 'genetic' as TspSolver }), /solver 'genetic'/],
    [() => validateTspOptions({ restarts: 0 }), /restarts = 0/],
  ];
  for (const [work, message] of cases) assert.throws(work, (e: Error) => e instanceof InputError && message.test(e.message), String(message));
  const c = randomCities(5, 3);
  assert.equal([...c.x], [...randomCities(5, 3).x]);
  assert.ok([...c.x, ...c.y].every((v) => v >= 0 && v < 1));
});
host.run();

// ---------------------------------------------------------------------------------------------
const gpu = suite('tsp solvers on the GPU');

// Measured on SwiftShader, 32 restarts, optimal fraction per instance (n, seed): Hopfield-Tank is
// nearly deterministic (all or none: 1.00 at (6, 1), (6, 2), (6, 4), (7, 2); 0.00 at (6, 3), (7, 1));
// annealing reaches the optimum in its best restart on all twelve instances with n = 5..7, in
// 0.03..0.78 of its restarts.
gpu('both solvers: every restart a valid permutation, most restarts optimal (6 cities)', () =>
  withGpu(async (ctx) => {
    const cities = randomCities(6, 2);
    for (const solver of ['hopfield-tank', 'annealing'] as const) {
      const r = await solveTsp(ctx, cities, { solver, restarts: 32, seed: 2 });
      assert.is(r.lengths.length, 32);
      assert.ok(isPermutation(r.tour, 6), `${solver}: ${r.tour}`);
      assert.ok(r.optimal !== undefined && r.optimal.fraction > 0.5, `${solver}: optimal in ${r.optimal?.fraction} of restarts`);
      assert.ok(Math.abs(r.length - r.optimal!.length) < 1e-9, `${solver}: the best restart is optimal`);
      assert.ok(r.valid_fraction >= 0.9, `${solver}: valid ${r.valid_fraction}`);
    }
  }),
);

gpu('bad cities through the solver are InputErrors', () =>
  withGpu(async (ctx) => {
    await expectError(() => solveTsp(ctx, { x: Float64Array.of(0, 1), y: Float64Array.of(0, 1) }), InputError, '2 cities');
    await expectError(() => solveTsp(ctx, { x: Float64Array.of(0, 1, 2), y: Float64Array.of(0, NaN, 1) }), InputError, 'city 2', 'finite');
    await expectError(() => solveTsp(ctx, { x: Float64Array.of(1, 1, 1), y: Float64Array.of(2, 2, 2) }), InputError, 'same place');
  }),
);
gpu.run();
