// The 2D Ising model (square L x L lattice, periodic, coupling J, field h, temperature T, spins +-1)
// as kernel graphs: init, then sweeps (two half-sweeps, one per checkerboard colour), each optionally
// followed by a measurement that adds the sweep's bond and spin counts into a series on the GPU.
// Only that series comes back; statistics are computed from it on the host (models/stats.ts).
import { InputError, KernelGraph, linearGrid, type Kernel, type Tensor, type RunStats, type RunContext } from '../engine/index.js';
import { cachedKernel } from '../engine/kernel.js';
import { library } from '../engine/library.js';
import { sharedUniformWords } from '../engine/uniforms.js';
import { flipRule, ISING_ALGORITHMS, type FlipRule, type IsingAlgorithm } from './ising_rule.js';
import { checkOptions, real, SEED, whole } from './options.js';
import { binnedMean, jackknife } from './stats.js';

export interface IsingConfig {
  size: number;
  temperature: number;
  coupling?: number;
  field?: number;
  algorithm: IsingAlgorithm;
  seed: number;
  /** Start from all +1 (true) or random spins (false). Default: cold below Tc*|J|, hot above. */
  cold?: boolean;
}

/** Critical temperature of the square lattice for J = 1 (Onsager): 2 / ln(1 + sqrt 2). */
export const ISING_TC = 2 / Math.log(1 + Math.SQRT2);

const WORKGROUP = 64;

/** 2 L^2 (the most anti-aligned bonds a sweep can count) must fit the measure kernels' u32 sums. */
export const MAX_ISING_SIZE = 46340;

/** Storage layout of an algorithm at size L: 'sites' (u32 per site) or 'packed' (32 spins per word). */
export function isingLayout(algorithm: IsingAlgorithm, size: number) {
  if (algorithm === 'multispin') {
    const wordsPerRow = size / 64;
    return { kind: 'packed' as const, rowUnits: wordsPerRow, words: 2 * size * wordsPerRow, file: 'ising_multispin.wgsl' };
  }
  return { kind: 'sites' as const, rowUnits: Math.ceil(size / 8), words: size * size, file: 'ising_checkerboard.wgsl' };
}

/** The configuration's rules: kinds, ranges and defaults (the CLI's flags are made from them). */
export const ISING_CONFIG = {
  size: whole({ positive: true }),
  temperature: real({ min: 0, minOpen: true }),
  coupling: real({ default: 1, text: 'be finite' }),
  field: real({ default: 0, text: 'be finite' }),
  seed: SEED,
} as const;

/** Checks a configuration; every problem is an InputError that names the parameter. */
export function validateIsingConfig(c: IsingConfig): Required<IsingConfig> {
  if (!ISING_ALGORITHMS.includes(c.algorithm)) throw new InputError(`unknown algorithm '${c.algorithm}'; use one of ${ISING_ALGORITHMS.join(', ')}`);
  const { size, temperature, coupling, field, seed } = checkOptions(ISING_CONFIG, c, '');
  if (c.algorithm === 'multispin' && size % 64 !== 0) {
    throw new InputError(`size ${size}: the multispin layout packs L/2 sites of a row into 32-bit words with a stride, so L must be a multiple of 64`);
  }
  if (size > MAX_ISING_SIZE) {
    throw new InputError(`size ${size}: the measurement counts up to 2 L^2 anti-aligned bonds in a u32, so L must be at most ${MAX_ISING_SIZE}`);
  }
  if (c.algorithm !== 'multispin' && (size < 2 || size % 2 !== 0)) {
    throw new InputError(`size ${size}: checkerboard updates need an even size >= 2 (the periodic lattice must be bipartite)`);
  }
  const cold = c.cold ?? temperature < ISING_TC * Math.abs(coupling);
  return { ...c, size, temperature, coupling, field, seed, cold };
}

/** Slots of each array of IsingParams (array<vec4u, 3>): the flip rule's classes and groups, zero-padded. */
const PARAM_SLOTS = 12;

const slots = (values: ArrayLike<number>): number[] => Array.from({ length: PARAM_SLOTS }, (_, i) => values[i] ?? 0);

/** The IsingParams uniform (shaders/ising_common.wgsl) that every kernel of a chain binds as 'params'. */
function isingParamsWords(kernels: IsingKernels, config: Required<IsingConfig>, rule: FlipRule, sampleBase: number): Uint32Array {
  return sharedUniformWords([kernels.init, ...kernels.sweep, kernels.measure], 'params', {
    size: config.size,
    row_units: isingLayout(config.algorithm, config.size).rowUnits,
    seed: config.seed,
    always: rule.always,
    group_count: rule.groups.length,
    sample_base: sampleBase,
    cold: config.cold ? 1 : 0,
    thr: slots(rule.threshold),
    group_thr: slots(rule.groups.map((g) => g.threshold)),
    group_classes: slots(rule.groups.map((g) => g.classes)),
  });
}

