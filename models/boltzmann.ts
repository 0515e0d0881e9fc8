// The fully connected Boltzmann machine with visible units x and hidden units h (the seeds):
//   E(x, h) = -b'x - c'h - h'Wx - x'Ux - h'Vh,   P(x, h) = exp(-E) / Z,
// with U and V symmetric and zero on the diagonal, units 0/1 ('binary') or +-1 ('spin'). We hold it
// as one symmetric coupling matrix over s = (x, h), zero on the diagonal, and one bias vector:
//   E(s) = -d's - sum_{i<j} J_ij s_i s_j,   J = [[2U, W'], [W, 2V]],   d = (b, c),
// so that the learning gradient of the mean log-likelihood of data is, for every coupling and bias,
//   d/dJ_ij = <s_i s_j>_data - <s_i s_j>_model,   d/dd_i = <s_i>_data - <s_i>_model.
// Positive phase: the visible units clamped to the data, Gibbs sweeps over the hidden units (warm
// started from the last step's); negative phase: persistent free-running chains (PCD). The
// correlations are GEMMs of the chains' states, the update an SGD step of a ParamSet.
//
// Update order: the couplings are dense (U and V fill the visible and the hidden layer), so the
// coupling graph is complete and its only colouring has one unit per colour: the units are updated
// one at a time, in index order (visible, then hidden), each from the current states of all the
// others (engine/ops/glauber.ts addGlauberSweep, exact sequential Gibbs; it keeps the fields current
// and examines many units per round in parallel, so a sweep costs about a barrier per flip). Without
// lateral couplings (an RBM) the layers would be the two colours.
import { InputError, KernelGraph, ParamSet, rngBits, RNG_PURPOSES, Schedule, type Tensor, type RunContext } from '../engine/index.js';
import { addBinary, addGemm, addGlauberSweep, addOptimizerStep, addReduce, optimizerState, type GlauberRule, type UnitKind } from '../engine/ops/index.js';
import { building, Owned, type Releasable } from './owned.js';


export interface BoltzmannConfig {
  visible: number;
  hidden: number;
  /** Default 'binary' (0/1 units). */
  kind?: UnitKind;
  /** Which lateral couplings exist: U among the visible, V among the hidden units (default both). */
  lateral?: { visible?: boolean; hidden?: boolean };
}

export type BoltzmannShape = Required<Omit<BoltzmannConfig, 'lateral'>> & { lateral: { visible: boolean; hidden: boolean }; units: number };

/** Units of one machine at most (chains x units and units^2 index u32 counters). */
export const MAX_BOLTZMANN_UNITS = 8192;

/** Checks a configuration; every problem is an InputError naming the parameter. */
export function validateBoltzmannConfig(c: BoltzmannConfig): BoltzmannShape {
  for (const [name, v] of [['visible', c.visible], ['hidden', c.hidden]] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new InputError(`boltzmann: ${name} = ${String(v)} must be a non-negative integer`);
  }
  if (c.visible < 1) throw new InputError('boltzmann: at least one visible unit is needed');
  const units = c.visible + c.hidden;
  if (units > MAX_BOLTZMANN_UNITS) throw new InputError(`boltzmann: ${units} units, over ${MAX_BOLTZMANN_UNITS}`);
  const kind = c.kind ?? 'binary';
  if (kind !== 'binary' && kind !== 'spin') throw new InputError(`boltzmann: kind '${String(kind)}' is not binary or spin`);
  return { visible: c.visible, hidden: c.hidden, kind, units, lateral: { visible: c.lateral?.visible ?? true, hidden: c.lateral?.hidden ?? true } };
}

/** The values a unit of this kind takes: [down, up]. */
export const unitValues = (kind: UnitKind): [number, number] => (kind === 'binary' ? [0, 1] : [-1, 1]);

/** Which couplings exist (1) or not (0): no diagonal, and the lateral blocks only when configured. */
export function couplingMask(s: BoltzmannShape): Float32Array {
  const n = s.units;
  const mask = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const vi = i < s.visible, vj = j < s.visible;
      const allowed = i !== j && (vi !== vj || (vi ? s.lateral.visible : s.lateral.hidden));
      mask[i * n + j] = allowed ? 1 : 0;
    }
  }
  return mask;
}

