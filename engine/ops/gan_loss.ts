// The losses of generative adversarial nets (Goodfellow et al. 2014; Mao et al. 2017; Arjovsky et al.
// 2017; Lim & Ye 2017) on the discriminator's outputs, per row with their fused gradients and their
// mean (shaders/gan_loss.wgsl): the discriminator's loss of its outputs on real and generated examples,
// or the generator's of the generated ones. Reference: harness/reference/gan.ts. Not in harmonium/ops
// (the root's count of exports is capped): harmonium/gan exports it.
import type { Tensor } from '../buffers.js';
import { InputError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { addDispatches, cachedKernel, checkDistinct, checkNumber, checkShape, checkShaped, placeholder, type OpContext, type OpDispatches } from './common.js';
import { addReducePasses, checkTarget, REDUCE_OPS, type ReduceTarget } from './reduce.js';

/** The losses, in shaders/gan_loss.wgsl's KIND order. */
export const GAN_LOSSES = ['minimax', 'ns', 'ls', 'wgan', 'hinge'] as const;
export type GanLoss = (typeof GAN_LOSSES)[number];

export interface GanLossOptions {
  loss: GanLoss;
  /** Whose loss: the discriminator's (real and fake read) or the generator's (fake only). */
  role: 'discriminator' | 'generator';
  /** f32 [rows] or [rows, 1]: the discriminator's outputs on real examples (the discriminator's role). */
  real?: Tensor;
  /** f32 [rows] or [rows, 1]: its outputs on generated examples. */
  fake: Tensor;
  /** Per row, the loss (optional). */
  losses?: Tensor;
  /** dL/d(output) times gradScale, fake's shape: for the real outputs (discriminator) and the fake ones. */
  gradReal?: Tensor;
  gradFake?: Tensor;
  gradScale?: number;
  /** The mean of the per-row losses. */
  meanLoss?: ReduceTarget;
}

/**
 * Adds a GAN loss on the discriminator's outputs.
 *
 *   await addGanLoss(graph, ctx, { loss: 'ns', role: 'generator', fake: dFake, gradFake: dOut, gradScale: 1 / rows, meanLoss });
 */
export async function addGanLoss(graph: KernelGraph, ctx: OpContext, o: GanLossOptions): Promise<OpDispatches> {
  const name = 'gan_loss';
  const kind = GAN_LOSSES.indexOf(o.loss);
  if (kind < 0) throw new InputError(`${name}: loss ${JSON.stringify(o.loss)} is not one of ${GAN_LOSSES.join(', ')}`);
  if (o.role !== 'discriminator' && o.role !== 'generator') throw new InputError(`${name}: role ${JSON.stringify(o.role)} is not 'discriminator' or 'generator'`);
  const discriminator = o.role === 'discriminator';
  const fake = checkShaped(name, 'fake', o.fake, ['f32']);
  // A column of outputs: [rows] or [rows, 1].
  if (!(fake.shape.length === 1 || (fake.shape.length === 2 && fake.shape[1] === 1))) throw new InputError(`${name}: fake must be [rows] or [rows, 1], got [${fake.shape.join(', ')}]`);
  const rows = fake.shape[0];
  const same = [fake.shape];
  if (discriminator && !o.real) throw new InputError(`${name}: the discriminator's loss needs real, its outputs on real examples`);
  const real = discriminator ? checkShaped(name, 'real', o.real as Tensor, ['f32']) : undefined;
  if (real) checkShape(name, { fake, real }, 'real', same);
  if (!discriminator && (o.real || o.gradReal)) throw new InputError(`${name}: the generator's loss reads only fake (no real, no gradReal)`);
  const outputs: Record<string, Tensor> = {};
  for (const key of ['losses', 'gradReal', 'gradFake'] as const) {
    const t = o[key];
    if (t === undefined) continue;
    outputs[key] = checkShaped(name, key, t, ['f32']);
    checkShape(name, { fake, [key]: t }, key, key === 'losses' ? [[rows], [rows, 1]] : same);
  }
  const grad = outputs.gradFake !== undefined || outputs.gradReal !== undefined;
  if (grad && (outputs.gradFake === undefined || (discriminator && outputs.gradReal === undefined))) throw new InputError(`${name}: give the gradient of every output the loss reads (${discriminator ? 'gradReal and gradFake' : 'gradFake'})`);
  const gradScale = o.gradScale ?? 1;
  checkNumber(name, 'gradScale', gradScale);
  const meanLoss = o.meanLoss === undefined ? undefined : checkTarget(ctx, name, 'meanLoss.out', o.meanLoss, { fake }, [[1], [1, 1]], false);
  if (!grad && !outputs.losses && !meanLoss) throw new InputError(`${name}: nothing to compute: give losses, the gradients or meanLoss`);
  // Each output apart from the inputs and from the other outputs.
  for (const key of Object.keys(outputs)) checkDistinct(name, key, { fake, real, ...outputs });
  const kernel = cachedKernel(name, 'gan_loss.wgsl', 'main', { WG: 64, KIND: kind, ROLE: discriminator ? 0 : 1, GRAD: +grad });
  const read = await placeholder(ctx.pool, 'read');
  const [unusedReal, unusedFake] = await Promise.all([1, 2].map((k) => placeholder(ctx.pool, 'write', k)));
  return addDispatches(graph, ctx, async (batch) => {
    const losses = outputs.losses ?? (await batch.scratch(`${name} losses`, 'f32', [rows]));
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', { rows, grad_scale: gradScale }));
    batch.dispatch(kernel, { params, real: real ?? read, fake, grad_real: outputs.gradReal ?? unusedReal, grad_fake: outputs.gradFake ?? unusedFake, losses }, linearGrid(ctx.gpu, rows, kernel.override('WG')));
    if (meanLoss) await addReducePasses(batch, { name: `${name}.mean`, op: REDUCE_OPS.mean, x: losses, per: 'all', output: { target: meanLoss } });
  });
}

export interface GradientPenaltyOptions {
  /** f32 [rows, width]: the critic's gradients with respect to its inputs, a row per example. */
  grad: Tensor;
  /** The penalty's weight (WGAN-GP's 10). */
  lambda: number;
  /** f32 [rows, width]: d(penalty)/d(grad) times gradScale (the double backward starts from it). */
  gradOut?: Tensor;
  gradScale?: number;
  /** Per row, lambda (||grad_r|| - 1)^2. */
  losses?: Tensor;
  /** The mean of the per-row penalties. */
  meanLoss?: ReduceTarget;
}

/**
 * Adds WGAN-GP's penalty lambda (||g_r|| - 1)^2 on each row of a critic's input gradients, with its
 * gradient (zero where a row's norm is 0) and mean (shaders/gradient_penalty.wgsl).
 *
 *   await addGradientPenalty(graph, ctx, { grad: dx, lambda: 10, gradOut: dPenalty, gradScale: 1 / rows, meanLoss });
 */
export async function addGradientPenalty(graph: KernelGraph, ctx: OpContext, o: GradientPenaltyOptions): Promise<OpDispatches> {
  const name = 'gradient_penalty';
  const grad = checkShaped(name, 'grad', o.grad, ['f32']);
  if (grad.shape.length !== 2) throw new InputError(`${name}: grad must be [rows, width], got [${grad.shape.join(', ')}]`);
  const [rows, width] = grad.shape;
  checkNumber(name, 'lambda', o.lambda);
  const gradScale = o.gradScale ?? 1;
  checkNumber(name, 'gradScale', gradScale);
  const gradOut = o.gradOut === undefined ? undefined : checkShaped(name, 'gradOut', o.gradOut, ['f32']);
  if (gradOut) checkShape(name, { grad, gradOut }, 'gradOut', [grad.shape]);
  const losses = o.losses === undefined ? undefined : checkShaped(name, 'losses', o.losses, ['f32']);
  if (losses) checkShape(name, { grad, losses }, 'losses', [[rows], [rows, 1]]);
  const meanLoss = o.meanLoss === undefined ? undefined : checkTarget(ctx, name, 'meanLoss.out', o.meanLoss, { grad }, [[1], [1, 1]], false);
  if (!gradOut && !losses && !meanLoss) throw new InputError(`${name}: nothing to compute: give gradOut, losses or meanLoss`);
  for (const key of ['gradOut', 'losses'] as const) if (o[key]) checkDistinct(name, key, { grad, gradOut, losses });
  const kernel = cachedKernel(name, 'gradient_penalty.wgsl', 'main', { WG: 64, GRAD: +!!gradOut });
  const unused = await placeholder(ctx.pool, 'write', 1);
  return addDispatches(graph, ctx, async (batch) => {
    const rowLosses = losses ?? (await batch.scratch(`${name} losses`, 'f32', [rows]));
    const params = await batch.uniform(`${name} params`, kernel.uniformWords('params', { rows, width, lambda: o.lambda, grad_scale: gradScale }));
    batch.dispatch(kernel, { params, g: grad, grad: gradOut ?? unused, losses: rowLosses }, linearGrid(ctx.gpu, rows * kernel.override('WG'), kernel.override('WG')));
    if (meanLoss) await addReducePasses(batch, { name: `${name}.mean`, op: REDUCE_OPS.mean, x: rowLosses, per: 'all', output: { target: meanLoss } });
  });
}
