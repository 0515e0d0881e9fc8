// The renormalisation group's section of the report page (data from harness/rg/study.ts): the 1-D
// chain's flow, exact, sampled and learned, as a table and a chart against the level.
import type { JsonObject } from '../io/json.js';
import { chart, section, table } from '../report/charts.js';

type Row = Record<string, number>;

export function rgSection(data: JsonObject): void {
  const [exact, measured, learned] = [data.exact as number[], data.measured as Row[], data.learned as Row[]];
  const sec = section(
    `Renormalisation group of the 1-D Ising chain${data.quick ? ' (quick: a tiny run)' : ''}`,
    `Decimation (keep every other spin) maps a chain with coupling J to one with tanh J' = tanh^2 J, so level n has tanh J_n = tanh(J_0)^(2^n), the correlation of spins 2^n apart. ` +
      `Sampled: ${String(data.chains)} samples of a periodic chain of ${String(data.length)} spins at J_0 = ${String(data.coupling)} (our Boltzmann machine's sequential Gibbs sampler, ${String(data.sweeps)} sweeps). ` +
      `Learned: RBMs ${String(data.length)} -> ${String((data.length as number) / 2)} -> ... trained greedily on the samples (CD-1, ${String(data.epochs)} epochs each), each level's units ordered by their receptive fields' centres, their nearest-neighbour correlation as +-1 block spins (Mehta & Schwab 2014).`,
  );
  const learnedAt = (n: number) => learned.find((l) => l.level === n);
  table(sec, ['level n', 'J_n', 'tanh J_n', 'sampled correlation at 2^n', 'learned nearest-neighbour correlation'], exact.map((j, n) => {
    const l = learnedAt(n);
    return [n, j, Math.tanh(j), `${measured[n].value.toFixed(4)} +- ${measured[n].stderr.toFixed(4)}`, l ? `${l.correlation.toFixed(4)} +- ${l.stderr.toFixed(4)} (${l.units} units)` : ''];
  }));
  const levels = exact.map((_, n) => n);
  chart(sec, 'Correlation against the decimation level', 'level n', 'correlation', levels, [
    { label: 'tanh J_n (exact)', values: exact.map((j) => Math.tanh(j)) },
    { label: 'sampled at distance 2^n', values: measured.map((m) => m.value), points: true },
    { label: 'learned block spins', values: levels.map((n) => learnedAt(n)?.correlation ?? null), points: true },
  ]);
}
