// The Hopfield section of the report page: the capacity curve (mean overlap and stable fraction
// against the load, the critical load in the title and the note) and the letters recalled step by step.
import type { JsonObject } from '../io/json.js';
import { chart, el, section, table } from '../report/charts.js';
import { paintGrey, recallGrid } from './recall_grid.js';

export function hopfieldSection(data: JsonObject): void {
  const capacity = data.capacity as JsonObject;
  const points = capacity.points as Array<Record<string, number>>;
  const recall = data.recall as JsonObject;
  const sec = section(
    `Hopfield network: capacity at N = ${String(capacity.units)}, the letters recalled`,
    `Hebbian storage of P = load x N random patterns, ${String(capacity.trials)} network(s) per load, ${String(capacity.update)} updates from each stored pattern to a fixed point. ` +
      `Theory for large N: retrieval breaks down at load ${String(data.critical_load)} (Amit, Gutfreund and Sompolinsky); finite N puts it near 0.14.`,
  );
  const loads = points.map((q) => q.load);
  chart(sec, `Recall of stored patterns against the load (critical load ${String(data.critical_load)})`, 'load P/N', 'fraction', loads, [
    { label: 'mean overlap', values: points.map((q) => q.mean_overlap), points: true },
    { label: 'stable fraction', values: points.map((q) => q.stable_fraction), points: true },
  ]);
  table(
    sec,
    ['load', 'P', 'mean overlap', 'stable fraction', 'converged fraction', 'mean steps'],
    points.map((q) => [q.load, q.patterns, q.mean_overlap, q.stable_fraction, q.converged_fraction, q.mean_steps]),
  );
  const names = recall.names as string[];
  const outcomes = recall.outcomes as JsonObject[];
  // Up to the step from which every letter stays at its fixed point (the rest repeat it).
  const last = Math.max(...outcomes.map((o) => o.step as number));
  const history = (recall.history as number[][]).slice(0, last + 1);
  const grid = recallGrid(recall.stored as number[], history, recall.units as number, recall.width as number);
  const canvas = el('canvas');
  paintGrey(canvas, grid, 8);
  const caption = names.map((name, k) => `${name}: ${(recall.recalled as boolean[])[k] ? 'recalled' : 'not recalled'} (${String(outcomes[k].status)} at step ${String(outcomes[k].step)})`).join('; ');
  const figure = el('figure');
  figure.append(canvas, el('figcaption', {}, `Rows: ${names.join(', ')}. Columns: the stored letter, the probe (${String(recall.noise)} of its pixels flipped), then the state after each step up to the last fixed point (${String(recall.update)}${recall.blocks ? `, ${String(recall.blocks)} random blocks per sweep` : ''}). ${caption}.`));
  sec.append(el('h3', {}, 'The four 5x5 letters recalled step by step (dark = +1)'), figure);
}
