// The gradient of a dense stack's one output with respect to its input, g = d out / dx per row, and
// the backward pass of a loss on g down to the stack's weights: the "double backward" that WGAN-GP's
// gradient penalty needs (Gulrajani et al. 2017). For layers k = 0 .. L-1, z_k = a_k W_k + b_k,
// a_{k+1} = act_k(z_k) (a_0 = x, the last layer identity with one output):
//   input gradient   e_{L-1} = 1;  delta_k = e_k W_k^T;  e_{k-1} = delta_k * act'(z_{k-1});  g = delta_0
//   its backward, from dDelta_0 = dLoss/dg, for k = 0 .. L-1:
//     dE_k = dDelta_k W_k;   dW_k += dDelta_k^T e_k
//     (k < L-1) dDelta_{k+1} = dE_k * act'(z_k);   c_k = dE_k * delta_{k+1} * act''(z_k)
//   and the curvature terms c_k (zero for relu and identity) back through the forward pass: dZ_k =
//   c_k + (dZ_{k+1} W_{k+1}^T) * act'(z_k), dW_k += a_k^T dZ_k, db_k += column sums of dZ_k.
// Every gradient is added to what Param.grad holds: the critic's loss on its outputs goes first.
// Tested against float64 central differences (test/gan_penalty.test.ts).
import { InputError, type KernelGraph, type OpContext, type Tensor } from '../engine/index.js';
import { addBinary, addGemm, addUnary, addUnaryBackward } from '../engine/ops/index.js';
import { addDenseBackward, addStackForward, type DenseActivation, type DenseLayer } from './dense.js';
import { building, Owned, type Releasable } from './owned.js';

/** act''(z) from the output y = act(z), as the factor of act'(z): tanh -2 y, sigmoid 1 - 2 y; relu and identity have none. */
const CURVATURE: Partial<Record<DenseActivation, { alpha: number; beta: number }>> = { tanh: { alpha: -2, beta: 0 }, sigmoid: { alpha: -2, beta: 1 } };

/** dx = dy * act'(z) from the output y (a copy for identity, nothing when dx is dy). */
async function addActivationBackward(graph: KernelGraph, ctx: OpContext, activation: DenseActivation, o: { dy: Tensor; y: Tensor; dx: Tensor }): Promise<Releasable> {
  if (activation !== 'identity') return addUnaryBackward(graph, ctx, { op: activation, dy: o.dy, y: o.y, dx: o.dx });
  return o.dx === o.dy ? { release() {} } : addUnary(graph, ctx, { op: 'copy', x: o.dy, out: o.dx });
}

/**
 * A dense stack's input gradient and its backward pass over batches of `rows`.
 *
 *   const grad = await InputGradient.create(ctx, critic, rows);
 *   await grad.addForward(graph, ctx, xHat);          // the stack's outputs
 *   await grad.addInputGradient(graph, ctx);          // grad.input: d out / dx
 *   await addGradientPenalty(graph, ctx, { grad: grad.input, gradOut: grad.dInput, lambda: 10, gradScale: 1 / rows });
 *   await grad.addBackward(graph, ctx);               // the penalty's gradients added to the critic's
 */
export class InputGradient implements Releasable {
  private constructor(
    private readonly owned: Owned,
    readonly layers: readonly DenseLayer[],
    readonly rows: number,
    /** rows x inputs: the stack's input. */
    private x: Tensor | null,
    /** Per layer: its output a_{k+1}. */
    readonly outputs: readonly Tensor[],
    /** Per layer: d out / d(its input), rows x its inputs; delta[0] is g. */
    private readonly delta: readonly Tensor[],
    /** Per layer: d out / dz_k. */
    private readonly e: readonly Tensor[],
    /** Per layer: dLoss / d delta_k; dDelta[0] is given (dInput). */
    private readonly dDelta: readonly Tensor[],
    /** Per layer: dLoss / d e_k. */
    private readonly dE: readonly Tensor[],
    /** Per hidden layer with curvature: c_k and act''s factor; and dZ_k of the forward path. */
    private readonly curvature: ReadonlyArray<{ c: Tensor; factor: Tensor } | null>,
    private readonly dZ: readonly Tensor[],
  ) {}

  static create(ctx: OpContext, layers: readonly DenseLayer[], rows: number): Promise<InputGradient> {
    const last = layers[layers.length - 1];
    if (!last || last.outputs !== 1 || last.activation !== 'identity') throw new InputError(`input gradient: the stack must end in one identity output, not ${last ? `${last.outputs} ${last.activation}` : 'no layer'}`);
    layers.forEach((l, k) => {
      if (k > 0 && l.inputs !== layers[k - 1].outputs) throw new InputError(`input gradient: layer ${l.name} takes ${l.inputs} inputs, ${layers[k - 1].name} gives ${layers[k - 1].outputs}`);
    });
    return building(async (owned) => {
      const f32 = (label: string, width: number, data?: Float32Array) => owned.add(ctx.pool.tensor(`input gradient ${label}`, 'f32', [rows, width], data && { data }));
      const each = (label: string, width: (l: DenseLayer) => number) => Promise.all(layers.map((l) => f32(`${l.name} ${label}`, width(l))));
      const outputs = await each('output', (l) => l.outputs);
      const delta = await each('delta', (l) => l.inputs);
      // e of the last layer is d out / d out = 1 on every row.
      const e = [...(await Promise.all(layers.slice(0, -1).map((l) => f32(`${l.name} e`, l.outputs)))), await f32('ones', 1, new Float32Array(rows).fill(1))];
      const dDelta = await each('delta grad', (l) => l.inputs);
      const dE = await each('e grad', (l) => l.outputs);
      const curved = layers.slice(0, -1).some((l) => CURVATURE[l.activation]);
      const curvature = await Promise.all(layers.map(async (l, k) => (k < layers.length - 1 && CURVATURE[l.activation] ? { c: await f32(`${l.name} curvature`, l.outputs), factor: await f32(`${l.name} act'' factor`, l.outputs) } : null)));
      const dZ = curved ? await each('z grad', (l) => l.outputs) : [];
      return new InputGradient(owned, layers, rows, null, outputs, delta, e, dDelta, dE, curvature, dZ);
    });
  }