/** The parameters as the seeds write them, from J and d: W (hidden x visible), U, V (J's blocks halved), b, c. */
export function seedParameters(s: BoltzmannShape, couplings: ArrayLike<number>, bias: ArrayLike<number>) {
  const n = s.units, nv = s.visible, nh = s.hidden;
  const block = (rows: number, cols: number, r0: number, c0: number, f: number) =>
    Float32Array.from({ length: rows * cols }, (_, e) => f * couplings[(r0 + Math.floor(e / cols)) * n + c0 + (e % cols)]);
  return {
    W: block(nh, nv, nv, 0, 1),
    U: block(nv, nv, 0, 0, 0.5),
    V: block(nh, nh, nv, nv, 0.5),
    b: Float32Array.from({ length: nv }, (_, i) => bias[i]),
    c: Float32Array.from({ length: nh }, (_, i) => bias[nv + i]),
  };
}

/**
 * Random states of `chains` chains (chains x units), each unit up with probability 1/2: bit of the
 * Philox words (seed, boltzmannInit) at counter (step, e / 128, 0), e = c * units + i.
 */
export function randomStates(kind: UnitKind, chains: number, units: number, seed: number, step: number): Float32Array {
  const [down, up] = unitValues(kind);
  const out = new Float32Array(chains * units);
  for (let q = 0; q * 128 < out.length; q++) {
    const bits = rngBits(seed, RNG_PURPOSES.boltzmannInit, step, q, 0);
    for (let b = 0; b < 128 && q * 128 + b < out.length; b++) out[q * 128 + b] = (bits[b >> 5] >>> (b & 31)) & 1 ? up : down;
  }
  return out;
}

/** Checks data for the visible units: whole rows of the kind's two values. */
export function checkData(data: ArrayLike<number>, s: BoltzmannShape): Float32Array {
  const [down, up] = unitValues(s.kind);
  if (!data || data.length === 0 || data.length % s.visible !== 0) {
    throw new InputError(`boltzmann: ${data?.length ?? 0} data values are not whole rows of ${s.visible} visible units`);
  }
  for (let e = 0; e < data.length; e++) {
    if (data[e] !== down && data[e] !== up) throw new InputError(`boltzmann: data row ${Math.floor(e / s.visible)}, unit ${e % s.visible} is ${String(data[e])}; ${s.kind} units take ${down} or ${up}`);
  }
  return Float32Array.from(data);
}

/**
 * A Boltzmann machine's parameters on the GPU: a ParamSet of 'couplings' (units x units, symmetric,
 * zero where couplingMask is) and 'bias' (units).
 *
 *   const bm = await BoltzmannMachine.create(ctx, { visible: 6, hidden: 3 }, { seed: 1, scale: 0.1 });
 *   const trainer = await bm.trainer(data, { lr: 0.05, chains: 500, seed: 2 });
 *   await trainer.step(200);
 */
