// harmonium tune: times every tile config of a kernel for one shape class on this adapter, prints the
// candidates and the choice, and stores the choice in the tune cache that `config: 'auto'` reads.
import { BufferPool, Gpu, InputError, Scheduler } from '../../engine/index.js';
import '../../engine/ops/gemm.js';
import '../../engine/ops/xnor.js';
import { shapeName, tunable, Tuner, type TuneShape } from '../../engine/ops/tune.js';
import { defineCommand } from '../cli/command.js';
import { adapter, json } from '../cli/flags.js';
import { boolean, choice, integer, text, type Values } from '../cli/schema.js';
import { formatTable } from '../bench/table.js';
import { defaultTuneCachePath, FileTuneStore } from './tune_store.js';

const KERNELS = ['gemm_f32', 'xnor_gemm'] as const;

const dim = (axis: string) => integer({ min: 1, default: 1024, help: `${axis} of the product (op(A) is M x K, op(B) K x N)` });

const TUNE_FLAGS = {
  kernel: choice(KERNELS, { value: 'K', required: true, help: 'the kernel to tune' }),
  m: dim('M'),
  n: dim('N'),
  k: dim('K'),
  'trans-a': boolean({ help: 'A stored K x M (gemm_f32 only)' }),
  'trans-b': boolean({ help: 'B stored N x K (gemm_f32 only)' }),
  cache: text({ defaultText: '$HARMONIUM_TUNE_CACHE, else $XDG_CACHE_HOME/harmonium/tune.json, else ~/.cache/harmonium/tune.json', help: 'the tune cache' }),
  reps: integer({ min: 1, default: 3, help: 'timed repetitions per candidate; the median counts' }),
  adapter,
  json,
} as const;

export const tuneCommand = defineCommand({
  name: 'tune',
  summary: 'time every tile config of a kernel for a shape class and cache the choice',
  flags: TUNE_FLAGS,
  details: `Every candidate is timed now, whatever the cache holds, and the winner is stored for the shape class
(log2 buckets of M, N, K, the transposes and vec4 alignment). Shapes above the kernel's timing budget
are timed at a stand-in with M and N halved.`,
  run: runTune,
});

async function runTune(values: Values<typeof TUNE_FLAGS>): Promise<void> {
  const { kernel, reps } = values;
  const shape: TuneShape = { m: values.m, n: values.n, k: values.k, transA: values['trans-a'], transB: values['trans-b'] };
  if (kernel === 'xnor_gemm' && (shape.transA || shape.transB)) throw new InputError('tune: --trans-a and --trans-b apply to gemm_f32 only (xnor_gemm computes A B^T)');
  const cache = values.cache ?? defaultTuneCachePath();
  const t = tunable(kernel);

  const gpu = await Gpu.open({ adapter: values.adapter });
  try {
    const pool = new BufferPool(gpu);
    const tuner = new Tuner({ store: new FileTuneStore(cache), reps, log: (line) => process.stderr.write(`${line}\n`) });
    const result = await tuner.tune({ gpu, pool, scheduler: new Scheduler(gpu, pool) }, kernel, shape);
    pool.trim();
    const [tm, tn, tk] = result.timedShape.split('x').map(Number);
    const ops = result.timedShape ? t.ops({ m: tm, n: tn, k: tk }) : NaN;
    const unit = kernel === 'gemm_f32' ? 'GFLOP/s' : 'G binary ops/s';
    const candidates = result.candidates.map((c) => ({
      config: c.config,
      ms: c.ms,
      // 2 M N K operations of the timed shape per dispatch / ms per dispatch
      g_ops_per_s: c.ms === null ? null : ops / (c.ms * 1e6),
      ...(c.error ? { error: c.error } : {}),
    }));
    if (values.json) {
      const summary = {
        kernel,
        adapter: { ...gpu.adapter },
        shape: shapeName(shape),
        trans_a: !!shape.transA,
        trans_b: !!shape.transB,
        shape_class: result.shapeClass,
        timed_shape: result.timedShape,
        source: result.source,
        unit,
        candidates,
        choice: result.choice,
        ...(result.reason ? { reason: result.reason } : {}),
        cache,
      };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return;
    }
    const lines = [
      `tune ${kernel} ${shapeName(shape)}${kernel === 'gemm_f32' ? ` ${shape.transA ? 'T' : 'N'}${shape.transB ? 'T' : 'N'}` : ''} on ${gpu.adapter.description} (${gpu.adapter.vendor}/${gpu.adapter.architecture})`,
      `shape class ${result.shapeClass}; timed at ${result.timedShape || '-'} (${ops} ops per dispatch); median of ${reps} repetitions`,
      formatTable(
        ['config', 'ms/dispatch', unit, ''],
        candidates.map((c) => [c.config, c.ms ?? 'failed', c.g_ops_per_s ?? (c.error ?? ''), c.config === result.choice ? '<- chosen' : '']),
      ),
      result.source === 'fallback' ? `fallback to the default ${result.choice}: ${result.reason}` : `choice ${result.choice}, stored in ${cache}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    gpu.close();
  }
}
