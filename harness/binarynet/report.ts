// BinaryNet's section of the report page (data from harness/binarynet/study.ts): test error per epoch
// of BinaryNet, BinaryConnect and the float MLP of the same widths, the folded network's two inference
// paths, and the speed table of bench binarynet.
import type { JsonObject } from '../io/json.js';
import { chart, section, table } from '../report/charts.js';

type History = Array<Record<string, number>>;

const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(2)}%` : '—');

export function binaryNetSection(data: JsonObject): void {
  const models = data.models as JsonObject[];
  const first = models[0];
  const ev = data.eval as JsonObject;
  const sec = section(
    `BinaryNet on MNIST${data.quick ? ' (quick: tiny models, a smoke run)' : ''}`,
    `${(first.layers as number[]).join('-')}: +-1 weights and (BinaryNet) +-1 hidden units after batch norm, square hinge loss, Adam from 0.003 to ${String(data.lr_end)} over ${String(first.epochs)} epochs, ` +
      `dropout 0.2 / 0.5, on ${String(first.train_count)} training digits; BinaryConnect keeps ReLU units; the float MLP (relu, Adam 1e-3) has the same widths. ` +
      `Folded for inference, the f32 and XNOR-popcount paths classified ${String(ev.test_count)} test digits with ${ev.agree ? 'identical predictions' : 'DIFFERENT predictions'}${ev.scores_identical ? ' and bit-identical scores' : ''}.`,
  );
  const epochs = (first.history as History).map((h) => h.epoch);
  chart(sec, 'Test error per epoch', 'epoch', 'test error', epochs, models.map((m) => ({ label: String(m.model), values: (m.history as History).map((h) => h.test_error) })));
  table(sec, ['model', 'test error', 'packed path', 'f32 path', 'train examples/s'], models.map((m, i) => [String(m.model), pct(m.test_error), i === 0 ? pct(ev.test_error_packed) : '', i === 0 ? pct(ev.test_error_float) : '', m.examples_per_s as number]));
  const bench = data.bench as JsonObject;
  const rows = bench.rows as JsonObject[];
  const limits = bench.limits as Record<string, number>;
  const speed = section(
    'BinaryNet inference speed (this run)',
    `A folded ${(rows[0]?.layers as number[] | undefined)?.join('-') ?? ''} network over ${String((bench.params as JsonObject).examples)} digits in batches of ${String((bench.params as JsonObject).rows)}, the last batch's scores read back; ` +
      `measured f32 FMA peak ${limits.fma_gflops.toFixed(2)} GFLOP/s, xor+popcount ${limits.popcount_gops.toFixed(2)} Gop/s. ${(bench.tfjs as JsonObject).available ? '' : `tfjs: ${String((bench.tfjs as JsonObject).reason)}`}`,
  );
  table(speed, ['impl', 'path', 'images/s', 'of f32 FMA peak', 'of popcount peak', 'packed over tfjs'], rows.map((r) => [
    String(r.impl),
    String(r.path),
    r.images_per_s as number,
    pct(r.fraction_of_fma_peak),
    typeof r.fraction_of_popcount_peak === 'number' ? pct(r.fraction_of_popcount_peak) : '',
    typeof r.ours_over_tfjs === 'number' ? `${r.ours_over_tfjs.toFixed(2)}x` : '',
  ]));
}