  /** rows x inputs: g = d out / dx after addInputGradient. */
  get input(): Tensor {
    return this.delta[0];
  }

  /** rows x inputs: where dLoss/dg goes before addBackward (a penalty's gradOut). */
  get dInput(): Tensor {
    return this.dDelta[0];
  }

  /** Adds the forward pass of x (rows x inputs) through the stack. */
  addForward(graph: KernelGraph, ctx: OpContext, x: Tensor): Promise<Releasable> {
    this.x = x;
    return addStackForward(graph, ctx, this.layers, { x, outputs: this.outputs, rows: this.rows });
  }

  /** Adds g = d out / dx (into `input`), after addForward. */
  addInputGradient(graph: KernelGraph, ctx: OpContext): Promise<Releasable> {
    const { layers, rows, delta, e } = this;
    if (!this.x) throw new InputError('input gradient: addForward comes before addInputGradient');
    return building(async (owned) => {
      for (let k = layers.length - 1; k >= 0; k--) {
        const l = layers[k];
        await owned.add(addGemm(graph, ctx, { a: e[k], b: l.weight.value, c: delta[k], m: rows, n: l.inputs, k: l.outputs, transB: true }));
        if (k > 0) {
          await owned.add(addActivationBackward(graph, ctx, layers[k - 1].activation, { dy: delta[k], y: this.outputs[k - 1], dx: e[k - 1] }));
        }
      }
      return owned;
    });
  }

  /** Adds the gradients of a loss on g (dLoss/dg in `dInput`) to the stack's Param.grad, after addInputGradient. */
  addBackward(graph: KernelGraph, ctx: OpContext): Promise<Releasable> {
    const { layers, rows, delta, e, dDelta, dE, curvature, dZ, outputs } = this;
    const x = this.x;
    if (!x) throw new InputError('input gradient: addForward comes before addBackward');
    const last = layers.length - 1;
    return building(async (owned) => {
      for (const [k, l] of layers.entries()) {
        await owned.add(addGemm(graph, ctx, { a: dDelta[k], b: e[k], c: l.weight.grad, m: l.inputs, n: l.outputs, k: rows, transA: true, beta: 1 }));
        // The last layer's e is the constant 1: nothing below reads its dE.
        if (k === last) continue;
        await owned.add(addGemm(graph, ctx, { a: dDelta[k], b: l.weight.value, c: dE[k], m: rows, n: l.outputs, k: l.inputs }));
        const curve = curvature[k];
        const factor = CURVATURE[l.activation];
        if (curve && factor) {
          // c_k = dE_k * delta_{k+1} * act'(z_k) * (alpha y + beta).
          await owned.add(addBinary(graph, ctx, { op: 'mul', a: dE[k], b: delta[k + 1], out: curve.c }));
          await owned.add(addActivationBackward(graph, ctx, l.activation, { dy: curve.c, y: outputs[k], dx: curve.c }));
          await owned.add(addUnary(graph, ctx, { op: 'affine', x: outputs[k], out: curve.factor, alpha: factor.alpha, beta: factor.beta }));
          await owned.add(addBinary(graph, ctx, { op: 'mul', a: curve.c, b: curve.factor, out: curve.c }));
        }
        await owned.add(addActivationBackward(graph, ctx, l.activation, { dy: dE[k], y: outputs[k], dx: dDelta[k + 1] }));
      }
      // The curvature terms back through the forward pass, from the highest layer that has one down.
      const top = curvature.reduce((found, c, k) => (c ? k : found), -1);
      for (let k = top; k >= 0; k--) {
        const l = layers[k];
        if (k === top) {
          await owned.add(addUnary(graph, ctx, { op: 'copy', x: curvature[k]!.c, out: dZ[k] }));
        } else {
          // dZ_k = (dZ_{k+1} W_{k+1}^T, which the layer above's backward left in dZ_k) * act'(z_k) + c_k.
          await owned.add(addActivationBackward(graph, ctx, l.activation, { dy: dZ[k], y: outputs[k], dx: dZ[k] }));
          if (curvature[k]) await owned.add(addBinary(graph, ctx, { op: 'add', a: dZ[k], b: curvature[k]!.c, out: dZ[k] }));
        }
        await owned.add(addDenseBackward(graph, ctx, l, { x: k === 0 ? x : outputs[k - 1], y: outputs[k], dy: dZ[k], dx: k > 0 ? dZ[k - 1] : undefined, masked: true, accumulate: true, rows }));
      }
      return owned;
    });
  }

  release(): void {
    this.owned.release();
  }
}