export class BoltzmannMachine implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    readonly shape: BoltzmannShape,
    readonly params: ParamSet,
    /** units x units f32: couplingMask. */
    readonly mask: Tensor,
  ) {}

  get couplings(): Tensor {
    return this.params.get('couplings').value;
  }

  get bias(): Tensor {
    return this.params.get('bias').value;
  }

  /** Random symmetric couplings +-scale (Philox signs on the host) where the mask allows, zero biases. */
  static async create(ctx: RunContext, config: BoltzmannConfig, o: { seed: number; scale?: number; momentum?: number }): Promise<BoltzmannMachine> {
    const s = validateBoltzmannConfig(config);
    const n = s.units;
    const scale = o.scale ?? 0.1;
    const noise = randomStates('spin', 1, n * n, o.seed, 1);
    const mask = couplingMask(s);
    const couplings = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) couplings[i * n + j] = couplings[j * n + i] = mask[i * n + j] * scale * noise[i * n + j];
    return BoltzmannMachine.fromParameters(ctx, config, { couplings, bias: new Float32Array(n), momentum: o.momentum });
  }

  /** A machine with the given J (symmetric; masked entries are zeroed) and d. */
  static async fromParameters(ctx: RunContext, config: BoltzmannConfig, p: { couplings: ArrayLike<number>; bias: ArrayLike<number>; momentum?: number }): Promise<BoltzmannMachine> {
    const s = validateBoltzmannConfig(config);
    const n = s.units;
    if (p.couplings.length !== n * n) throw new InputError(`boltzmann: couplings have ${p.couplings.length} values, units^2 = ${n * n} needed`);
    if (p.bias.length !== n) throw new InputError(`boltzmann: bias has ${p.bias.length} values, units = ${n} needed`);
    const mask = couplingMask(s);
    const couplings = Float32Array.from(p.couplings, (v, e) => v * mask[e]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (!Number.isFinite(couplings[i * n + j])) throw new InputError(`boltzmann: coupling [${i}, ${j}] is ${couplings[i * n + j]}; every weight must be finite`);
        if (couplings[i * n + j] !== couplings[j * n + i]) throw new InputError(`boltzmann: couplings must be symmetric; [${i}, ${j}] = ${couplings[i * n + j]}, [${j}, ${i}] = ${couplings[j * n + i]}`);
      }
      if (!Number.isFinite(p.bias[i])) throw new InputError(`boltzmann: bias ${i} is ${p.bias[i]}; every bias must be finite`);
    }
    const momentum = p.momentum ?? 0;
    const params = await ParamSet.create(ctx, {
      seed: 0,
      params: [{ name: 'couplings', shape: [n, n] }, { name: 'bias', shape: [n] }],
      state: optimizerState({ kind: 'sgd', lr: 0, momentum }),
    });
    try {
      await params.get('couplings').value.write(couplings);
      await params.get('bias').value.write(Float32Array.from(p.bias));
      const maskTensor = await ctx.pool.tensor('boltzmann mask', 'f32', [n, n], { data: mask });
      return new BoltzmannMachine(ctx, s, params, maskTensor);
    } catch (e) {
      params.release();
      throw e;
    }
  }

  /** J and d as they are now. */
  async readParameters(): Promise<{ couplings: Float32Array; bias: Float32Array }> {
    return { couplings: new Float32Array(await this.couplings.read()), bias: new Float32Array(await this.bias.read()) };
  }

  /**
   * Free-running chains (or, with `clamp`, chains whose visible units hold the given rows): random
   * initial states from `seed`, `sweeps` sequential Gibbs sweeps per run.
   */
  sampler(chains: number, o: { seed: number; clamp?: ArrayLike<number> }): Promise<GibbsChains> {
    return GibbsChains.create(this.ctx, this, chains, { seed: o.seed, clamp: o.clamp ? checkData(o.clamp, this.shape) : undefined, call: 0 });
  }

  /** A trainer on `data` (rows of visible values). */
  trainer(data: ArrayLike<number>, o: BoltzmannTraining): Promise<BoltzmannTrainer> {
    return BoltzmannTrainer.create(this.ctx, this, checkData(data, this.shape), validateTraining(o));
  }

  release(): void {
    this.params.release();
    this.mask.release();
  }
}

/**
 * Chains of a machine on the GPU with their Gibbs-sweep graph: all units in index order, or only
 * the hidden ones when the visible units are clamped to data rows (each row repeated over
 * chains / rows chains).
 */
