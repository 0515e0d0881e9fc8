// The binary Hopfield network (the seeds: +-1 units, symmetric weights, no self-connections, x_i = +1
// when its activation a_i = sum_j w_ij x_j >= 0, else -1) as an associative memory on the GPU.
//
// Storage: the Hebbian rule W = (1/N) sum_mu xi^mu xi^mu' with a zero diagonal, or the projection
// (pseudo-inverse) rule W = Xi' (Xi Xi')^-1 Xi, under which every stored pattern is a fixed point.
// The Hebbian couplings are held as the integers J = N W (with J_ii = P: the plain sum of outer
// products, the diagonal left out of every unit's field by the Glauber ops), so that fields are
// exact integers: as f32 (exact below 2^24) and as XNOR bit planes (engine/ops/xnor_planes.ts), and
// the two give identical states.
//
// Recall runs many probes as one batch (chains of engine/ops/glauber.ts): synchronous steps (every
// unit from the fields of the state before), random disjoint blocks per step, or random sequential
// order (asynchronous: one unit at a time, a fresh permutation per sweep), at temperature T = 0 (the
// sign rule) or T > 0 (Glauber: x_i = +1 with probability 1 / (1 + exp(-2 a_i / T))). The energy
// E = -1/2 x'Wx of every probe is recorded after every step, and a probe stops at a fixed point or
// (synchronous) a 2-cycle, which is reported.
import { InputError, KernelGraph, Schedule, type Tensor, type RunContext } from '../engine/index.js';
import { addEncodePlanes, addGemm, addGlauberSummary, addGlauberSweep, addGlauberUpdate, addPackBits, addPermutation, addXnorPlanesGemm, addBinary, addReduce, glauberThresholds, planeCode, type GlauberRule, type PlaneCode } from '../engine/ops/index.js';
import { GLAUBER_STATUS } from '../engine/ops/glauber.js';
import { checkPatterns } from './hopfield_patterns.js';
import { building, Owned, type Releasable } from './owned.js';
import { invertSymmetric } from './linalg.js';

export const HOPFIELD_RULES = ['hebbian', 'projection'] as const;
export type HopfieldRule = (typeof HOPFIELD_RULES)[number];
/** How fields are computed: XNOR-popcount on bit-packed states (Hebbian), or an f32 GEMM. */
export const HOPFIELD_PATHS = ['xnor', 'f32'] as const;
export type HopfieldPath = (typeof HOPFIELD_PATHS)[number];
export const HOPFIELD_UPDATES = ['synchronous', 'blocks', 'sequential'] as const;
export type HopfieldUpdate = (typeof HOPFIELD_UPDATES)[number];

/** Fields must stay exact integers in f32: P N below 2^24 for Hebbian couplings. */
export const MAX_HEBBIAN_FIELD = 2 ** 24;


export interface HopfieldStore {
  /** count x units +-1 values, pattern after pattern. */
  patterns: ArrayLike<number>;
  units: number;
  /** Default 'hebbian'. */
  rule?: HopfieldRule;
}

export interface RecallOptions {
  /** Default 'sequential' (random order, a fresh permutation per sweep). */
  update?: HopfieldUpdate;
  /** Blocks per sweep for update 'blocks' (default 8, at most the units). */
  blocks?: number;
  /** Default 0: the sign rule; T > 0: Glauber dynamics, no fixed points sought. */
  temperature?: number;
  /** Keys the orders and the Glauber decisions. Default 1. */
  seed?: number;
  /** The most steps: synchronous updates, block updates, or sequential sweeps (default 100). */
  steps?: number;
  /** Default 'xnor' for Hebbian couplings, 'f32' for the projection rule (which has no integer form). */
  path?: HopfieldPath;
  /** Also return the states after every step (one submit per step: small batches). */
  record?: boolean;
}

export type ProbeOutcome = { status: 'fixed' | 'cycle' | 'running'; /** The first step of the fixed point or the 2-cycle; the steps run while running. */ step: number };

