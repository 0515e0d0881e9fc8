// How bench gemm times a kernel in its two modes (harness/gemm/modes.ts): N products then one
// readback, and one product then a readback, each checked before it is timed, through timeRuns.
import type { KernelGraph, Tensor } from '../../engine/index.js';
import type { JobContext } from '../backends/context.js';
import { timeRuns, type Timing } from '../bench/timing.js';
import type { CheckKind } from './check.js';

export interface Budget {
  reps: number;
  /** Small products repeat within one batched repetition until it takes about this long. */
  targetMs: number;
  /** Whether a timed product sizes N; false where one product is known to exceed targetMs (N = 1). */
  probe: boolean;
  /** N when given (the hidden `batch` knob), whatever the timings. */
  batch?: number;
}

/** At most this many products per batched repetition: one submit of the scheduler. */
export const MAX_BATCH = 256;

/** Products per batched repetition: enough for about targetMs at `msPerProduct`. */
const batchSize = (msPerProduct: number, targetMs: number) => Math.max(1, Math.min(MAX_BATCH, Math.round(targetMs / Math.max(msPerProduct, 0.01))));

/** One timed mode: ms per product (median and spread), the products per repetition and the check. */
export interface Measured {
  timing: Timing;
  /** N: products per timed repetition (1 per call). */
  products: number;
  check: CheckKind;
  /** Set on a batched measurement with N = 1: it is the per-call one (one product and a readback). */
  sameAsPerCall?: true;
}

/** The batched measurement of N = 1 products: the per-call one, marked. */
export const batchOfOne = (perCall: Measured): Measured => ({ ...perCall, sameAsPerCall: true });

/**
 * Times `products` products then one readback (wall time around both) through timeRuns; returns
 * ms per product. The first run does the same and checks what it read; it also compiles and uploads,
 * so it is the warm-up.
 */
export async function timeProducts<T>(run: (products: number) => Promise<T>, products: number, reps: number, check: (out: T) => CheckKind): Promise<Measured> {
  let kind = '';
  const timing = await timeRuns(
    async () => {
      const t0 = performance.now();
      await run(products);
      return (performance.now() - t0) / products;
    },
    {
      reps,
      warmup: 0,
      validate: async () => {
        kind = check(await run(products));
      },
    },
  );
  return { timing, products, check: kind };
}

/** A kernel timed batched and, when asked, per call (where N = 1 one measurement serves both). */
export interface Modes {
  perCall: Measured | null;
  batched: Measured;
}

/**
 * Our kernel: `graph` run N times, then one read of `c`; `check` judges what was read. With a
 * per-call row its median sizes N; without, one checked and one timed product do (no sizing where
 * the budget says a product is over targetMs).
 */
export async function timeOurModes(ctx: JobContext, graph: KernelGraph, c: Tensor, budget: Budget, perCall: boolean, check: (bytes: ArrayBuffer) => CheckKind): Promise<Modes> {
  const run = async (products: number) => {
    await ctx.scheduler.run(graph, { repeat: products });
    return c.read();
  };
  const sized = budget.batch === undefined && budget.probe;
  const single = perCall || sized ? await timeProducts(run, 1, perCall ? budget.reps : 1, check) : null;
  const n = budget.batch ?? (single && sized ? batchSize(single.timing.median_ms, budget.targetMs) : 1);
  const batched = n === 1 && perCall && single ? batchOfOne(single) : await timeProducts(run, n, budget.reps, check);
  return { perCall: perCall ? single : null, batched };
}
