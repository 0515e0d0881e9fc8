// Plain TypeScript optimisers, the reference for shaders/optim.wgsl: float64 state and arithmetic,
// hyperparameters as the GPU holds them (rounded to f32).

/** Every hyperparameter explicit (the engine's defaults are the engine's business). */
export interface OptimizerReference {
  kind: 'sgd' | 'adam';
  momentum: number;
  weightDecay: number;
  /** The L1 penalty's weight: l1 sign(p) joins the gradient (with weight decay's tensors). */
  l1?: number;
  beta1: number;
  beta2: number;
  eps: number;
  decoupledWeightDecay: boolean;
  /** Clip by global norm when set. */
  clipNorm?: number;
  /** Per tensor, whether weight decay applies to it (default every tensor). */
  decayed?: readonly boolean[];
  /** Per tensor, its multiple of the learning rate (default 1). */
  lrScale?: readonly number[];
}

/** Parameter values and optimiser state by slot ('momentum', 'm', 'v'), one array per tensor. */
export interface TrainingState {
  values: Float64Array[];
  state: Record<string, Float64Array[]>;
}

export interface ClipReference {
  sumSquares: number;
  norm: number;
  scale: number;
}

const f32 = Math.fround;

/** The global norm over every gradient tensor and the scale min(1, maxNorm / norm). */
export function clipReference(grads: readonly ArrayLike<number>[], maxNorm: number): ClipReference {
  // Sum of squares over every element of every tensor.
  let sumSquares = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sumSquares += g[i] * g[i];
  // The norm, and the factor that brings it down to maxNorm (1 when it is below already).
  const norm = Math.sqrt(sumSquares);
  return { sumSquares, norm, scale: norm > f32(maxNorm) ? f32(maxNorm) / norm : 1 };
}

/**
 * One optimiser step at iteration `iteration` (0 for the first) with learning rate `lr`, updating
 * `s` in place. Returns the clipping figures when clipping is on.
 */
export function optimizerStepReference(s: TrainingState, grads: readonly ArrayLike<number>[], o: OptimizerReference, lr: number, iteration: number): ClipReference | null {
  const clip = o.clipNorm === undefined ? null : clipReference(grads, o.clipNorm);
  const scale = clip ? clip.scale : 1;
  const [mu, decay, b1, b2, eps, l1] = [o.momentum, o.weightDecay, o.beta1, o.beta2, o.eps, o.l1 ?? 0].map(f32);
  // Adam's step count t starts at 1, and its bias corrections are 1 - beta^t.
  const t = iteration + 1;
  const c1 = 1 - b1 ** t;
  const c2 = 1 - b2 ** t;
  s.values.forEach((p, k) => {
    const g = grads[k];
    const wd = o.decayed && !o.decayed[k] ? 0 : decay;
    const lasso = o.decayed && !o.decayed[k] ? 0 : l1;
    // The rate as the kernel computes it: the schedule's value times the tensor's scale, in f32.
    const rate = o.lrScale ? f32(lr * f32(o.lrScale[k])) : lr;
    for (let i = 0; i < p.length; i++) {
      // The clipped gradient, with the L1 penalty's subgradient.
      let gi = g[i] * scale + lasso * Math.sign(p[i]);
      if (o.kind === 'sgd') {
        // L2 weight decay joins the gradient; momentum accumulates it into the velocity.
        gi += wd * p[i];
        if (mu > 0) {
          const buf = s.state.momentum[k];
          buf[i] = mu * buf[i] + gi;
          gi = buf[i];
        }
        p[i] -= rate * gi;
      } else {
        // L2 weight decay joins the gradient unless it is decoupled (AdamW).
        if (!o.decoupledWeightDecay) gi += wd * p[i];
        // First and second moment estimates.
        const m = s.state.m[k];
        const v = s.state.v[k];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        // The bias-corrected step, then decoupled decay on the old value.
        const old = p[i];
        p[i] = old - (rate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        if (o.decoupledWeightDecay) p[i] -= rate * wd * old;
      }
    }
  });
  return clip;
}