export interface HopfieldRecall {
  /** probes x units final states. */
  states: Int8Array;
  /** Steps run. */
  steps: number;
  /** (steps + 1) x probes: slot t is each probe's energy -1/2 x'Wx after t steps. */
  energies: Float32Array;
  outcomes: ProbeOutcome[];
  /** With record: the states after 0, 1, .., steps steps. */
  history?: Int8Array[];
  /** GPU wall time of the steps (readbacks of the status between chunks included). */
  wallMs: number;
}

/** Checks recall options (defaults filled in); every problem is an InputError naming the option. */
export function validateRecallOptions(o: RecallOptions, units: number, rule: HopfieldRule): Required<RecallOptions> {
  const update = o.update ?? 'sequential';
  if (!HOPFIELD_UPDATES.includes(update)) throw new InputError(`hopfield recall: update '${String(update)}' is not one of ${HOPFIELD_UPDATES.join(', ')}`);
  const blocks = update === 'blocks' ? o.blocks ?? Math.min(8, units) : 1;
  if (!(Number.isInteger(blocks) && blocks >= 1 && blocks <= units)) throw new InputError(`hopfield recall: blocks = ${blocks} must be an integer in [1, units = ${units}]`);
  const temperature = o.temperature ?? 0;
  if (!(Number.isFinite(temperature) && temperature >= 0)) throw new InputError(`hopfield recall: temperature = ${temperature} must be a number >= 0`);
  const seed = o.seed ?? 1;
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new InputError(`hopfield recall: seed = ${seed} must be an integer in [0, 2^32)`);
  const steps = o.steps ?? 100;
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= 2 ** 20)) throw new InputError(`hopfield recall: steps = ${steps} must be an integer in [1, 2^20]`);
  const path = o.path ?? (rule === 'hebbian' ? 'xnor' : 'f32');
  if (!HOPFIELD_PATHS.includes(path)) throw new InputError(`hopfield recall: path '${String(path)}' is not one of ${HOPFIELD_PATHS.join(', ')}`);
  if (path === 'xnor' && rule !== 'hebbian') throw new InputError(`hopfield recall: the xnor path needs integer (Hebbian) couplings; the ${rule} rule's are real numbers: use path 'f32'`);
  return { update, blocks, temperature, seed, steps, path, record: !!o.record };
}

/**
 * A Hopfield network's couplings on the GPU.
 *
 *   const net = await HopfieldNetwork.store(ctx, { patterns: xi, units: 1000 });
 *   const r = await net.recall(noisy, { update: 'sequential', seed: 3 });
 *   net.release();
 */
export class HopfieldNetwork implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    readonly units: number,
    readonly count: number,
    readonly rule: HopfieldRule,
    /** units x units f32: J = N W (Hebbian, diagonal P) or W (projection, its diagonal kept). */
    readonly couplings: Tensor,
    /** units f32: the couplings' diagonal, which no unit's field includes. */
    readonly diag: Tensor,
    /** Hebbian: J as XNOR bit planes, and their code. */
    readonly planes: { tensor: Tensor; code: PlaneCode } | null,
  ) {}

  /** The energy scale: E = -1/2 x'Wx with W = couplings * scale. */
  get scale(): number {
    return this.rule === 'hebbian' ? 1 / this.units : 1;
  }

  /** Stores patterns by the Hebbian or the projection rule (checked first: whole patterns of +-1). */
  static async store(ctx: RunContext, s: HopfieldStore): Promise<HopfieldNetwork> {
    const rule = s.rule ?? 'hebbian';
    if (!HOPFIELD_RULES.includes(rule)) throw new InputError(`hopfield: rule '${String(rule)}' is not one of ${HOPFIELD_RULES.join(', ')}`);
    const xi = checkPatterns(s.patterns, s.units);
    const n = s.units;
    const p = xi.length / n;
    if (rule === 'hebbian' && p * n >= MAX_HEBBIAN_FIELD) {
      throw new InputError(`hopfield: ${p} patterns x ${n} units = ${p * n} reaches 2^24: the integer fields would not be exact in f32`);
    }
    if (rule === 'projection' && p > n) throw new InputError(`hopfield: the projection rule stores at most as many patterns as units (${n}); got ${p}`);
    const owned = new Owned();
    try {
      const patterns = await ctx.pool.tensor('hopfield patterns', 'f32', [p, n], { data: Float32Array.from(xi) });
      try {
        const made = rule === 'hebbian' ? await storeHebbian(ctx, owned, patterns, p, n) : await storeProjection(ctx, owned, patterns, p, n);
        return new HopfieldNetwork(ctx, owned, n, p, rule, made.couplings, made.diag, made.planes);
      } finally {
        patterns.release();
      }
    } catch (e) {
      owned.release();
      throw e;
    }
  }

  /**
   * Recalls a batch of probes (probes x units +-1 values) until every probe reached a fixed point
   * or a 2-cycle (T = 0), or for `steps` steps.
   */
  async recall(probes: ArrayLike<number>, options: RecallOptions = {}): Promise<HopfieldRecall> {
    const o = validateRecallOptions(options, this.units, this.rule);
    const x = checkPatterns(probes, this.units, 'probes');
    const run = await RecallRun.create(this.ctx, this, x, o);
    try {
      return await run.toEnd();
    } finally {
      run.release();
    }
  }

  /** Prepares a recall without running it (benchmarks time its steps). */
  prepare(probes: ArrayLike<number>, options: RecallOptions = {}): Promise<RecallRun> {
    const o = validateRecallOptions(options, this.units, this.rule);
    return RecallRun.create(this.ctx, this, checkPatterns(probes, this.units, 'probes'), o);
  }

  release(): void {
    this.owned.release();
  }
}

