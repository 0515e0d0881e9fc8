// The travelling salesman on neural networks of n x n units (models/tsp_energy.ts), on the GPU with
// many restarts in parallel:
// - 'hopfield-tank': continuous units V = 1 / (1 + exp(-2u / u0)) following du/dt = -u + JV + b
//   (Euler steps, a GEMM and three element-wise maps per step) on the network with the continuous
//   self-interaction, then a settling phase on the network without it, whose stable states are
//   permutation matrices;
// - 'annealing': a Boltzmann machine of 0/1 units, sequential Gibbs sweeps in a random order per
//   sweep (engine/ops/glauber.ts) while the temperature falls geometrically, at a low penalty that lets
//   tours change through invalid states, then sweeps at the full penalty and the final temperature.
// Distances are scaled to a largest distance of 1, so one penalty suits every instance. Each restart's
// tour is decoded from its final activities (decodeTour: always a permutation); a restart counts as
// valid when its activities are a permutation matrix.
import { InputError, KernelGraph, rngBits, RNG_PURPOSES, Schedule, type RunContext } from '../engine/index.js';
import { addBinary, addGemm, addGlauberSweep, addPermutation, addUnary } from '../engine/ops/index.js';
import { Owned } from './owned.js';
import { checkCities, distances, heldKarp, isPermutation, MAX_EXACT_CITIES, tourLength, type Cities } from './tsp_cities.js';
import { decodeTour, isPermutationMatrix, tspNetwork } from './tsp_energy.js';

export const TSP_SOLVERS = ['hopfield-tank', 'annealing'] as const;
export type TspSolver = (typeof TSP_SOLVERS)[number];


export interface TspOptions {
  /** Default 'annealing'. */
  solver?: TspSolver;
  /** Parallel restarts (default 64). */
  restarts?: number;
  seed?: number;
  /** Hopfield-Tank Euler steps, or annealing sweeps, of the first phase (defaults 800 and 300). */
  steps?: number;
}

/** Each solver's settings: penalties relative to the largest distance (1), the schedule. */
export const TSP_SETTINGS = {
  hopfieldTank: { penalty: 1, u0: 0.02, dt: 0.01, settleSteps: 200, noise: 0.5 },
  annealing: { penalty: 0.5, finalPenalty: 1, t0: 0.3, t1: 0.03, settleSweeps: 20 },
} as const;

/** The cities the largest number of units (n^2 x n^2 couplings) allows. */
export const MAX_TSP_CITIES = 64;

export interface TspResult {
  cities: number;
  solver: TspSolver;
  restarts: number;
  /** The shortest tour found (cities in visiting order) and its length. */
  tour: number[];
  length: number;
  /** Restarts whose final activities were a permutation matrix. */
  valid_fraction: number;
  /** Each restart's decoded tour length. */
  lengths: number[];
  /** For at most MAX_EXACT_CITIES cities: the optimum (Held-Karp) and the restarts that reached it. */
  optimal?: { length: number; tour: number[]; fraction: number };
  wall_ms: number;
}

/** Checks options (defaults filled in); every problem is an InputError naming the option. */
export function validateTspOptions(o: TspOptions): Required<TspOptions> {
  const solver = o.solver ?? 'annealing';
  if (!TSP_SOLVERS.includes(solver)) throw new InputError(`tsp: solver '${String(solver)}' is not one of ${TSP_SOLVERS.join(', ')}`);
  const restarts = o.restarts ?? 64;
  if (!(Number.isInteger(restarts) && restarts >= 1 && restarts <= 65536)) throw new InputError(`tsp: restarts = ${restarts} must be an integer in [1, 65536]`);
  const seed = o.seed ?? 1;
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new InputError(`tsp: seed = ${seed} must be an integer in [0, 2^32)`);
  const steps = o.steps ?? (solver === 'annealing' ? 300 : 800);
  if (!(Number.isInteger(steps) && steps >= 2)) throw new InputError(`tsp: steps = ${steps} must be an integer >= 2`);
  return { solver, restarts, seed, steps };
}

