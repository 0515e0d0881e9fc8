// Optimisers over a ParamSet: one fused update dispatch per parameter tensor per step (SGD with
// momentum, Adam), optionally after clipping by the global gradient norm, all on the GPU with no
// readback. Kernels: shaders/optim.wgsl; reference: harness/reference/optim.ts.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { checkGrid, linearGrid, type KernelGraph } from '../graph.js';
import type { Kernel } from '../kernel.js';
import { ParamSet } from '../params.js';
import { Schedule } from '../schedule.js';
import { cachedKernel, placeholder, type OpContext } from './common.js';
import { sharedUniformWords } from '../uniforms.js';

interface CommonOptions {
  /** The learning rate: a Schedule (evaluated at each step on the GPU), or a constant. */
  lr: Schedule | number;
  /** L2 weight decay: wd * p is added to the gradient (default 0). */
  weightDecay?: number;
  /** L1 penalty l1 |p|: its subgradient l1 sign(p) (0 at p = 0) is added to the gradient (default 0). */
  l1?: number;
  /** The parameters weight decay and the L1 penalty apply to, by name (default every one; an RBM's weights and not its biases, say). */
  weightDecayParams?: readonly string[];
  /** Clip by global norm: every gradient of the set is scaled by min(1, clipNorm / ||all gradients||). */
  clipNorm?: number;
  /** A parameter's own multiple of the learning rate, by name (default 1): BinaryNet's per-layer Glorot scale of its weights. */
  lrScale?: Readonly<Record<string, number>>;
  /** The parameters this step updates, by name (default every one): a GAN's generator or its discriminator, each with its own step. */
  update?: readonly string[];
}

/** torch.optim.SGD: buf = momentum * buf + (g + wd p); p -= lr * buf (without momentum: p -= lr (g + wd p)). */
export interface SgdOptions extends CommonOptions {
  kind: 'sgd';
  /** In [0, 1), default 0 (no state). */
  momentum?: number;
}

/**
 * Adam (Kingma & Ba): m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) at step t = iteration + 1.
 * With decoupledWeightDecay (AdamW) p -= lr * wd * p as well, instead of adding wd p to g.
 */
export interface AdamOptions extends CommonOptions {
  kind: 'adam';
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  eps?: number;
  decoupledWeightDecay?: boolean;
}

export type OptimizerOptions = SgdOptions | AdamOptions;

/** What addOptimizerStep put into the graph. */
export interface OptimizerStep {
  /**
   * With clipNorm: f32 x 4 rewritten each step, [sum of squares of all gradients, their norm, the
   * scale applied, 0] (read it to log the gradient norm); null without clipping.
   */
  clipStats: Tensor | null;
  /** Dispatches per step: one update per tensor, plus one sum per tensor and one norm with clipping. */
  dispatches: number;
  /** Frees the op's uniforms, its clipping buffers and a learning-rate schedule it made from a number. */
  release(): void;
}

/**
 * The state slots an optimiser needs in its ParamSet (ParamSetOptions.state).
 *
 *   optimizerState({ kind: 'adam', lr: 1e-3 })   // ['m', 'v']
 */
export function optimizerState(o: OptimizerOptions): string[] {
  if (o.kind === 'adam') return ['m', 'v'];
  return (o.momentum ?? 0) > 0 ? ['momentum'] : [];
}

/** Workgroup size and elements per invocation of the sums; WG is a power of two (tree sums). */
const WG = 256;
const PER_THREAD = 4;
/** Elements per invocation of the updates (the learning rate and bias corrections are computed once per invocation). */
const SPAN = 4;

interface Hyper {
  momentum: number;
  weightDecay: number;
  l1: number;
  beta1: number;
  beta2: number;
  eps: number;
  clipNorm: number | undefined;
}

