// Dense (fully connected) layers over a batch of rows, y = act(x W + b), with W stored inputs x
// outputs (a row of x is one example). The forward pass is one GEMM with the bias and the activation
// in its epilogue. The backward pass, given dy = dL/dy:
//   dz = dy * act'(y)          the activation's mask, from the output (addUnaryBackward)
//   dW = x^T dz                a GEMM with A transposed
//   db = column sums of dz     addReduce
//   dx = dz W^T                a GEMM with B transposed (skipped for the first layer)
// VAEs and BinaryNet build on these; models/mlp.ts stacks them into a classifier.
import { InputError, type KernelGraph, type OpContext, type Param, type ParamSet, type ParamSpec, type Tensor } from '../engine/index.js';
import { addGemm, addReduce, addUnaryBackward } from '../engine/ops/index.js';
import { building, type Releasable } from './owned.js';

/** The activations a dense layer fuses into its GEMM and can take the backward pass of. */
export const DENSE_ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'identity'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];

/** One layer's parameters in a ParamSet, with its sizes and activation. */
export interface DenseLayer {
  /** The parameter names are `${name}.weight` and `${name}.bias`. */
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: DenseActivation;
  /** inputs x outputs. */
  readonly weight: Param;
  /** outputs. */
  readonly bias: Param;
}

/**
 * The parameters of a dense layer for ParamSet.create: a Glorot-uniform weight (inputs x outputs) and
 * a zero bias.
 *
 *   const params = await ParamSet.create(ctx, { seed: 1, params: denseParams('layer0', 784, 256) });
 */
export function denseParams(name: string, inputs: number, outputs: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [inputs, outputs], init: { kind: 'glorot' } },
    { name: `${name}.bias`, shape: [outputs], init: { kind: 'zeros' } },
  ];
}

/**
 * The layer `name` of a parameter set (made with denseParams, or restored from a checkpoint).
 *
 *   const layer = denseLayer(params, 'layer0', 'relu');
 */
export function denseLayer(params: ParamSet, name: string, activation: DenseActivation): DenseLayer {
  if (!DENSE_ACTIVATIONS.includes(activation)) throw new InputError(`dense '${name}': activation '${String(activation)}' is not one of ${DENSE_ACTIVATIONS.join(', ')}`);
  const weight = params.get(`${name}.weight`);
  const bias = params.get(`${name}.bias`);
  if (weight.shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== weight.shape[1]) {
    throw new InputError(`dense '${name}': weight [${weight.shape.join(', ')}] and bias [${bias.shape.join(', ')}] must be [inputs, outputs] and [outputs]`);
  }
  return { name, inputs: weight.shape[0], outputs: weight.shape[1], activation, weight, bias };
}

export interface DenseForward {
  /** rows x inputs. */
  x: Tensor;
  /** rows x outputs: act(x W + b). */
  y: Tensor;
  rows: number;
}

/**
 * Adds y = act(x W + b): one GEMM, bias per column and activation in its epilogue.
 *
 *   await addDenseForward(graph, ctx, layer, { x, y: h, rows: 100 });
 */
export function addDenseForward(graph: KernelGraph, ctx: OpContext, layer: DenseLayer, o: DenseForward): Promise<Releasable> {
  return addGemm(graph, ctx, { a: o.x, b: layer.weight.value, c: o.y, m: o.rows, n: layer.outputs, k: layer.inputs, bias: layer.bias.value, activation: layer.activation });
}

export interface DenseBackward extends DenseForward {
  /** rows x outputs: dL/dy on entry; the pass overwrites it with dL/dz = dy * act'(y). */
  dy: Tensor;
  /** rows x inputs: receives dL/dx; leave it out for a first layer (nothing needs it). */
  dx?: Tensor;
  /** Add the weight's and bias's gradients to what their Param.grad holds (default: overwrite): a second loss on the same layer. */
  accumulate?: boolean;
  /** dy already holds dL/dz, the activation's derivative applied (the double backward's own terms added to it). */
  masked?: boolean;
  /** Only dL/dx: the weight's and bias's gradients are not wanted (a generator's step back through its discriminator). */
  inputOnly?: boolean;
}