/**
 * Solves with `restarts` restarts on the GPU and decodes every restart's tour.
 *
 *   const r = await solveTsp(ctx, randomCities(20, 7), { solver: 'annealing', restarts: 64 });
 */
export async function solveTsp(ctx: RunContext, cities: Cities, options: TspOptions = {}): Promise<TspResult> {
  const o = validateTspOptions(options);
  const c = checkCities(cities);
  const n = c.x.length;
  if (n > MAX_TSP_CITIES) throw new InputError(`tsp: ${n} cities; the networks hold at most ${MAX_TSP_CITIES} (n^4 couplings)`);
  const d = distances(c);
  const largest = Math.max(...d);
  if (!(largest > 0)) throw new InputError('tsp: every city is at the same place');
  const scaled = d.map((v) => v / largest);
  const start = performance.now();
  const activities = o.solver === 'hopfield-tank' ? await hopfieldTank(ctx, scaled, n, o) : await annealing(ctx, scaled, n, o);
  const wall = performance.now() - start;
  const tours = Array.from({ length: o.restarts }, (_, r) => decodeTour(activities, n, r * n * n));
  const lengths = tours.map((t) => tourLength(t, d));
  const best = lengths.indexOf(Math.min(...lengths));
  const valid = tours.filter((_, r) => isPermutationMatrix(activities, n, r * n * n)).length;
  const result: TspResult = { cities: n, solver: o.solver, restarts: o.restarts, tour: tours[best], length: lengths[best], valid_fraction: valid / o.restarts, lengths, wall_ms: wall };
  if (!tours.every((t) => isPermutation(t, n))) throw new Error('tsp: a decoded tour is not a permutation');
  if (n <= MAX_EXACT_CITIES) {
    const exact = heldKarp(d, n);
    // Equal up to the rounding of summing the same distances in another order.
    const fraction = lengths.filter((l) => l <= exact.length * (1 + 1e-9)).length / o.restarts;
    result.optimal = { length: exact.length, tour: exact.tour, fraction };
  }
  return result;
}

/** The network's couplings and bias as tensors. */
async function networkTensors(ctx: RunContext, owned: Owned, d: Float64Array, n: number, penalty: number, kind: 'continuous' | 'binary', label: string) {
  const net = tspNetwork(d, n, penalty, kind);
  const units = n * n;
  return {
    couplings: await owned.add(ctx.pool.tensor(`tsp ${label} couplings`, 'f32', [units, units], { data: net.couplings })),
    bias: await owned.add(ctx.pool.tensor(`tsp ${label} bias`, 'f32', [units], { data: net.bias })),
  };
}

/** Uniform in [-1/2, 1/2) per unit of each restart: word 0 of Philox (seed, tspCities) at (1 + restart, unit, 0). */
function initialNoise(restarts: number, units: number, seed: number): Float32Array {
  return Float32Array.from({ length: restarts * units }, (_, e) => (rngBits(seed, RNG_PURPOSES.tspCities, 1 + Math.floor(e / units), e % units, 0)[0] >>> 8) / 2 ** 24 - 0.5);
}