/** The options with defaults, checked; errors name 'optim.<kind>' and the option. */
function hyperparameters(name: string, o: OptimizerOptions): Hyper {
  const h: Hyper = {
    momentum: o.kind === 'sgd' ? o.momentum ?? 0 : 0,
    weightDecay: o.weightDecay ?? 0,
    l1: o.l1 ?? 0,
    beta1: o.kind === 'adam' ? o.beta1 ?? 0.9 : 0,
    beta2: o.kind === 'adam' ? o.beta2 ?? 0.999 : 0,
    eps: o.kind === 'adam' ? o.eps ?? 1e-8 : 0,
    clipNorm: o.clipNorm,
  };
  const check = (option: string, v: unknown, ok: (x: number) => boolean, range: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new InputError(`${name}: ${option} = ${String(v)} must be ${range}`);
  };
  check('weightDecay', h.weightDecay, (x) => x >= 0, 'a finite number >= 0');
  check('l1', h.l1, (x) => x >= 0, 'a finite number >= 0');
  if (o.kind === 'sgd') check('momentum', h.momentum, (x) => x >= 0 && x < 1, 'in [0, 1)');
  if (o.kind === 'adam') {
    check('beta1', h.beta1, (x) => x >= 0 && x < 1, 'in [0, 1)');
    check('beta2', h.beta2, (x) => x >= 0 && x < 1, 'in [0, 1)');
    check('eps', h.eps, (x) => x > 0, 'a finite number > 0');
  }
  if (o.clipNorm !== undefined) check('clipNorm', o.clipNorm, (x) => x > 0, 'a finite number > 0');
  return h;
}

/**
 * Adds one optimiser step over every parameter of `params` to `graph`: with clipNorm, the sums of
 * squares of every gradient and the global norm (a fixed summation order: the same bits on every
 * run), then one fused update per parameter tensor reading its gradient, value and state. The
 * learning rate and Adam's bias correction come from the scheduler's iteration index, so run the
 * graph with ParamSet.runSteps (or firstIteration = params.iteration). The set needs the state slots
 * optimizerState(options) names. Release the result when the graph is done with.
 *
 *   const adam: OptimizerOptions = { kind: 'adam', lr: schedule, weightDecay: 1e-4, clipNorm: 1 };
 *   const params = await ParamSet.create(ctx, { seed: 1, params: specs, state: optimizerState(adam) });
 *   const step = await addOptimizerStep(graph, ctx, params, adam);   // after the gradient kernels
 *   await params.runSteps(scheduler, graph, 100);
 *   step.release();
 */
