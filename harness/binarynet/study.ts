// BinaryNet's section of `npm start` (harmonium study): test error per epoch of BinaryNet, BinaryConnect
// (binary weights, ReLU units) and the float MLP of the same widths on our MNIST split, the packed
// path's test error and agreement, and the inference speed table (bench binarynet: packed, f32 and
// tfjs). Every job runs on the study's backend; the cpu scale trains narrower networks on fewer
// digits for fewer epochs, quick tiny ones (a smoke run).
import type { JsonObject } from '../io/json.js';
import type { ReportSection, SectionContext } from '../report/section.js';

/** Sizes by scale: the full one is the paper's network (3 x 4096) at far fewer epochs than its 1,000. */
const MODES = {
  full: { hidden: [4096, 4096, 4096], epochs: 10, lrEnd: 3e-5, train: undefined, test: undefined, benchSizes: [4096], benchReps: 3 },
  cpu: { hidden: [256, 256, 256], epochs: 3, lrEnd: 3e-4, train: 2000, test: 500, benchSizes: [256], benchReps: 1 },
  quick: { hidden: [32], epochs: 2, lrEnd: 3e-4, train: 200, test: 100, benchSizes: [32], benchReps: 1 },
} as const;

/** What the page draws of a training result. */
function trained(model: string, r: JsonObject): JsonObject {
  const { layers, epochs, train_count, test_count, test_error, history, examples_per_s } = r;
  return { model, layers, epochs, train_count, test_count, test_error, history, examples_per_s };
}

async function collectBinaryNet(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  const common = { hidden: [...m.hidden], epochs: m.epochs, seed: ctx.seed, ...(m.train ? { train_count: m.train } : {}), ...(m.test ? { test_count: m.test } : {}) };
  const train = async (model: string, spec: JsonObject) => {
    ctx.phase(`binarynet: ${model}`);
    const r = await ctx.run({ ...common, ...spec });
    ctx.unit(`${model} ${(r.layers as number[]).join('-')}: test error ${(100 * (r.test_error as number)).toFixed(2)}% after ${m.epochs} epochs`);
    return r;
  };
  const binary = await train('BinaryNet', { job: 'binarynet-train', lr_end: m.lrEnd, return_model: true });
  const connect = await train('BinaryConnect', { job: 'binarynet-train', lr_end: m.lrEnd, binary_activations: 'off' });
  const mlp = await train('float MLP', { job: 'mlp-train' });
  ctx.phase('binarynet: packed inference');
  const evaluated = await ctx.run({ job: 'binarynet-eval', model: binary.model_base64, ...(m.test ? { test_count: m.test } : {}) });
  ctx.unit(`packed path: test error ${(100 * (evaluated.test_error_packed as number)).toFixed(2)}%, predictions ${evaluated.agree ? 'identical to' : 'DIFFERENT from'} the f32 path's`);
  ctx.phase('binarynet: bench');
  const bench = await ctx.run({ job: 'bench-binarynet', sizes: [...m.benchSizes], reps: m.benchReps, no_training: true });
  return {
    quick: ctx.scale === 'quick',
    scale: ctx.scale,
    models: [trained('BinaryNet', binary), trained('BinaryConnect', connect), trained('float MLP', mlp)],
    lr_end: m.lrEnd,
    eval: { test_error: evaluated.test_error, test_error_float: evaluated.test_error_float, test_error_packed: evaluated.test_error_packed, agree: evaluated.agree, scores_identical: evaluated.scores_identical, test_count: evaluated.test_count },
    bench: { rows: bench.rows, limits: bench.limits, tfjs: bench.tfjs, params: bench.params, adapter: bench.adapter },
  };
}

export const binaryNetReportSection: ReportSection = { name: 'binarynet', collect: collectBinaryNet };