/**
 * Adds the backward pass of addDenseForward: the gradients of the layer's weight and bias go into
 * their Param.grad (overwritten, not accumulated), dL/dx into `dx`. Run it after the forward pass of
 * the same x and y.
 *
 *   await addDenseBackward(graph, ctx, layer, { x, y: h, dy: dH, dx: dX, rows: 100 });
 */
export function addDenseBackward(graph: KernelGraph, ctx: OpContext, layer: DenseLayer, o: DenseBackward): Promise<Releasable> {
  const { rows, x, y, dy } = o;
  return building(async (owned) => {
    // dz = dy * act'(y), in place: the activations' derivatives need only their output.
    if (layer.activation !== 'identity' && !o.masked) await owned.add(addUnaryBackward(graph, ctx, { op: layer.activation, dy, y, dx: dy }));
    const dz = dy;
    if (o.inputOnly && !o.dx) throw new InputError(`dense '${layer.name}': inputOnly needs dx`);
    if (!o.inputOnly) {
      const accumulate = !!o.accumulate;
      // dW = x^T dz: (inputs x rows) (rows x outputs).
      await owned.add(addGemm(graph, ctx, { a: x, b: dz, c: layer.weight.grad, m: layer.inputs, n: layer.outputs, k: rows, transA: true, beta: +accumulate }));
      // db = the sum of dz over the rows.
      await owned.add(addReduce(graph, ctx, { op: 'sum', per: 'column', x: dz, out: layer.bias.grad, accumulate }));
    }
    // dx = dz W^T: (rows x outputs) (outputs x inputs).
    if (o.dx) await owned.add(addGemm(graph, ctx, { a: dz, b: layer.weight.value, c: o.dx, m: rows, n: layer.inputs, k: layer.outputs, transB: true }));
    return owned;
  });
}

/** A stack of dense layers over a batch: each layer's output, the last the stack's. */
export interface StackForward {
  /** rows x the first layer's inputs. */
  x: Tensor;
  /** Per layer, rows x its outputs. */
  outputs: readonly Tensor[];
  rows: number;
}

/** Adds the forward pass of a stack of layers, each reading the one before's output. */
export function addStackForward(graph: KernelGraph, ctx: OpContext, layers: readonly DenseLayer[], o: StackForward): Promise<Releasable> {
  return building(async (owned) => {
    for (const [k, layer] of layers.entries()) await owned.add(addDenseForward(graph, ctx, layer, { x: k === 0 ? o.x : o.outputs[k - 1], y: o.outputs[k], rows: o.rows }));
    return owned;
  });
}

export interface StackBackward extends StackForward {
  /** Per layer, rows x its outputs: the last holds dL/d(the stack's output) on entry; all are overwritten. */
  grads: readonly Tensor[];
  /** rows x inputs: receives dL/dx (a generator's gradient through its discriminator). */
  dx?: Tensor;
  /** Add to what the gradients hold (a second loss on the same stack). */
  accumulate?: boolean;
  /** Only dL/dx (needs dx): no layer's weight gradients. */
  inputOnly?: boolean;
}

/** Adds the backward pass of addStackForward: every layer's gradients into its Param.grad, layer by layer down. */
export function addStackBackward(graph: KernelGraph, ctx: OpContext, layers: readonly DenseLayer[], o: StackBackward): Promise<Releasable> {
  return building(async (owned) => {
    for (let k = layers.length - 1; k >= 0; k--) {
      const x = k === 0 ? o.x : o.outputs[k - 1];
      await owned.add(addDenseBackward(graph, ctx, layers[k], { x, y: o.outputs[k], dy: o.grads[k], dx: k === 0 ? o.dx : o.grads[k - 1], accumulate: o.accumulate, inputOnly: o.inputOnly, rows: o.rows }));
    }
    return owned;
  });
}
