// The travelling-salesman section of the report page: each solver's best tour drawn over the cities
// (SVG), and a table of lengths against the Held-Karp optimum.
import type { JsonObject } from '../io/json.js';
import { el, section, table } from '../report/charts.js';

const SVG = 'http://www.w3.org/2000/svg';

/** The cities as dots and the closed tour through them, in a square of `size` pixels. */
export function tourSvg(x: readonly number[], y: readonly number[], tour: readonly number[], size = 300): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('viewBox', '-0.05 -0.05 1.1 1.1');
  const line = document.createElementNS(SVG, 'polygon');
  // y up, as in the unit square the cities are drawn from.
  line.setAttribute('points', tour.map((c) => `${x[c]},${1 - y[c]}`).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#1f77b4');
  line.setAttribute('stroke-width', '0.008');
  svg.append(line);
  x.forEach((_, c) => {
    const dot = document.createElementNS(SVG, 'circle');
    dot.setAttribute('cx', String(x[c]));
    dot.setAttribute('cy', String(1 - y[c]));
    dot.setAttribute('r', '0.015');
    dot.setAttribute('fill', '#d62728');
    svg.append(dot);
  });
  return svg;
}

export function tspSection(data: JsonObject): void {
  const runs = data.runs as JsonObject[];
  const first = runs[0];
  const sec = section(
    `Travelling salesman: ${String(first.cities)} random cities`,
    'The permutation-matrix network of n x n units (penalties for a row or column without exactly one unit, plus the distances), ' +
      'all restarts in parallel on the GPU; the best restart drawn. The optimum is Held-Karp in TypeScript.',
  );
  const row = el('div', { class: 'snapshots' });
  for (const r of runs) {
    const figure = el('figure');
    figure.append(tourSvg(r.x as number[], r.y as number[], r.tour as number[]), el('figcaption', {}, `${String(r.solver)}: length ${(r.length as number).toFixed(4)}`));
    row.append(figure);
  }
  sec.append(row);
  table(
    sec,
    ['solver', 'restarts', 'best length', 'optimal length', 'valid fraction', 'optimal fraction', 'mean length'],
    runs.map((r) => [r.solver as string, r.restarts as number, r.length as number, (r.optimal_length as number) ?? NaN, r.valid_fraction as number, (r.optimal_fraction as number) ?? NaN, r.mean_length as number]),
  );
}
