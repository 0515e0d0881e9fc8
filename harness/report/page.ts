// The report page's script (bundled as an IIFE and inlined into results/report.html with its data):
// the header, then each feature's sections (harness/<feature>/report.ts), drawn with uPlot.
import type { ReportData } from './data.js';
import type { JsonObject } from '../io/json.js';
import { studySection, isingBenchSection } from '../ising/report.js';
import { gemmBenchSection } from '../gemm/report.js';
import { hopfieldSection } from '../hopfield/report.js';
import { tspSection } from '../tsp/report.js';
import { rbmSection } from '../rbm/report.js';
import { vaeSection } from '../vae/report.js';
import { binaryNetSection } from '../binarynet/report.js';
import { deepSection } from '../dbn/report.js';
import { rgSection } from '../rg/report.js';
import { linearSection } from '../linear/report.js';
import { topicsSection } from '../topics/report.js';
import { sbnSection } from '../sbn/report.js';
import { ganSection } from '../gan/report.js';

declare global {
  interface Window {
    REPORT_DATA: ReportData;
  }
}

/** Each benchmark's title and section, by benchmark name (a result's `name`; this run's are keyed 'bench-<name>'). */
const BENCH_SECTIONS: Readonly<Record<string, [string, (result: JsonObject, title: string) => void]>> = {
  ising: ['Ising sweeps', isingBenchSection],
  gemm: ['matrix-product kernels', gemmBenchSection],
};

/** Each feature section's drawer (harness/report/sections.ts), by section name. */
const SECTION_DRAWERS: Readonly<Record<string, (data: JsonObject) => void>> = { binarynet: binaryNetSection, deep: deepSection, rg: rgSection, linear: linearSection, topics: topicsSection, sbn: sbnSection, gan: ganSection, hopfield: hopfieldSection, tsp: tspSection, rbm: rbmSection, vae: vaeSection };

function render(data: ReportData): void {
  document.title = data.title;
  document.getElementById('title')!.textContent = data.title;
  const a = data.adapter as Record<string, string>;
  document.getElementById('meta')!.textContent = `${data.date} · ${data.backend} backend · adapter: ${a.description} (${a.vendor}/${a.architecture})${data.scale ? ` · ${data.scale} scale${data.scale === 'cpu' ? ' (smaller models and shorter runs, for the CPU fallback)' : ''}` : ''}`;
  studySection(data.study);
  for (const [name, sectionData] of Object.entries(data.sections ?? {})) SECTION_DRAWERS[name]?.(sectionData);
  for (const [name, [title, draw]] of Object.entries(BENCH_SECTIONS)) {
    const result = data.benchmarks[`bench-${name}`];
    if (result) draw(result, `Benchmark: ${title} (this run)`);
  }
  for (const [file, result] of Object.entries(data.recorded)) BENCH_SECTIONS[String(result.name)]?.[1](result, `Recorded: ${file}`);
  document.body.dataset.ready = 'true';
}

render(window.REPORT_DATA);
