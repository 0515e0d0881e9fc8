// Sections a feature adds to the report of `npm start` (harmonium study), beside the Ising study and the
// benchmarks: each runs its jobs on the study's backend and hands plain JSON to its drawer on the page
// (harness/report/page.ts SECTION_DRAWERS). A new section is a line in REPORT_SECTIONS and a drawer.
import type { JsonObject } from '../io/json.js';
import { hopfieldReportSection } from '../hopfield/study.js';
import { tspReportSection } from '../tsp/study.js';
import { rbmReportSection } from '../rbm/report_section.js';
import { vaeReportSection } from '../vae/study.js';

export interface SectionContext {
  /** Runs a job spec on the study's backend and device. */
  run(spec: JsonObject): Promise<JsonObject>;
  /** --quick: a smoke run, seconds not minutes. */
  quick: boolean;
  seed: number;
  /** Logs one finished unit of work. */
  unit(line: string): void;
}

export interface ReportSection {
  /** Key of the section's data in the report (ReportData.sections) and of its drawer. */
  name: string;
  collect(ctx: SectionContext): Promise<JsonObject>;
}

export const REPORT_SECTIONS: readonly ReportSection[] = [hopfieldReportSection, tspReportSection, rbmReportSection, vaeReportSection];