/** Unpacks the multispin layout (shaders/ising_multispin.wgsl) into one 0/1 byte per site, row-major. */
export function packedToSites(words: Uint32Array, size: number): Uint8Array {
  const W = size / 64;
  const sites = new Uint8Array(size * size);
  for (let colour = 0; colour < 2; colour++) {
    for (let y = 0; y < size; y++) {
      for (let k = 0; k < size / 2; k++) {
        const word = words[colour * size * W + y * W + (k % W)];
        const x = 2 * k + ((y + colour) & 1);
        sites[y * size + x] = (word >>> Math.floor(k / W)) & 1;
      }
    }
  }
  return sites;
}

export interface IsingMeasurement {
  samples: number;
  energy_per_site: number;
  energy_err: number;
  magnetization_abs: number;
  magnetization_abs_err: number;
  m2: number;
  m4: number;
  binder: number;
  binder_err: number;
  /** Integrated autocorrelation time of the energy, in sweeps. */
  energy_tau: number;
}

/** Observables from the GPU series (anti-aligned bonds, +1 spins per sweep). */
export function isingStatistics(series: Uint32Array, size: number, coupling: number, field: number): IsingMeasurement {
  const n = series.length / 2;
  const sites = size * size;
  const e = new Float64Array(n), mAbs = new Float64Array(n), m2 = new Float64Array(n), m4 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const anti = series[2 * i], up = series[2 * i + 1];
    const magnetization = (2 * up - sites) / sites;
    // 2N bonds: aligned minus anti-aligned = 2N - 2*anti.
    e[i] = (-coupling * (2 * sites - 2 * anti) - field * (2 * up - sites)) / sites;
    mAbs[i] = Math.abs(magnetization);
    m2[i] = magnetization ** 2;
    m4[i] = magnetization ** 4;
  }
  const energy = binnedMean(e);
  const mag = binnedMean(mAbs);
  const binder = jackknife([m2, m4], ([a, b]) => 1 - b / (3 * a * a));
  return {
    samples: n,
    energy_per_site: energy.mean,
    energy_err: energy.error,
    magnetization_abs: mag.mean,
    magnetization_abs_err: mag.error,
    m2: binnedMean(m2).mean,
    m4: binnedMean(m4).mean,
    binder: binder.value,
    binder_err: binder.error,
    energy_tau: energy.tau,
  };
}

interface IsingKernels {
  init: Kernel;
  sweep: [Kernel, Kernel];
  measure: Kernel;
}

/** The largest number of threshold groups the multispin kernel has slots for (Metropolis needs at most 5). */
export const MULTISPIN_MAX_GROUPS = 5;

/** Kernels of a layout; multispin sweeps are compiled per number of threshold groups (an override). */
function isingKernels(file: string, rule: FlipRule): IsingKernels {
  const packed = file === 'ising_multispin.wgsl';
  const groups = Math.max(1, rule.groups.length);
  if (packed && groups > MULTISPIN_MAX_GROUPS) throw new InputError(`multispin: the flip rule has ${groups} threshold groups; the kernel holds ${MULTISPIN_MAX_GROUPS}`);
  const family = file.replace('.wgsl', '').replace('ising_', '');
  // Each colour's sweep gets its own name so that profiles tell them apart.
  const define = (entry: string, overrides: Record<string, number>, suffix = '') =>
    cachedKernel(library, { name: `ising.${family}.${entry}${suffix}`, file, entry, overrides });
  const sweep = (colour: number) => define('sweep', { WG: WORKGROUP, COLOUR: colour, ...(packed ? { GROUPS: groups } : {}) }, `.colour${colour}`);
  return { init: define('init', { WG: WORKGROUP }), sweep: [sweep(0), sweep(1)], measure: define('measure', { WG: WORKGROUP }) };
}


/**
 * A Markov chain of one lattice on the GPU.
 *
 *   const chain = await IsingChain.create(ctx, { size: 64, temperature: 2.3, algorithm: 'heatbath', seed: 1 });
 *   await chain.sweep(1000);                 // burn-in
 *   const m = await chain.measure(10000);    // statistics of 10000 measured sweeps
 *   chain.release();
 */
export class IsingChain {
  private sweepsDone = 0;
  private rule: FlipRule;

  private constructor(
    private ctx: RunContext,
    readonly config: Required<IsingConfig>,
    private params: Tensor,
    readonly spins: Tensor,
  ) {
    this.rule = flipRule(config.algorithm, config.temperature, config.coupling, config.field);
  }

  private get kernels(): IsingKernels {
    return isingKernels(this.layout.file, this.rule);
  }

  static async create(ctx: RunContext, input: IsingConfig): Promise<IsingChain> {
    const config = validateIsingConfig(input);
    const layout = isingLayout(config.algorithm, config.size);
    const rule = flipRule(config.algorithm, config.temperature, config.coupling, config.field);
    const params = await ctx.pool.uniform('ising.params', isingParamsWords(isingKernels(layout.file, rule), config, rule, 0));
    let spins: Tensor | null = null;
    try {
      spins = await ctx.pool.tensor('ising.spins', 'u32', [layout.words]);
      const chain = new IsingChain(ctx, config, params, spins);
      const init = new KernelGraph('ising.init').add(chain.kernels.init, { params, spins }, linearGrid(ctx.gpu, layout.words, WORKGROUP));
      await ctx.scheduler.run(init);
      return chain;
    } catch (e) {
      params.release();
      spins?.release();
      throw e;
    }
  }

