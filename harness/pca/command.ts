// harmonium pca: PCA and probabilistic PCA of --data on the GPU in Node or in headless Chrome, numbers
// as scikit-learn's PCA gives them, the model file (safetensors) on disk.
import type { Command } from '../cli/command.js';
import { defineCommand } from '../cli/command.js';
import { adapter, backend, json } from '../cli/flags.js';
import { runWithProgress } from '../cli/run.js';
import { pick, text, toSpec } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { readDataFlags } from '../data/source_node.js';
import { fromBase64 } from '../io/base64.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import { PCA_FLAGS, PCA_JOB } from './flags.js';

const FLAGS = {
  ...PCA_FLAGS,
  ...pick(DATA_FLAGS, ['data', 'test']),
  out: text({ help: 'the model file (safetensors): mean, components, explained_variance, noise_variance' }),
  backend,
  adapter,
  json,
} as const;

export const pcaCommand = defineCommand({
  name: 'pca',
  summary: "principal components and probabilistic PCA's log-likelihood (Tipping & Bishop), numbers as scikit-learn's PCA",
  flags: FLAGS,
  details: `Fits --components principal components to the training examples (intensities in [0, 1]): the
covariance by one GEMM on the GPU over the centred rows, its leading eigenvectors by subspace iteration
in float64. Probabilistic PCA's maximum-likelihood model follows in closed form: p(x) = N(x | mean,
W W' + s2 I) with s2 the mean of the discarded eigenvalues; with --method em it comes instead from
--iterations EM steps (Tipping & Bishop; one GEMM of the covariance per step), which reach the exact
maximum likelihood of the training rows (n, not n - 1, in the covariance). As scikit-learn's PCA: explained_variance
are the covariance's eigenvalues with n - 1 in the denominator, noise_variance their mean past k, and
log_likelihood the mean log p(x) per example in nats (PCA.score): on the --test examples when given,
else on the training examples. With --json one object: components, width, train_count, test_count,
explained_variance, explained_variance_ratio, total_variance, noise_variance, method, em_log_likelihood
(per EM step, the training rows', null without em), log_likelihood,
train_log_likelihood, test_log_likelihood (the held-out part of the split, or --test), seed, wall_ms,
adapter, backend.`,
  run: async (values) => {
    if (values.out) checkWritable('--out', values.out);
    const spec = toSpec('pca', PCA_JOB, { ...values, ...readDataFlags(values), 'return-model': values.out !== undefined });
    const { model_base64: model, ...result } = await runWithProgress('pca', spec, values);
    if (values.out) writeFileAtomic(values.out, fromBase64(model as string));
    if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
    const ratio = result.explained_variance_ratio as number[];
    const cumulative = ratio.reduce((a, b) => a + b, 0);
    const on = values.test === undefined ? `the ${String(result.train_count)} training examples` : `the ${String(result.test_count)} --test examples`;
    process.stdout.write(
      [
        `PCA of ${String(result.width)} values per example, ${String(result.components)} components: ${(100 * cumulative).toFixed(2)}% of the variance (the first ${(100 * ratio[0]).toFixed(2)}%)`,
        `  noise variance    ${(result.noise_variance as number).toPrecision(6)} (the mean of the discarded eigenvalues)`,
        `  log-likelihood    ${(result.log_likelihood as number).toFixed(4)} nats per example on ${on} (probabilistic PCA)`,
        ...(values.out ? [`  model             ${values.out}`] : []),
      ].join('\n') + '\n',
    );
  },
});

/** The feature's commands, in the order --help lists them (harness/cli/commands.ts). */
export const commands: readonly Command[] = [pcaCommand];