/** J = Xi' Xi (integers, diagonal P) by a GEMM, and its bit planes. */
async function storeHebbian(ctx: RunContext, owned: Owned, patterns: Tensor, p: number, n: number) {
  const couplings = await owned.add(ctx.pool.tensor('hopfield couplings (N W)', 'f32', [n, n]));
  const diag = await owned.add(ctx.pool.tensor('hopfield diagonal', 'f32', [n], { data: new Float32Array(n).fill(p) }));
  const code = planeCode(p, p % 2 ? 'odd' : 'even');
  const planes = await owned.add(ctx.pool.tensor('hopfield planes', 'bits', [code.planes * n, n]));
  const graph = new KernelGraph('hopfield.store');
  const ops = new Owned();
  try {
    await ops.add(addGemm(graph, ctx, { a: patterns, b: patterns, c: couplings, m: n, n, k: p, transA: true }));
    await ops.add(addEncodePlanes(graph, ctx, { input: couplings, output: planes, rows: n, cols: n, code }));
    await ctx.scheduler.run(graph);
  } finally {
    ops.release();
  }
  return { couplings, diag, planes: { tensor: planes, code } };
}

/** W = Xi' G^-1 Xi with the Gram matrix G = Xi Xi' inverted on the host in float64. */
async function storeProjection(ctx: RunContext, owned: Owned, patterns: Tensor, p: number, n: number) {
  const ops = new Owned();
  try {
    // 1. G = Xi Xi' (integers, exact in f32).
    const gram = await ops.add(ctx.pool.tensor('hopfield gram', 'f32', [p, p]));
    const g1 = new KernelGraph('hopfield.gram');
    await ops.add(addGemm(g1, ctx, { a: patterns, b: patterns, c: gram, m: p, n: p, k: n, transB: true }));
    await ctx.scheduler.run(g1);
    const inverse = invertSymmetric(Float64Array.from(new Float32Array(await gram.read())), p);
    if (!inverse) throw new InputError(`hopfield: the ${p} patterns are linearly dependent; the projection rule needs independent patterns`);
    // 2. T = G^-1 Xi, W = Xi' T, diag(W)_i = sum_mu xi_mu,i T_mu,i.
    const k = await ops.add(ctx.pool.tensor('hopfield gram inverse', 'f32', [p, p], { data: Float32Array.from(inverse) }));
    const t = await ops.add(ctx.pool.tensor('hopfield G^-1 Xi', 'f32', [p, n]));
    const product = await ops.add(ctx.pool.tensor('hopfield Xi * T', 'f32', [p, n]));
    const couplings = await owned.add(ctx.pool.tensor('hopfield couplings (W)', 'f32', [n, n]));
    const diag = await owned.add(ctx.pool.tensor('hopfield diagonal', 'f32', [n]));
    const g2 = new KernelGraph('hopfield.projection');
    await ops.add(addGemm(g2, ctx, { a: k, b: patterns, c: t, m: p, n, k: p }));
    await ops.add(addGemm(g2, ctx, { a: patterns, b: t, c: couplings, m: n, n, k: p, transA: true }));
    await ops.add(addBinary(g2, ctx, { op: 'mul', a: patterns, b: t, out: product }));
    await ops.add(addReduce(g2, ctx, { op: 'sum', per: 'column', x: product, out: diag }));
    await ctx.scheduler.run(g2);
    return { couplings, diag, planes: null };
  } finally {
    ops.release();
  }
}

