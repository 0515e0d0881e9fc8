// The sections features add to the report of `npm start` (harmonium study), beside the Ising study and
// the benchmarks (what a section is: section.ts), in the features' order (harness/features.ts). Each has
// a drawer on the page (harness/report/page.ts SECTION_DRAWERS).
import { FEATURES } from '../features.js';
import type { ReportSection } from './section.js';

export const REPORT_SECTIONS: readonly ReportSection[] = FEATURES.flatMap((f) => (f.section ? [f.section] : []));
