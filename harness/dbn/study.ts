// The deep models' section of `npm start` (harmonium study): a deep belief net whose top RBM sees the
// labels (its generative test error, its fine-tuned one, a float MLP of the same widths, samples of
// each class), the deep autoencoder pretrained as RBMs against the same net from a random start and
// against PCA (test squared error, reconstructions), its 2-D codes beside PCA-2's, and semantic hashing
// with binary codes against PCA signs and LSH (mean average precision, precision-recall curves). Every
// job runs on the study's backend; the cpu scale trains narrower nets on fewer digits for fewer
// epochs, quick tiny ones (a smoke run).
import { fromBase64 } from '../io/base64.js';
import type { JsonObject } from '../io/json.js';
import type { ReportSection, SectionContext } from '../report/section.js';
import { digitRows } from '../ae/pictures.js';

/** Sizes by scale: the full one is the papers' nets (Hinton et al. 2006; Hinton & Salakhutdinov 2006) at fewer epochs. */
const MODES = {
  full: { dbn: [500, 500, 2000], dbnEpochs: 10, fineTune: 10, encoder: [1000, 500, 250], code: 30, bits: 32, pretrainEpochs: 10, aeEpochs: 20, train: undefined, test: undefined, gibbs: 1000 },
  cpu: { dbn: [200, 200, 500], dbnEpochs: 3, fineTune: 3, encoder: [256, 128, 64], code: 30, bits: 32, pretrainEpochs: 2, aeEpochs: 5, train: 2000, test: 500, gibbs: 200 },
  quick: { dbn: [16, 16, 32], dbnEpochs: 1, fineTune: 1, encoder: [32, 16], code: 4, bits: 8, pretrainEpochs: 1, aeEpochs: 1, train: 200, test: 50, gibbs: 10 },
} as const;

/** The digits' shape (the study's data is MNIST). */
const DIGIT = { rows: 28, cols: 28 } as const;
const CLASSES = 10;
/** Digits per row of the pictures. */
const SHOWN = 10;

const percent = (x: unknown) => `${(100 * (x as number)).toFixed(2)}%`;

async function collectDeep(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  const counts = { ...(m.train ? { train_count: m.train } : {}), ...(m.test ? { test_count: m.test } : {}) };
  const run = async (what: string, spec: JsonObject, line: (r: JsonObject) => string) => {
    ctx.phase(`deep: ${what}`);
    const r = await ctx.run({ seed: ctx.seed, ...counts, ...spec });
    ctx.unit(`${what}: ${line(r)}`);
    return r;
  };

  // 1. The deep belief net with label units, fine-tuned, and the float MLP of the same widths.
  const net = `784-${m.dbn.join('-')}`;
  const dbn = await run(`DBN ${net} + labels`, { job: 'dbn-train', hidden: [...m.dbn], epochs: m.dbnEpochs, labels: true, fine_tune_epochs: m.fineTune, return_model: true }, (r) => `generative test error ${percent(r.generative_test_error)}, fine-tuned ${percent(r.test_error)}`);
  const mlp = await run(`float MLP ${net}-10`, { job: 'mlp-train', hidden: [...m.dbn], epochs: m.fineTune }, (r) => `test error ${percent(r.test_error)}`);
  ctx.phase('deep: DBN samples of each class');
  const perClass: Float32Array[] = [];
  for (let label = 0; label < CLASSES; label++) {
    const s = await ctx.run({ job: 'dbn-sample', model: dbn.model_base64, count: SHOWN, steps: m.gibbs, seed: ctx.seed, label });
    perClass.push(Float32Array.from(fromBase64(s.images_base64 as string), (b) => b / 255));
  }
  const samples = digitRows(perClass, SHOWN, DIGIT);

  // 2. The deep autoencoder: RBM-pretrained and from a random start, with a linear code; then PCA's error on the same digits.
  const layers = (code: number) => [...m.encoder, code];
  const ae = (what: string, spec: JsonObject) =>
    run(what, { job: 'ae-train', activation: 'sigmoid', epochs: m.aeEpochs, pretrain_epochs: m.pretrainEpochs, return_model: true, ...spec }, (r) => `test squared error ${(r.test_squared_error as number).toFixed(2)} per digit`);
  const evaluate = (model: JsonObject, extra: JsonObject) => ctx.run({ job: 'ae-eval', model: model.model_base64, seed: ctx.seed, ...counts, ...extra });
  const deep = await ae(`deep autoencoder 784-${layers(m.code).join('-')}, pretrained`, { hidden: layers(m.code), code: 'linear', pretrain: 'rbm' });
  const random = await ae('the same from a random start', { hidden: layers(m.code), code: 'linear' });
  const [deepEval, randomEval] = [await evaluate(deep, { return_images: SHOWN }), await evaluate(random, { return_images: SHOWN })];
  ctx.unit(`PCA-${m.code}: test squared error ${(deepEval.pca_squared_error as number).toFixed(2)} per digit`);

  // 3. 2-D codes; 4. binary codes for semantic hashing.
  const plane = await ae('2-D codes, pretrained', { hidden: layers(2), code: 'linear', pretrain: 'rbm' });
  const planeEval = await evaluate(plane, { return_codes: true });
  const binary = await ae(`${m.bits}-bit codes, pretrained`, { hidden: layers(m.bits), code: 'binary', pretrain: 'rbm' });
  const hash = await run(`semantic hashing, ${m.bits} bits`, { job: 'ae-hash', model: binary.model_base64 }, (r) => `mean average precision ${(r.map as number).toFixed(3)} (PCA signs ${(r.pca_map as number).toFixed(3)}, LSH ${(r.lsh_map as number).toFixed(3)})`);

  const trained = (r: JsonObject, e: JsonObject) => ({ layers: r.layers, epochs: r.epochs, pretraining: r.pretraining ?? null, test_squared_error: e.test_squared_error, images: e.images ?? null, examples_per_s: r.examples_per_s });
  return {
    quick: ctx.scale === 'quick',
    scale: ctx.scale,
    dbn: { layers: dbn.layers, epochs: m.dbnEpochs, fine_tune_epochs: m.fineTune, train_count: dbn.train_count, test_count: dbn.test_count, generative_test_error: dbn.generative_test_error, test_error: dbn.test_error, history: dbn.history, gibbs: m.gibbs, samples },
    mlp: { layers: mlp.layers, epochs: mlp.epochs, test_error: mlp.test_error },
    autoencoders: { code: m.code, pretrained: trained(deep, deepEval), random: trained(random, randomEval), pca_squared_error: deepEval.pca_squared_error, train_count: deepEval.train_count, test_count: deepEval.test_count },
    codes_2d: planeEval.codes_2d,
    hashing: { bits: hash.bits, radius: hash.radius, precision_at_radius: hash.precision_at_radius, recall_at_radius: hash.recall_at_radius, map: hash.map, pca_map: hash.pca_map, lsh_map: hash.lsh_map, curves: hash.curves, queries: hash.queries, database: hash.database },
  };
}

export const deepReportSection: ReportSection = { name: 'deep', collect: collectDeep };