export async function addOptimizerStep(graph: KernelGraph, ctx: OpContext, params: ParamSet, o: OptimizerOptions): Promise<OptimizerStep> {
  const kind = o?.kind;
  if (kind !== 'sgd' && kind !== 'adam') throw new InputError(`optim: unknown optimiser kind ${JSON.stringify(kind)}; known: sgd, adam`);
  const name = `optim.${kind}`;
  if (!(params instanceof ParamSet)) throw new InputError(`${name}: params must be a ParamSet`);
  params.checkLive(name);
  const h = hyperparameters(name, o);
  const needs = optimizerState(o);
  const missing = needs.filter((slot) => !params.state.includes(slot));
  if (missing.length) {
    throw new InputError(`${name}: the ParamSet has state [${params.state.join(', ')}] but this optimiser needs [${needs.join(', ')}]; create it with state: optimizerState(options)`);
  }
  if (!(o.lr instanceof Schedule) && !(typeof o.lr === 'number' && Number.isFinite(o.lr) && o.lr >= 0)) {
    throw new InputError(`${name}: lr = ${String(o.lr)} must be a Schedule or a finite number >= 0`);
  }

  const names = params.params.map((p) => p.name);
  const notInSet = (option: string, listed: readonly string[]) => {
    const unknown = listed.filter((n) => !names.includes(n));
    if (unknown.length) throw new InputError(`${name}: ${option} names [${unknown.join(', ')}], not parameters of the set [${names.join(', ')}]`);
  };
  const decayed = o.weightDecayParams ?? names;
  notInSet('weightDecayParams', decayed);
  if (o.update !== undefined) {
    if (!Array.isArray(o.update) || o.update.length === 0) throw new InputError(`${name}: update must list one or more parameter names`);
    notInSet('update', o.update);
  }
  // The tensors this step updates (with clipping, the norm is theirs alone).
  const updated = o.update ? params.params.filter((p) => o.update!.includes(p.name)) : params.params;

  const lrScale = o.lrScale ?? {};
  for (const [n, v] of Object.entries(lrScale)) {
    if (!names.includes(n)) throw new InputError(`${name}: lrScale names '${n}', not a parameter of the set [${names.join(', ')}]`);
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new InputError(`${name}: lrScale of '${n}' = ${String(v)} must be a finite number >= 0`);
  }

  const clip = h.clipNorm !== undefined;
  const update = cachedKernel(name, 'optim.wgsl', kind, {
    WG,
    SPAN,
    CLIP: +clip,
    ...(kind === 'sgd' ? { USE_MOMENTUM: +(h.momentum > 0) } : { DECOUPLED: +!!(o as AdamOptions).decoupledWeightDecay }),
  });
  const sumSquares = cachedKernel('optim.sum_squares', 'optim.wgsl', 'sum_squares', { WG, PER_THREAD });
  const clipScale = cachedKernel('optim.clip_scale', 'optim.wgsl', 'clip_scale', { WG });

  // Each tensor's slots of the partial sums: one per workgroup of WG * PER_THREAD elements.
  const perPartial = sumSquares.override('WG') * sumSquares.override('PER_THREAD');
  const partialCounts = updated.map((p) => Math.ceil(p.size / perPartial));
  const partialBases = partialCounts.map((_, i) => partialCounts.slice(0, i).reduce((a, b) => a + b, 0));
  const partialCount = partialCounts.reduce((a, b) => a + b, 0);
  const grids = {
    sums: partialCounts.map((count) => linearGrid(ctx.gpu, count * sumSquares.override('WG'), sumSquares.override('WG'))),
    updates: updated.map((p) => linearGrid(ctx.gpu, Math.ceil(p.size / update.override('SPAN')), update.override('WG'))),
  };
  grids.updates.forEach((g) => checkGrid(ctx.gpu, update.name, g));
  if (clip) grids.sums.forEach((g) => checkGrid(ctx.gpu, sumSquares.name, g));

  const made: Array<{ release(): void }> = [];
  const keep = <T extends { release(): void }>(x: T): T => {
    made.push(x);
    return x;
  };
  const release = () => made.forEach((x) => x.release());
  try {
    const lr = o.lr instanceof Schedule ? o.lr : keep(await Schedule.create(ctx, { kind: 'constant', value: o.lr }, `${name} lr`));
    const partials = clip ? keep(await ctx.pool.tensor(`${name} partial sums of squares`, 'f32', [partialCount])) : null;
    const clipStats = clip ? keep(await ctx.pool.tensor(`${name} clip stats`, 'f32', [4])) : null;
    const uniforms: Tensor[] = [];
    // Each tensor's OptimParams (shaders/optim.wgsl) is bound by its update and, with clipping, by the sums of squares and the clip.
    const readers: [Kernel, ...Kernel[]] = clip ? [update, sumSquares, clipScale] : [update];
    for (const [i, p] of updated.entries()) {
      const words = sharedUniformWords(readers, 'params', {
        n: p.size,
        partial_base: partialBases[i],
        partial_count: partialCount,
        max_norm: h.clipNorm ?? 0,
        momentum: h.momentum,
        weight_decay: decayed.includes(p.name) ? h.weightDecay : 0,
        l1: decayed.includes(p.name) ? h.l1 : 0,
        beta1: h.beta1,
        beta2: h.beta2,
        eps: h.eps,
        lr_scale: lrScale[p.name] ?? 1,
      });
      uniforms.push(keep(await ctx.pool.uniform(`${name} params '${p.name}'`, words)));
    }
    const nodes: Array<{ kernel: Kernel; bindings: Record<string, Tensor>; workgroups: [number, number] }> = [];
    if (partials && clipStats) {
      updated.forEach((p, i) => nodes.push({ kernel: sumSquares, bindings: { params: uniforms[i], grad: p.grad, partials }, workgroups: grids.sums[i] }));
      nodes.push({ kernel: clipScale, bindings: { params: uniforms[0], partials, clip_out: clipStats }, workgroups: [1, 1] });
    }
    const unusedRead = await placeholder(ctx.pool, 'read');
    const unusedWrite = await placeholder(ctx.pool, 'write');
    updated.forEach((p, i) => {
      const bindings: Record<string, Tensor> = { params: uniforms[i], lr: lr.tensor, value: p.value, grad: p.grad, clip: clipStats ?? unusedRead };
      if (kind === 'sgd') bindings.state0 = h.momentum > 0 ? p.state.momentum : unusedWrite;
      else Object.assign(bindings, { state0: p.state.m, state1: p.state.v });
      nodes.push({ kernel: update, bindings, workgroups: grids.updates[i] });
    });
    // All or nothing: every binding is checked before the first node joins the graph.
    nodes.forEach((n) => n.kernel.checkBindings(n.bindings));
    nodes.forEach((n) => graph.add(n.kernel, n.bindings, n.workgroups));
    return { clipStats, dispatches: nodes.length, release };
  } catch (e) {
    release();
    throw e;
  }
}
