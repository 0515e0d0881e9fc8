// What a feature of the harness is (one folder: ising/, rbm/, ...), registered once in features.ts:
// its jobs (run in Node or in a page), its benchmark (`harmonium bench <name>`) and its report section.
// Its CLI commands are the `commands` its command.ts exports (Node only: the CLI loads them by the
// feature's name, harness/cli/commands.ts, so that nothing a page loads imports them).
import type { Job } from './backends/context.js';
import type { Benchmark } from './bench/definition.js';
import type { ReportSection } from './report/section.js';

export interface Feature {
  /** The folder's name; a benchmark is `bench <name>`. */
  name: string;
  /** Its jobs by name ('rbm-train'). */
  jobs: Readonly<Record<string, Job>>;
  benchmark?: Benchmark;
  /** Its section of the report of `npm start` (the page's drawer: harness/report/page.ts). */
  section?: ReportSection;
}
