// What a benchmark is to the `bench` command: the job that measures (in Node or in a page), how its
// result reads as a table, and the one JSON object `--json` prints. Each feature folder exports its own.
import type { JsonObject } from '../io/json.js';
import type { StudyScale } from '../report/section.js';

export interface Benchmark {
  /** Its name in `bench <name>` when not its feature's (the linear feature's is 'cluster'). */
  name?: string;
  /** The job name (harness/backends/jobs.ts). */
  job: string;
  /** One line for `bench --help`: what is timed, against what. */
  summary: string;
  /** The default problem sizes, as the help shows them. */
  sizes: readonly number[];
  table(result: JsonObject, backend: string): string;
  /** The one JSON object printed last with --json. */
  summaryOf(result: JsonObject): JsonObject;
  /** The job spec `harmonium study` runs for the report at its scale; absent: not in the report. */
  study?(scale: StudyScale): JsonObject;
}