export class GibbsChains implements Releasable {
  private sweepsDone = 0;

  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    readonly chains: number,
    readonly units: number,
    /** chains x units f32. */
    readonly state: Tensor,
    /** One sweep: fields from the current parameters, then the sweep. */
    readonly graph: KernelGraph,
  ) {}

  static async create(ctx: RunContext, bm: BoltzmannMachine, chains: number, o: { seed: number; clamp?: Float32Array; call: number; sweeps?: number }): Promise<GibbsChains> {
    const s = bm.shape;
    const n = s.units;
    if (!(Number.isInteger(chains) && chains >= 1 && chains * n < 2 ** 31)) throw new InputError(`boltzmann: chains = ${chains} must be a positive integer (chains x units below 2^31)`);
    const rows = o.clamp ? o.clamp.length / s.visible : 0;
    if (o.clamp && chains % rows !== 0) throw new InputError(`boltzmann: ${chains} clamped chains are not a whole number of copies of the ${rows} data rows`);
    if (o.clamp && s.hidden === 0) throw new InputError('boltzmann: clamping the visible units leaves nothing to sample (no hidden units)');
    return building(async (owned) => {
      const initial = randomStates(s.kind, chains, n, o.seed, o.call);
      if (o.clamp) for (let c = 0; c < chains; c++) initial.set(o.clamp.subarray((c % rows) * s.visible, (c % rows + 1) * s.visible), c * n);
      const state = await owned.add(ctx.pool.tensor('boltzmann chains', 'f32', [chains, n], { data: initial }));
      const fields = await owned.add(ctx.pool.tensor('boltzmann fields', 'f32', [chains, n]));
      const first = o.clamp ? s.visible : 0;
      const order = await owned.add(ctx.pool.tensor('boltzmann order', 'u32', [n - first], { data: Uint32Array.from({ length: n - first }, (_, k) => first + k) }));
      const progress = { flags: await owned.add(ctx.pool.tensor('boltzmann flags', 'u32', [chains, 2])), status: await owned.add(ctx.pool.tensor('boltzmann status', 'u32', [chains, 3])) };
      const temperature = await owned.add(Schedule.create(ctx, { kind: 'constant', value: 1 }));
      const rule: GlauberRule = { kind: 'float', gain: s.kind === 'binary' ? 1 : 2, temperature };
      const graph = new KernelGraph(o.clamp ? 'boltzmann.positive' : 'boltzmann.negative');
      // h = d + J s for the current parameters, then the sweeps (kept current by them).
      await owned.add(addGemm(graph, ctx, { a: state, b: bm.couplings, c: fields, bias: bm.bias, m: chains, n, k: n }));
      const sweeps = o.sweeps ?? 1;
      for (let k = 0; k < sweeps; k++) {
        await owned.add(addGlauberSweep(graph, ctx, { chains, units: n, kind: s.kind, state, fields, couplings: bm.couplings, order, orderLength: n - first, rule, stream: { seed: o.seed, step: 0, call: o.call + k }, progress }));
      }
      return new GibbsChains(ctx, owned, chains, n, state, graph);
    });
  }

  /** Runs the graph `count` times (each: fields, then its sweeps). */
  async run(count: number): Promise<void> {
    await this.ctx.scheduler.run(this.graph, { repeat: count, firstIteration: this.sweepsDone });
    this.sweepsDone += count;
  }

  async readStates(): Promise<Float32Array> {
    return new Float32Array(await this.state.read());
  }

  release(): void {
    this.owned.release();
  }
}

export interface BoltzmannTraining {
  /** SGD learning rate, > 0. */
  lr: number;
  /** SGD momentum in [0, 1); the machine must have been made with the same (its ParamSet holds the state). Default 0. */
  momentum?: number;
  /** Persistent free-running chains (default 100). */
  chains?: number;
  /** Positive-phase chains per data row (default 1). */
  replicas?: number;
  /** Gibbs sweeps per step in the positive phase (default 2) and the negative phase (default 1). */
  positiveSweeps?: number;
  negativeSweeps?: number;
  seed: number;
}

function validateTraining(o: BoltzmannTraining): Required<BoltzmannTraining> {
  const bad = (what: string) => new InputError(`boltzmann training: ${what}`);
  if (!(Number.isFinite(o.lr) && o.lr > 0)) throw bad(`lr must be a positive number, got ${o.lr}`);
  const momentum = o.momentum ?? 0;
  if (!(momentum >= 0 && momentum < 1)) throw bad(`momentum must lie in [0, 1), got ${momentum}`);
  const counts = { chains: o.chains ?? 100, replicas: o.replicas ?? 1, positiveSweeps: o.positiveSweeps ?? 2, negativeSweeps: o.negativeSweeps ?? 1 };
  for (const [name, v] of Object.entries(counts)) if (!(Number.isInteger(v) && v >= 1)) throw bad(`${name} must be a positive integer, got ${v}`);
  if (!(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff)) throw bad(`seed must be an integer in [0, 2^32), got ${o.seed}`);
  return { ...o, momentum, ...counts };
}

/**
 * Persistent-contrastive training: per step, the positive phase (data clamped, hidden sweeps), the
 * negative phase (free chains), the gradient (data - model correlations, masked) and an SGD update.
 */
