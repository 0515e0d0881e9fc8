// `harmonium <model> train`, the same command for every trainable model: its flags (the model's, the
// data's, the flow's), --out checked before training, the model to resume read and checked, the job in
// this process (the file written after every epoch) or in a page (the model sent back, the checkpoint
// sent in the spec), then the result as one JSON object or as lines for a person.
import { existsSync } from 'node:fs';
import { InputError } from '../../engine/index.js';
import { runOn } from '../backends/index.js';
import { withJobContext } from '../backends/context.js';
import { defineCommand, type Command } from '../cli/command.js';
import { progressReporter } from '../cli/progress.js';
import { pick, toSpec, type Schema, type Values } from '../cli/schema.js';
import { DATA_FLAGS } from '../data/source.js';
import { readDataFlags } from '../data/source_node.js';
import { fromBase64, toBase64 } from '../io/base64.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import type { JsonObject } from '../io/json.js';
import { readModelFile } from '../io/model_file.js';
import type { TrainableModel, TrainedEpochInfo, TrainingFeature, TrainParams } from './feature.js';
import { TRAIN_RUN_FLAGS } from './flags.js';
import { featureJobSchema, runTraining } from './job.js';

/** The lines a person reads: the feature's, then the speed and where the model went. */
function report(result: JsonObject, lines: { title: string; lines: Array<[string, string]> }, backend: string, out: string | undefined): string {
  const adapter = result.adapter as Record<string, string | boolean>;
  const speed = result.examples_per_s === null ? 'no epoch trained in this run' : `${Math.round(result.examples_per_s as number)} examples/s`;
  const rows: Array<[string, string]> = [...lines.lines, ['speed', `${speed} on ${adapter.description}${adapter.fallback ? ' (CPU fallback)' : ''} (${backend})`]];
  if (out) rows.push(['model', out]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return [lines.title, ...rows.map(([label, value]) => `  ${label.padEnd(width)} ${value}`), ''].join('\n');
}

/**
 *   export const mlpTrainCommand = trainCommand(MLP_TRAINING);
 */
export function trainCommand<S extends Schema, M extends TrainableModel, E extends TrainedEpochInfo, D>(feature: TrainingFeature<S, M, E, D>): Command {
  // A feature that makes its own examples (generate) has no --data or --test.
  const flags = { ...feature.flags, ...(feature.generate ? {} : pick(DATA_FLAGS, ['data', 'test'])), ...TRAIN_RUN_FLAGS };
  const schema = featureJobSchema(feature);
  const name = `${feature.name} train`;
  return defineCommand({
    name,
    summary: feature.summary,
    flags,
    details: feature.details,
    async run(values: Values<typeof flags>) {
      const v = values as Values<typeof TRAIN_RUN_FLAGS> & Values<typeof DATA_FLAGS>;
      const out = v.out;
      if (v.resume && !out) throw new InputError('--resume needs --out FILE (the model to continue)');
      const params = { ...values, ...(feature.generate ? {} : readDataFlags(v)), 'resume-model': undefined, 'return-model': v.backend === 'chrome' && out !== undefined } as unknown as TrainParams<S>;
      feature.check(params);
      // Fail before training, not after it, when the model cannot be written or resumed.
      if (out) checkWritable('--out', out);
      const resume = v.resume && out && existsSync(out) ? readModelFile('--out', out, feature.readConfig) : undefined;
      if (v.resume && !resume) process.stderr.write(`${name}: no model at ${out}; starting from the beginning\n`);
      const progress = progressReporter(name);
      const reporting = { adapter: v.adapter, onProgress: progress.onProgress, onUnit: progress.unit };
      let result: JsonObject;
      if (v.backend === 'node') {
        const save = out ? (bytes: Uint8Array) => writeFileAtomic(out, bytes) : undefined;
        const hooks = { save, resume: resume && { bytes: resume.bytes, source: `--out ${out}` } };
        result = await withJobContext((ctx) => runTraining(feature, ctx, params, hooks), reporting);
      } else {
        const spec = toSpec(`${feature.name}-train`, schema, { ...params, 'resume-model': resume ? toBase64(resume.bytes) : undefined } as Partial<Values<typeof schema>>);
        result = await runOn('chrome', spec, reporting);
        if (out) writeFileAtomic(out, fromBase64(result.model_base64 as string));
      }
      progress.done();
      delete result.model_base64;
      result.backend = v.backend;
      process.stdout.write(v.json ? `${JSON.stringify(result)}\n` : report(result, feature.report(result), v.backend, out));
    },
  });
}
