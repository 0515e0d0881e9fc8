// The sections features add to the report of `npm start` (harmonium study), beside the Ising study and
// the benchmarks (what a section is: section.ts). A new section is a line in REPORT_SECTIONS and a
// drawer (harness/report/page.ts SECTION_DRAWERS).
import type { ReportSection } from './section.js';
import { hopfieldReportSection } from '../hopfield/study.js';
import { tspReportSection } from '../tsp/study.js';
import { rbmReportSection } from '../rbm/report_section.js';
import { vaeReportSection } from '../vae/study.js';

export const REPORT_SECTIONS: readonly ReportSection[] = [hopfieldReportSection, tspReportSection, rbmReportSection, vaeReportSection];
