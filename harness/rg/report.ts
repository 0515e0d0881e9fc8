// The renormalisation group's section of the report page (data from harness/rg/study.ts): the 1-D
// chain's flow, exact, sampled and learned, as a table and a chart against the level; and for each
// coupling of the 2-D experiment, the stack's receptive fields per layer, their locality against
// shuffled fields, and the configurations it generates against the training samples.
import type { JsonObject } from '../io/json.js';
import { chart, figure, section, table } from '../report/charts.js';

type Row = Record<string, number>;

/** One coupling's stack: the samples, the locality table, the fields of each layer, the generated configurations. */
function latticeSection(data: JsonObject, quick: boolean): void {
  const [size, j] = [data.size as number, data.coupling as number];
  const widths = (data.widths as number[]).join('-');
  const g = data.generated as Record<string, number> & JsonObject;
  const sec = section(
    `A stack of RBMs on the 2-D Ising lattice at J = ${j}${quick ? ' (quick: a tiny run)' : ''}`,
    `Mehta & Schwab 2014: ${String(data.samples)} configurations of the ${size} x ${size} periodic lattice from our heat-bath sampler, ${String(data.spacing_sweeps)} sweeps apart (${String(data.spacing)} x the integrated autocorrelation time ${(data.tau as number).toFixed(1)}), ` +
      `train RBMs ${widths} greedily (CD-${String(data.k)}, L1 ${String(data.l1)} on the weights, ${String(data.epochs)} epochs each). A unit's receptive field is its column of W_1 ... W_l on the lattice; ` +
      `locality is the mean share of a field's squared weight within ${String(data.radius)} sites of its centre (periodic), set beside the same fields permuted over the sites; mean radius is the RMS distance of that weight from the centre (the median over the units too: units L1 has all but silenced keep a field of noise spread over the lattice). ` +
      `The samples' energy per site is ${(data.energy_per_site as number).toFixed(4)} (infinite lattice ${(data.exact_energy_per_site as number).toFixed(4)}), |m| ${(data.magnetization_abs as number).toFixed(4)} (infinite lattice ${(data.exact_magnetization as number).toFixed(4)}: ${j > 0.4407 ? 'ordered' : 'zero above Tc; a finite lattice keeps some'}).`,
  );
  const layers = data.layers as Array<Record<string, number>>;
  table(sec, ['layer', 'units', 'locality', 'locality, shuffled', 'mean radius', 'mean radius, shuffled', 'median radius', 'reconstruction error'], layers.map((l, i) => [l.layer, l.units, l.locality, l.locality_shuffled, l.mean_radius, l.mean_radius_shuffled, l.median_radius, (data.reconstruction_error as Array<number | null>)[i] ?? '']));
  for (const f of data.fields as JsonObject[]) figure(sec, f.picture as JsonObject, `Layer ${String(f.layer)} (${String(f.units)} units): the first fields, each scaled by its own largest |value| (mid grey 0, white positive).`, 2);
  table(sec, ['configurations', 'energy per site', '|m|'], [
    ['training samples', (data.energy_per_site as number).toFixed(4), (data.magnetization_abs as number).toFixed(4)],
    [`generated (${g.count}, ${g.steps} Gibbs steps at the top, then down)`, `${g.energy_per_site.toFixed(4)} +- ${g.energy_per_site_stderr.toFixed(4)}`, `${g.magnetization_abs.toFixed(4)} +- ${g.magnetization_abs_stderr.toFixed(4)}`],
  ]);
  figure(sec, g.picture as JsonObject, 'Configurations the stack generates (white: spin up).', 2);
}

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
  for (const lattice of (data.lattices as JsonObject[] | undefined) ?? []) latticeSection(lattice, data.quick === true);
}