export class BoltzmannTrainer implements Releasable {
  private constructor(
    private readonly ctx: RunContext,
    private readonly owned: Owned,
    readonly bm: BoltzmannMachine,
    /** The clamped chains (none without hidden units: then the data are the positive phase). */
    readonly positive: GibbsChains | null,
    readonly negative: GibbsChains,
    /** Phases and gradient only. */
    private readonly estimateGraph: KernelGraph,
    /** Phases, gradient and the update. */
    private readonly stepGraph: KernelGraph,
  ) {}

  static async create(ctx: RunContext, bm: BoltzmannMachine, data: Float32Array, o: Required<BoltzmannTraining>): Promise<BoltzmannTrainer> {
    const s = bm.shape;
    const n = s.units;
    const rows = data.length / s.visible;
    return building(async (owned) => {
      const positiveChains = rows * o.replicas;
      const positive = s.hidden > 0
        ? await owned.add(GibbsChains.create(ctx, bm, positiveChains, { seed: o.seed, clamp: data, call: 0, sweeps: o.positiveSweeps }))
        : null;
      const negative = await owned.add(GibbsChains.create(ctx, bm, o.chains, { seed: o.seed, call: o.positiveSweeps, sweeps: o.negativeSweeps }));
      // Without hidden units the clamped states are the data themselves.
      const clampedState = positive?.state ?? (await owned.add(ctx.pool.tensor('boltzmann data', 'f32', [rows, n], { data })));
      const positiveCount = positive ? positiveChains : rows;
      const couplings = bm.params.get('couplings');
      const bias = bm.params.get('bias');
      const meanPositive = await owned.add(ctx.pool.tensor('boltzmann <s>_data', 'f32', [n]));
      const build = async (name: string, update: boolean) => {
        const graph = new KernelGraph(name);
        for (const chains of positive ? [positive, negative] : [negative]) for (const node of chains.graph.nodes) graph.add(node.kernel, node.bindings, node.workgroups);
        // grad = -(data - model) correlations, masked: the ParamSet's optimiser minimises.
        await owned.add(addGemm(graph, ctx, { a: negative.state, b: negative.state, c: couplings.grad, m: n, n, k: o.chains, transA: true, alpha: 1 / o.chains }));
        await owned.add(addGemm(graph, ctx, { a: clampedState, b: clampedState, c: couplings.grad, m: n, n, k: positiveCount, transA: true, alpha: -1 / positiveCount, beta: 1 }));
        await owned.add(addBinary(graph, ctx, { op: 'mul', a: couplings.grad, b: bm.mask, out: couplings.grad }));
        await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'column', x: negative.state, out: bias.grad }));
        await owned.add(addReduce(graph, ctx, { op: 'mean', per: 'column', x: clampedState, out: meanPositive }));
        await owned.add(addBinary(graph, ctx, { op: 'sub', a: bias.grad, b: meanPositive, out: bias.grad }));
        if (update) await owned.add(addOptimizerStep(graph, ctx, bm.params, { kind: 'sgd', lr: o.lr, momentum: o.momentum }));
        return graph;
      };
      const estimate = await build('boltzmann.gradient', false);
      const step = await build('boltzmann.step', true);
      return new BoltzmannTrainer(ctx, owned, bm, positive, negative, estimate, step);
    });
  }

  /** `count` training steps (one submit for many; the Philox counters follow the ParamSet's iteration). */
  async step(count: number): Promise<void> {
    await this.bm.params.runSteps(this.ctx.scheduler, this.stepGraph, count);
  }

  /** Runs the phases `count` times without updating, and returns the last gradient estimate (data - model). */
  async gradient(count = 1): Promise<{ couplings: Float32Array; bias: Float32Array }> {
    await this.ctx.scheduler.run(this.estimateGraph, { repeat: count, firstIteration: this.bm.params.iteration });
    const negate = (t: Tensor) => t.read().then((b) => Float32Array.from(new Float32Array(b), (v) => -v));
    return { couplings: await negate(this.bm.params.get('couplings').grad), bias: await negate(this.bm.params.get('bias').grad) };
  }

  release(): void {
    this.owned.release();
  }
}
