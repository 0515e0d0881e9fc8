// A section a feature adds to the report of `npm start` (harmonium study): it runs its jobs on the
// study's backend and hands plain JSON to its drawer on the page (harness/report/page.ts
// SECTION_DRAWERS). Kept apart from the list (sections.ts), which imports every feature's section:
// the features import this file, and no import goes round in a circle.
import type { JsonObject } from '../io/json.js';

/**
 * How big a study is: quick (a smoke run, seconds), cpu (what the CPU fallback finishes in minutes:
 * smaller models and shorter runs) or full (a GPU's sizes).
 */
export const STUDY_SCALES = ['quick', 'cpu', 'full'] as const;
export type StudyScale = (typeof STUDY_SCALES)[number];

export interface SectionContext {
  /** Runs a job spec on the study's backend and device. */
  run(spec: JsonObject): Promise<JsonObject>;
  scale: StudyScale;
  seed: number;
  /** Logs one finished unit of work. */
  unit(line: string): void;
  /** Names the work now running, for the log's heartbeat (harness/cli/progress.ts). */
  phase(name: string): void;
}

export interface ReportSection {
  /** Key of the section's data in the report (ReportData.sections) and of its drawer. */
  name: string;
  collect(ctx: SectionContext): Promise<JsonObject>;
}
