// The data a report page draws: plain JSON embedded in results/report.html.
import type { JsonObject } from '../io/json.js';

export interface StudyPoint {
  size: number;
  temperature: number;
  energy_per_site: number;
  energy_err: number;
  magnetization_abs: number;
  magnetization_abs_err: number;
  binder: number;
  binder_err: number;
  energy_tau: number;
  flips_per_ns: number;
}

export interface ReportData {
  title: string;
  date: string;
  backend: string;
  adapter: JsonObject;
  /** The study's size (harness/report/section.ts STUDY_SCALES): quick, cpu (the CPU fallback's) or full. */
  scale?: string;
  study: {
    algorithm: string;
    sweeps: number;
    burn_in: number;
    seed: number;
    sizes: number[];
    points: StudyPoint[];
    exact: { temperature: number[]; energy: number[]; magnetization: number[] };
    tc: number;
    snapshots: { size: number; temperature: number; sites_base64: string }[];
  };
  /** Each feature section's data (harness/report/sections.ts), by section name. */
  sections: Record<string, JsonObject>;
  /** Benchmark results measured in this run, by bench name (bench-ising, bench-gemm job results). */
  benchmarks: Record<string, JsonObject>;
  /** Results recorded earlier under harness/results/ (other adapters, a lent GPU), by file name. */
  recorded: Record<string, JsonObject>;
}
