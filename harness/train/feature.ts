// What a trainable model is to the harness: an adapter that names its flags, its data, its model file
// and its evaluation. The shared flow (job.ts, command.ts) does the rest for every such model: the
// `<model> train` command and its job in Node or a page, resume with its checks, the history saved in
// the model file after every epoch, atomic writes, the JSON result and the lines a log shows.
import type { RunContext, Safetensors, SafetensorsTensor } from '../../engine/index.js';
import type { Owned, Releasable } from '../../models/owned.js';
import type { JobContext } from '../backends/context.js';
import type { Schema, Values } from '../cli/schema.js';
import type { DATA_FLAGS, DataSplit } from '../data/source.js';
import type { JsonObject } from '../io/json.js';
import type { ParamSet } from '../../engine/params.js';
import type { TRAIN_JOB_FLAGS } from './flags.js';

/** A series the run records, saved in the model file under `name`: a value per step or per epoch. */
export interface Series {
  name: string;
  dtype: 'F32' | 'F64' | 'U32';
  per: 'step' | 'epoch';
}

/** Each series' values so far, by name. */
export type History = Record<string, number[]>;

/** What the flow needs of a model: its steps trained (a ParamSet's iteration), its file, its release. */
export interface TrainableModel extends Releasable {
  readonly params: Pick<ParamSet, 'iteration'>;
  toSafetensors(extra: { tensors?: Record<string, SafetensorsTensor>; metadata?: Record<string, string> }): Promise<Uint8Array>;
}

/** What the flow needs of a trainer (the models' Trainer subclasses). */
export interface EpochTrainer<E> {
  /** Epochs done: steps / batchesPerEpoch. */
  readonly epoch: number;
  readonly batchesPerEpoch: number;
  trainEpoch(onProgress?: (done: number, total: number) => void): Promise<E>;
}

/** A model file restored: the model and what else the file holds. */
export interface Restored<M> {
  model: M;
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

/** A run's training in progress: the trainer, and what it records after each epoch. */
export interface TrainingSession<E extends TrainedEpochInfo> {
  trainer: EpochTrainer<E>;
  /** The epochs the run trains in all, when they are not --epochs (a deep belief net's: layers x --epochs). */
  epochs?: number;
  /** After an epoch: the values it adds to each series (by series name), and the line the log shows. */
  record(epoch: E, history: History): Promise<{ values: Record<string, ArrayLike<number> | number>; line?: (history: History) => string }>;
  /** Tensors the model file holds beside the parameters and the history (a trainer's state). */
  state?(): Promise<Record<string, SafetensorsTensor>>;
  /** Result fields made once training is done (pictures for the report). */
  finish?(): Promise<JsonObject>;
}

/** The values of a training job: the model's flags, the data's, and the flow's own (resume, return). */
export type TrainParams<S extends Schema> = Values<S> & Values<typeof DATA_FLAGS> & Values<typeof TRAIN_JOB_FLAGS> & { epochs: number; batch: number };

/** An epoch's account, as every trainer gives it. */
export interface TrainedEpochInfo {
  epoch: number;
  examples: number;
  wallMs: number;
}

/**
 * A trainable model's adapter. `D` is the data as the model sees it (made once per run by `prepare`
 * from the split: binarised, standardised, uploaded).
 */
export interface TrainingFeature<S extends Schema, M extends TrainableModel, E extends TrainedEpochInfo, D> {
  /** The model: the command `${name} train`, the job `${name}-train`. */
  name: string;
  summary: string;
  /** --help's prose after the flags: what it logs and prints, what the model file holds. */
  details: string;
  /** The run's flags: a checkpoint resumes only a run with the same values (epochs aside). */
  flags: S;
  /** The model's rules on a run's values, before any device opens (InputErrors naming the parameter). */
  check(p: TrainParams<S>): void;
  /** Reads and checks a model file of this kind (no GPU): the tag, the configuration, the tensors. */
  readConfig(file: Safetensors, source: string): unknown;
  /**
   * The examples of a run when the feature makes them on the device itself (the RG experiment's Ising
   * samples) instead of reading --data: its command and job then take no data flags, and its model
   * files' settings have no 'data'. They must be the same for the same flags, so that a resume sees them again.
   */
  generate?(ctx: JobContext, p: TrainParams<S>): Promise<DataSplit>;
  /** With generate: the settings known before the data is made, so that a resume with others is refused before generate runs. */
  knownSettings?(p: TrainParams<S>): Record<string, string>;
  /** The data of a run as the model sees it, from the examples of --data and --test (or generate's). */
  prepare(runtime: 'node' | 'browser', p: TrainParams<S>, split: DataSplit): Promise<D>;
  create(ctx: RunContext, p: TrainParams<S>, data: D): Promise<M>;
  restore(ctx: RunContext, bytes: Uint8Array, source: string): Promise<Restored<M>>;
  /**
   * The settings a checkpoint must share with the run that resumes it, by flag name with underscores
   * ('noise_level'), as metadata strings. `fromModel` lists those the model's own metadata records.
   */
  settings(p: TrainParams<S>, split: DataSplit): Record<string, string>;
  /** Said after the data's description in model files' metadata 'dataset' ('; intensities'). */
  dataNote?: string;
  /** Metadata keys named otherwise than their flags ({ k: 'cd' }). */
  flagNames?: Readonly<Record<string, string>>;
  /** Settings as a restored model says them (its widths), compared like the rest; not written again. */
  modelSettings?(model: M): Record<string, string>;
  series: readonly Series[];
  /** Training examples one step reads (default --batch): a GAN's critic reads several batches per step. */
  examplesPerStep?(p: TrainParams<S>): number;
  /** The trainer and the evaluation of a run; `resumed` is the checkpoint's file, if any. */
  start(ctx: JobContext, model: M, p: TrainParams<S>, data: D, owned: Owned, resumed: Restored<M> | undefined): Promise<TrainingSession<E>>;
  /** The model's own result fields: its configuration, the final metrics, the per-epoch history. */
  result(model: M, history: History, p: TrainParams<S>, stepsPerEpoch: number): JsonObject;
  /** What a person reads after training: a title line and labelled values (the flow adds the speed and the model file). */
  report(result: JsonObject): { title: string; lines: Array<[string, string]> };
}