  /** Sweeps done so far; the RNG step of the next half-sweep is 2 * iteration + colour. */
  get iteration(): number {
    return this.sweepsDone;
  }

  get layout() {
    return isingLayout(this.config.algorithm, this.config.size);
  }

  private sweepInvocations(): number {
    return this.config.size * this.layout.rowUnits;
  }

  private measureInvocations(): number {
    const L = this.config.size;
    return this.layout.kind === 'packed' ? L * this.layout.rowUnits : L * Math.ceil(L / 32);
  }

  /** The sweep-only graph, kept so that its bind groups are made once (rebuilt when the kernels change). */
  private sweepGraph: { kernels: IsingKernels; graph: KernelGraph } | null = null;

  private graph(series: Tensor | null): KernelGraph {
    const kernels = this.kernels;
    if (!series && this.sweepGraph?.kernels.sweep[0] === kernels.sweep[0]) return this.sweepGraph.graph;
    const graph = this.buildGraph(kernels, series);
    if (!series) this.sweepGraph = { kernels, graph };
    return graph;
  }

  private buildGraph(kernels: IsingKernels, series: Tensor | null): KernelGraph {
    const g = new KernelGraph(series ? 'ising.sweep+measure' : 'ising.sweep');
    const grid = linearGrid(this.ctx.gpu, this.sweepInvocations(), WORKGROUP);
    // The iteration uniform is bound by the scheduler; series only by the measuring graph.
    const bindings = { params: this.params, spins: this.spins };
    for (const k of kernels.sweep) g.add(k, bindings, grid);
    if (series) g.add(kernels.measure, { ...bindings, series }, linearGrid(this.ctx.gpu, this.measureInvocations(), WORKGROUP));
    return g;
  }

  /** Changes the temperature (and so the flip table) from the next sweep on. */
  async setTemperature(temperature: number): Promise<void> {
    this.config.temperature = validateIsingConfig({ ...this.config, temperature }).temperature;
    this.rule = flipRule(this.config.algorithm, temperature, this.config.coupling, this.config.field);
    await this.params.write(isingParamsWords(this.kernels, this.config, this.rule, 0));
  }

  /** Runs `count` sweeps without measuring (burn-in, or a demo's animation). */
  async sweep(count: number, onProgress?: (done: number, total: number) => void): Promise<RunStats> {
    const stats = await this.ctx.scheduler.run(this.graph(null), { repeat: count, firstIteration: this.iteration, onProgress });
    this.sweepsDone += count;
    return stats;
  }

  /** Runs `count` measured sweeps and returns the raw series: [anti-aligned bonds, +1 spins] per sweep. */
  async measureSeries(count: number, onProgress?: (done: number, total: number) => void): Promise<{ series: Uint32Array; stats: RunStats }> {
    const series = await this.ctx.pool.tensor('ising.series', 'u32', [2 * count]);
    try {
      await this.params.write(isingParamsWords(this.kernels, this.config, this.rule, this.iteration));
      const stats = await this.ctx.scheduler.run(this.graph(series), { repeat: count, firstIteration: this.iteration, onProgress });
      this.sweepsDone += count;
      return { series: new Uint32Array(await series.read()), stats };
    } finally {
      series.release();
    }
  }

  /** Runs `count` measured sweeps and returns their statistics. */
  async measure(count: number, onProgress?: (done: number, total: number) => void): Promise<IsingMeasurement & { stats: RunStats }> {
    const { series, stats } = await this.measureSeries(count, onProgress);
    return { ...isingStatistics(series, this.config.size, this.config.coupling, this.config.field), stats };
  }

  /** The lattice as one 0/1 byte per site (1 = spin +1), row-major. */
  async readSites(): Promise<Uint8Array> {
    const words = await this.readWords();
    return this.layout.kind === 'packed' ? packedToSites(words, this.config.size) : Uint8Array.from(words);
  }

  /** The lattice in its storage layout: with `iteration`, all a checkpoint needs (the RNG is counter-based). */
  async readWords(): Promise<Uint32Array> {
    return new Uint32Array(await this.spins.read());
  }

  /** Puts back a lattice saved by readWords() and the iteration it was saved at. */
  async restore(words: Uint32Array, iteration: number): Promise<void> {
    if (words.length !== this.layout.words) {
      throw new InputError(`ising restore: ${words.length} words, but L=${this.config.size} ${this.config.algorithm} needs ${this.layout.words}`);
    }
    if (!Number.isInteger(iteration) || iteration < 0) throw new InputError(`ising restore: iteration must be a non-negative integer, got ${iteration}`);
    await this.spins.write(words);
    this.sweepsDone = iteration;
  }

  release(): void {
    this.params.release();
    this.spins.release();
  }
}