async function hopfieldTank(ctx: RunContext, d: Float64Array, n: number, o: Required<TspOptions>): Promise<Float32Array> {
  const s = TSP_SETTINGS.hopfieldTank;
  const units = n * n;
  const owned = new Owned();
  try {
    // Every unit starts near V = 1/n (u = (u0 / 2) ln(1 / (n - 1))), with noise to tell restarts apart.
    const base = (s.u0 / 2) * Math.log(1 / (n - 1));
    const u = await owned.add(ctx.pool.tensor('tsp u', 'f32', [o.restarts, units], { data: initialNoise(o.restarts, units, o.seed).map((e) => base + s.noise * s.u0 * e) }));
    const v = await owned.add(ctx.pool.tensor('tsp V', 'f32', [o.restarts, units]));
    const field = await owned.add(ctx.pool.tensor('tsp field', 'f32', [o.restarts, units]));
    const phase = async (label: string, kind: 'continuous' | 'binary') => {
      const net = await networkTensors(ctx, owned, d, n, s.penalty, kind, label);
      const graph = new KernelGraph(`tsp.hopfield-tank.${label}`);
      // V = sigmoid(2 u / u0) = (1 + tanh(u / u0)) / 2; field = JV + b; u += dt (field - u).
      await owned.add(addUnary(graph, ctx, { op: 'scale', x: u, out: v, alpha: 2 / s.u0 }));
      await owned.add(addUnary(graph, ctx, { op: 'sigmoid', x: v, out: v }));
      await owned.add(addGemm(graph, ctx, { a: v, b: net.couplings, c: field, bias: net.bias, m: o.restarts, n: units, k: units }));
      await owned.add(addUnary(graph, ctx, { op: 'scale', x: u, out: u, alpha: 1 - s.dt }));
      await owned.add(addBinary(graph, ctx, { op: 'axpy', a: field, b: u, out: u, alpha: s.dt }));
      return graph;
    };
    await ctx.scheduler.run(await phase('descent', 'continuous'), { repeat: o.steps });
    const settle = await phase('settle', 'binary');
    await ctx.scheduler.run(settle, { repeat: s.settleSteps });
    // The activities of the final u.
    const last = new KernelGraph('tsp.hopfield-tank.activities');
    await owned.add(addUnary(last, ctx, { op: 'scale', x: u, out: v, alpha: 2 / s.u0 }));
    await owned.add(addUnary(last, ctx, { op: 'sigmoid', x: v, out: v }));
    await ctx.scheduler.run(last);
    return new Float32Array(await v.read());
  } finally {
    owned.release();
  }
}

async function annealing(ctx: RunContext, d: Float64Array, n: number, o: Required<TspOptions>): Promise<Float32Array> {
  const s = TSP_SETTINGS.annealing;
  const units = n * n;
  const owned = new Owned();
  try {
    const state = await owned.add(ctx.pool.tensor('tsp states', 'f32', [o.restarts, units]));
    const fields = await owned.add(ctx.pool.tensor('tsp fields', 'f32', [o.restarts, units]));
    const order = await owned.add(ctx.pool.tensor('tsp order', 'u32', [units]));
    const progress = { flags: await owned.add(ctx.pool.tensor('tsp flags', 'u32', [o.restarts, 2])), status: await owned.add(ctx.pool.tensor('tsp status', 'u32', [o.restarts, 3])) };
    const chains = { chains: o.restarts, units, kind: 'binary' as const, state, fields };
    // T(t) = t0 (t1 / t0)^(t / (steps - 1)), then t1 while settling.
    const cooling = await owned.add(Schedule.create(ctx, { kind: 'exponential', initial: s.t0, gamma: (s.t1 / s.t0) ** (1 / (o.steps - 1)) }));
    const cold = await owned.add(Schedule.create(ctx, { kind: 'constant', value: s.t1 }));
    const phase = async (label: string, penalty: number, temperature: Schedule, call: number): Promise<[KernelGraph, KernelGraph]> => {
      const net = await networkTensors(ctx, owned, d, n, penalty, 'binary', label);
      const start = new KernelGraph(`tsp.annealing.${label}.fields`);
      await owned.add(addGemm(start, ctx, { a: state, b: net.couplings, c: fields, bias: net.bias, m: o.restarts, n: units, k: units }));
      const sweeps = new KernelGraph(`tsp.annealing.${label}`);
      await owned.add(addPermutation(sweeps, ctx, { output: order, n: units, seed: o.seed, epoch: call === 0 ? 0 : o.steps }));
      const rule = { kind: 'float' as const, gain: 1, temperature };
      await owned.add(addGlauberSweep(sweeps, ctx, { ...chains, couplings: net.couplings, order, orderLength: units, rule, stream: { seed: o.seed, step: 0, call }, progress }));
      return [start, sweeps];
    };
    for (const [graphs, repeat] of [
      [await phase('cooling', s.penalty, cooling, 0), o.steps],
      [await phase('settle', s.finalPenalty, cold, 1), s.settleSweeps],
    ] as const) {
      await ctx.scheduler.run(graphs[0]);
      await ctx.scheduler.run(graphs[1], { repeat });
    }
    return new Float32Array(await state.read());
  } finally {
    owned.release();
  }
}
