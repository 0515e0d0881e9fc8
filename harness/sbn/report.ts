// The sigmoid belief nets' section of the report page (data from harness/sbn/study.ts): wake-sleep
// against NVIL, test log p(x) per epoch as a chart and at the end as a table.
import type { JsonObject } from '../io/json.js';
import { chart, fmt, section, table } from '../report/charts.js';

type History = Array<Record<string, number>>;

export function sbnSection(data: JsonObject): void {
  const runs = data.runs as JsonObject[];
  const first = runs[0];
  const sec = section(
    `Sigmoid belief nets: wake-sleep against NVIL${data.quick ? ' (quick: a tiny net, a smoke run)' : ''}`,
    `784-${(first.hidden as number[]).join('-')} nets of stochastic binary units with a recognition network, Adam at ${String(data.lr)}, batch 100, ${String(first.epochs)} epochs on ${String(first.train_count)} dynamically binarised training digits; ` +
      `test log p(x) in nats on ${String(first.test_count)} binarised test digits by importance sampling with the recognition network as the proposal (K = ${String(first.eval_k)} after each epoch, K = ${String(first.k)} at the end).`,
  );
  const epochs = (first.history as History).map((h) => h.epoch);
  chart(sec, `Test log p(x) per epoch (K = ${String(first.eval_k)})`, 'epoch', 'log p(x)', epochs, runs.map((r) => ({ label: String(r.method), values: (r.history as History).map((h) => h.test_log_px) })));
  table(sec, ['method', `test log p(x), K = ${String(first.k)}`, 'last epoch: training ELBO estimate', 'train examples/s'], runs.map((r) => {
    const h = r.history as History;
    return [String(r.method), fmt(r.log_px as number), fmt(h[h.length - 1].train_elbo), fmt(r.examples_per_s as number)];
  }));
}