/** Steps per submit between status checks: from 1, doubling up to this (a readback of probes x 3 words each). */
const MAX_CHUNK = 64;

/** One batch of probes under recall: its tensors and graphs, run step by step or to the end. */
export class RecallRun implements Releasable {
  private stepsDone = 0;
  private wallMs = 0;

  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    readonly probes: number,
    readonly units: number,
    readonly options: Required<RecallOptions>,
    readonly state: Tensor,
    private readonly status: Tensor,
    private readonly energies: Tensor,
    /** The step graph (sync, blocks: fields, observation, update; sequential: a sweep and its observation). */
    readonly stepGraph: KernelGraph,
    /** Fields and an observation: the initial one (sequential), the final one (sync, blocks). */
    private readonly observeGraph: KernelGraph,
  ) {}

  static async create(ctx: RunContext, net: HopfieldNetwork, x: Int8Array, o: Required<RecallOptions>): Promise<RecallRun> {
    const n = net.units;
    const b = x.length / n;
    if (b * n >= 2 ** 32) throw new InputError(`hopfield recall: ${b} probes x ${n} units exceed 2^32`);
    return building(async (owned) => {
      const tensor = (label: string, dtype: 'f32' | 'u32' | 'i32' | 'bits', shape: number[], data?: ArrayBufferView) => owned.add(ctx.pool.tensor(`hopfield ${label}`, dtype, shape, data ? { data } : {}));
      const initial = Float32Array.from(x);
      const state = await tensor('state', 'f32', [b, n], initial);
      const fields = await tensor('fields', 'f32', [b, n]);
      const order = await tensor('order', 'u32', [n], Uint32Array.from({ length: n }, (_, i) => i));
      const progress = { flags: await tensor('flags', 'u32', [b, 2]), status: await tensor('status', 'u32', [b, 3]) };
      const slots = o.steps + 1;
      const energies = await tensor('energies', 'f32', [slots, b]);
      const chains = { chains: b, units: n, state, fields, diag: net.diag };
      const rule = await glauberRule(ctx, owned, net, o.temperature);
      const stream = { seed: o.seed, step: 0 };
      const detect = o.temperature > 0 ? 'none' : o.update === 'synchronous' ? 'cycles' : 'fixed';
      const summary = { ...chains, progress, energies, slots, energyScale: net.scale, detect, blocks: o.blocks } as const;

      // The fields of the current state: XNOR planes on the packed state, or the f32 GEMM.
      const xnor =
        o.path === 'xnor'
          ? { planes: net.planes!, bits: await tensor('state bits', 'bits', [b, n]), products: await tensor('plane products', 'i32', [b, net.planes!.code.planes * n]) }
          : null;
      const addFields = async (graph: KernelGraph) => {
        if (xnor) {
          await owned.add(addPackBits(graph, ctx, { input: state, output: xnor.bits, rows: b, cols: n }));
          await owned.add(addXnorPlanesGemm(graph, ctx, { a: xnor.bits, planes: xnor.planes.tensor, code: xnor.planes.code, products: xnor.products, c: fields, m: b, n, k: n }));
        } else {
          await owned.add(addGemm(graph, ctx, { a: state, b: net.couplings, c: fields, m: b, n, k: n }));
        }
      };
      const observe = new KernelGraph('hopfield.observe');
      await addFields(observe);
      await owned.add(addGlauberSummary(observe, ctx, summary));

      const step = new KernelGraph(`hopfield.${o.update}`);
      if (o.update !== 'synchronous') await owned.add(addPermutation(step, ctx, { output: order, n, seed: o.seed, epoch: 0, epochLength: o.blocks }));
      if (o.update === 'sequential') {
        await owned.add(addGlauberSweep(step, ctx, { ...chains, couplings: net.couplings, order, orderLength: n, rule, stream, progress }));
        await owned.add(addGlauberSummary(step, ctx, { ...summary, slotOffset: 1 }));
      } else {
        const previous = o.update === 'synchronous' ? await tensor('previous', 'f32', [b, n], initial) : undefined;
        await addFields(step);
        await owned.add(addGlauberSummary(step, ctx, summary));
        await owned.add(addGlauberUpdate(step, ctx, { ...chains, order, orderLength: n, blocks: o.blocks, rule, stream, progress, previous }));
      }
      return new RecallRun(ctx, owned, b, n, o, state, progress.status, energies, step, observe);
    });
  }

  get steps(): number {
    return this.stepsDone;
  }

  /** Runs `count` more steps (no status check). */
  async run(count: number): Promise<number> {
    if (this.stepsDone === 0 && this.options.update === 'sequential') await this.ctx.scheduler.run(this.observeGraph);
    const stats = await this.ctx.scheduler.run(this.stepGraph, { repeat: count, firstIteration: this.stepsDone });
    this.stepsDone += count;
    this.wallMs += stats.wallMs;
    return stats.wallMs;
  }

  /** Each probe's outcome so far. */
  async outcomes(): Promise<ProbeOutcome[]> {
    const words = new Uint32Array(await this.status.read());
    return Array.from({ length: this.probes }, (_, c) => {
      const code = words[3 * c];
      if (code === GLAUBER_STATUS.fixed) return { status: 'fixed' as const, step: words[3 * c + 1] };
      if (code === GLAUBER_STATUS.cycle) return { status: 'cycle' as const, step: words[3 * c + 1] };
      return { status: 'running' as const, step: this.stepsDone };
    });
  }

  async readStates(): Promise<Int8Array> {
    return Int8Array.from(new Float32Array(await this.state.read()));
  }

  /** Runs until every probe stopped (T = 0) or the steps are spent, then observes the final state. */
  async toEnd(): Promise<HopfieldRecall> {
    const o = this.options;
    const history = o.record ? [await this.readStates()] : undefined;
    // Chunks of whole sweeps, so that each run starts a block sweep's permutation.
    let chunk = o.blocks;
    while (this.stepsDone < o.steps) {
      const count = history ? 1 : Math.min(chunk, o.steps - this.stepsDone);
      await this.run(count);
      history?.push(await this.readStates());
      chunk = Math.min(2 * chunk, MAX_CHUNK * o.blocks);
      if (o.temperature === 0 && (await this.outcomes()).every((p) => p.status !== 'running')) break;
    }
    if (o.update !== 'sequential') {
      // The observation of the last state: its energy, and the outcome of the last update.
      const stats = await this.ctx.scheduler.run(this.observeGraph, { firstIteration: this.stepsDone });
      this.wallMs += stats.wallMs;
    }
    const energies = new Float32Array(await this.energies.read()).slice(0, (this.stepsDone + 1) * this.probes);
    return { states: await this.readStates(), steps: this.stepsDone, energies, outcomes: await this.outcomes(), history, wallMs: this.wallMs };
  }

  release(): void {
    this.owned.release();
  }
}

/**
 * The decision rule at temperature T: the sign rule at T = 0; with Hebbian couplings, thresholds per
 * integer field computed on the host (exact on every adapter); with the projection rule's real
 * couplings, the sigmoid on the GPU. p(+1) = 1 / (1 + exp(-2 a / T)), a = scale * (J x)_i.
 */
async function glauberRule(ctx: RunContext, owned: Owned, net: HopfieldNetwork, temperature: number): Promise<GlauberRule> {
  if (temperature === 0) return { kind: 'sign' };
  const gain = 2 * net.scale;
  if (net.rule === 'hebbian') {
    const table = glauberThresholds(gain, temperature, net.count * (net.units - 1));
    const thresholds = await owned.add(ctx.pool.tensor('hopfield thresholds', 'u32', [table.thresholds.length], { data: table.thresholds }));
    return { kind: 'table', thresholds, offset: table.offset };
  }
  return { kind: 'float', gain, temperature: await owned.add(Schedule.create(ctx, { kind: 'constant', value: temperature })) };
}
