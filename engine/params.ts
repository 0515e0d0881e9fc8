// Parameter sets: named, shaped f32 parameter tensors with seeded initialisation, each with its
// gradient and its optimiser state (engine/ops/optim.ts), the training iteration, released together
// and saved to / restored from safetensors bytes bit for bit.
import type { Tensor } from './buffers.js';
import { InputError } from './errors.js';
import type { KernelGraph, RunStats, Scheduler } from './graph.js';
import type { OpContext } from './ops/common.js';
import { normal2, rngBits, uniform24 } from './philox.js';
import { RNG_PURPOSES } from './rng_purposes.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';

/**
 * How a parameter starts. Random kinds draw on the host from Philox (see initialValues):
 * - zeros, constant(value);
 * - normal(mean = 0, std);
 * - uniform(low, high): [low, high);
 * - glorot: Glorot/Xavier uniform, U(-a, a) with a = sqrt(6 / (fanIn + fanOut)); the fans default
 *   to the two dimensions of a 2-D shape (only their sum matters, so either layout of a weight matrix).
 */
export type ParamInit =
  | { kind: 'zeros' }
  | { kind: 'constant'; value: number }
  | { kind: 'normal'; mean?: number; std: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'glorot'; fanIn?: number; fanOut?: number };

export interface ParamSpec {
  /** Unique in its set; any text without '/' (the checkpoint names state tensors '<slot>/<name>'). */
  name: string;
  /** Positive integers, row-major. */
  shape: readonly number[];
  /** Default zeros. */
  init?: ParamInit;
}

export interface ParamSetOptions {
  /** Philox key word 0 of the initialisation (a u32). */
  seed: number;
  params: readonly ParamSpec[];
  /** Optimiser state tensors per parameter, by slot name: optimizerState(options) of engine/ops/optim.ts. */
  state?: readonly string[];
}

/** One parameter tensor with its gradient and optimiser state, all f32 of `shape`. */
export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  /** Elements. */
  readonly size: number;
  readonly value: Tensor;
  /** Zero at creation; the kernels that compute gradients overwrite it each step (or clear it first). */
  readonly grad: Tensor;
  /** By slot name ('momentum'; Adam's 'm' and 'v'), zero at creation. */
  readonly state: Readonly<Record<string, Tensor>>;
}

/** What ParamSet.fromSafetensors gives back: the set, and the file's other tensors and metadata. */
export interface ParamCheckpoint {
  params: ParamSet;
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

/** Extra tensors and metadata saved beside a set (a data order, a loss series, the job's spec). */
export interface CheckpointExtra {
  tensors?: Readonly<Record<string, SafetensorsTensor>>;
  /** Keys must not start with 'harmonium.' (the set's own). */
  metadata?: Readonly<Record<string, string>>;
}

const FORMAT = 'harmonium.params.v1';
const KEYS = { format: 'harmonium.format', seed: 'harmonium.seed', iteration: 'harmonium.iteration', params: 'harmonium.params', state: 'harmonium.state' } as const;
const SLOT = /^[A-Za-z][A-Za-z0-9_]*$/;
/** The scheduler's iteration counter lies in [0, 2^31). */
const MAX_ITERATION = 2 ** 31;

const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const isU32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/**
 * The Philox counter step of a parameter's initial values: FNV-1a (32-bit) of its name's UTF-8 bytes.
 * By name rather than by position, so that adding, removing or reordering parameters leaves the
 * others' values unchanged; two names of one set with the same hash are refused.
 */
export function paramStreamStep(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(name)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** Throws an InputError naming `where` unless `init` is a valid initialisation for `shape`. */
function checkInit(where: string, shape: readonly number[], init: ParamInit): void {
  const finite = (field: string, v: unknown, min = -Infinity) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new InputError(`${where}: ${init.kind} init ${field} = ${String(v)} must be a finite number${min > -Infinity ? ` >= ${min}` : ''}`);
  };
  switch (init?.kind) {
    case 'zeros':
      return;
    case 'constant':
      return finite('value', init.value);
    case 'normal':
      finite('mean', init.mean ?? 0);
      return finite('std', init.std, 0);
    case 'uniform':
      finite('low', init.low);
      finite('high', init.high);
      if (!(init.low <= init.high)) throw new InputError(`${where}: uniform init needs low <= high, got [${init.low}, ${init.high})`);
      return;
    case 'glorot':
      for (const [field, v] of [['fanIn', init.fanIn], ['fanOut', init.fanOut]] as const) {
        if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new InputError(`${where}: glorot init ${field} = ${String(v)} must be a positive integer`);
      }
      if ((init.fanIn === undefined || init.fanOut === undefined) && shape.length !== 2) {
        throw new InputError(`${where}: glorot init of shape ${shapeText(shape)} needs fanIn and fanOut (they default to the dimensions of a 2-D shape only)`);
      }
      return;
    default:
      throw new InputError(`${where}: unknown init kind ${JSON.stringify((init as { kind?: unknown })?.kind)}; known: zeros, constant, normal, uniform, glorot`);
  }
}

/**
 * A parameter's initial values, drawn on the host so that the same seed gives the same parameters in
 * Node and in the browser. Element e takes word e % 4 of Philox at key (seed, RNG_PURPOSES.paramInit)
 * and counter (paramStreamStep(name), floor(e / 4), 0, 0):
 *   uniform(low, high): low + (high - low) * uniform24(word)     (glorot: low = -a, high = a)
 *   normal(mean, std):  mean + std * z_e, where (z_4k, z_4k+1) = normal2(words 0, 1) and
 *                       (z_4k+2, z_4k+3) = normal2(words 2, 3) of counter k (rng_normal4's layout)
 * computed in float64 and rounded to f32. Math.log/cos/sin are V8's (fdlibm) in Node and Chrome alike.
 *
 *   const w = initialValues(7, { name: 'W1', shape: [784, 128], init: { kind: 'glorot' } });
 */
export function initialValues(seed: number, spec: ParamSpec): Float32Array {
  const init = spec.init ?? { kind: 'zeros' };
  const where = `parameter '${spec.name}'`;
  checkInit(where, spec.shape, init);
  const out = new Float32Array(elements(spec.shape));
  if (init.kind === 'zeros') return out;
  if (init.kind === 'constant') return out.fill(init.value);
  const step = paramStreamStep(spec.name);
  const purpose = RNG_PURPOSES.paramInit;
  if (init.kind === 'normal') {
    const mean = init.mean ?? 0;
    for (let k = 0; 4 * k < out.length; k++) {
      const bits = rngBits(seed, purpose, step, k, 0);
      const z = [...normal2(bits[0], bits[1]), ...normal2(bits[2], bits[3])];
      for (let j = 0; j < 4 && 4 * k + j < out.length; j++) out[4 * k + j] = mean + init.std * z[j];
    }
    return out;
  }
  let low: number, high: number;
  if (init.kind === 'glorot') {
    const fans = (init.fanIn ?? spec.shape[0]) + (init.fanOut ?? spec.shape[1]);
    high = Math.sqrt(6 / fans);
    low = -high;
  } else {
    ({ low, high } = init);
  }
  for (let k = 0; 4 * k < out.length; k++) {
    const bits = rngBits(seed, purpose, step, k, 0);
    for (let j = 0; j < 4 && 4 * k + j < out.length; j++) out[4 * k + j] = low + (high - low) * uniform24(bits[j]);
  }
  return out;
}

/** A parameter's name, shape and host values: what a set is built from. */
interface ParamData {
  name: string;
  shape: readonly number[];
  values: Float32Array;
  state?: Readonly<Record<string, Float32Array>>;
}

/**
 * Named parameter tensors with their gradients and optimiser state, the training iteration (the
 * step that RNG counters, schedules and Adam's bias correction read), and checkpoints as bytes.
 *
 *   const params = await ParamSet.create(ctx, {
 *     seed: 7,
 *     params: [{ name: 'W1', shape: [784, 128], init: { kind: 'glorot' } }, { name: 'b1', shape: [128] }],
 *     state: optimizerState(adam),
 *   });
 *   // ... kernels fill params.get('W1').grad; addOptimizerStep(graph, ctx, params, adam)
 *   await params.runSteps(scheduler, graph, 100);
 *   const bytes = await params.toSafetensors();      // the harness writes the file
 *   params.release();
 */
export class ParamSet {
  /** Optimiser steps taken: the iteration index of the next step. Saved in checkpoints. */
  iteration = 0;
  private released = false;

  private constructor(
    readonly seed: number,
    readonly state: readonly string[],
    readonly params: readonly Param[],
  ) {}

  /** Allocates every parameter (initialised as its spec says), gradient (zeros) and state tensor (zeros). */
  static async create(ctx: OpContext, options: ParamSetOptions): Promise<ParamSet> {
    if (!isU32(options?.seed)) throw new InputError(`ParamSet: seed = ${String(options?.seed)} must be an integer in [0, 2^32)`);
    if (!Array.isArray(options.params) || options.params.length === 0) throw new InputError('ParamSet: params must list at least one parameter');
    checkNames(options.params.map((p) => p.name), options.state ?? []);
    const data = options.params.map((spec) => {
      checkShape(`parameter '${spec.name}'`, spec.shape);
      return { name: spec.name, shape: [...spec.shape], values: initialValues(options.seed, spec) };
    });
    return ParamSet.build(ctx, options.seed, options.state ?? [], data);
  }

  private static async build(ctx: OpContext, seed: number, state: readonly string[], data: readonly ParamData[]): Promise<ParamSet> {
    const made: Tensor[] = [];
    const tensor = async (label: string, shape: readonly number[], values?: Float32Array) => {
      const t = await ctx.pool.tensor(label, 'f32', shape, { data: values });
      made.push(t);
      return t;
    };
    try {
      const params: Param[] = [];
      for (const d of data) {
        const value = await tensor(d.name, d.shape, d.values);
        const grad = await tensor(`${d.name} grad`, d.shape);
        const slots: Record<string, Tensor> = {};
        for (const slot of state) slots[slot] = await tensor(`${d.name} ${slot}`, d.shape, d.state?.[slot]);
        params.push({ name: d.name, shape: d.shape, size: elements(d.shape), value, grad, state: slots });
      }
      return new ParamSet(seed, [...state], params);
    } catch (e) {
      made.forEach((t) => t.release());
      throw e;
    }
  }

  /** The parameter called `name` (an InputError listing the names when there is none). */
  get(name: string): Param {
    const param = this.params.find((p) => p.name === name);
    if (!param) throw new InputError(`ParamSet: no parameter '${name}'; it has ${this.params.map((p) => `'${p.name}'`).join(', ')}`);
    return param;
  }

  /** Throws unless the set is live (not released). */
  checkLive(where: string): void {
    if (this.released) throw new InputError(`${where}: the ParamSet was released`);
  }

  /**
   * Runs `graph` for `steps` steps from this set's iteration (the scheduler's firstIteration), then
   * advances the iteration: the one way to keep RNG steps, schedules and Adam's bias correction in
   * step with the set, across checkpoints too.
   */
  async runSteps(scheduler: Scheduler, graph: KernelGraph, steps = 1): Promise<RunStats> {
    this.checkLive('ParamSet.runSteps');
    if (!Number.isInteger(steps) || steps < 0 || this.iteration + steps > MAX_ITERATION) {
      throw new InputError(`ParamSet.runSteps: ${steps} steps from iteration ${this.iteration} must be a non-negative integer count ending by 2^31`);
    }
    const stats = await scheduler.run(graph, { repeat: steps, firstIteration: this.iteration });
    this.iteration += steps;
    return stats;
  }

  /**
   * The set as safetensors bytes: each parameter under its name, each state tensor as
   * '<slot>/<name>' (F32), the seed, iteration, parameter names and state slots in metadata
   * ('harmonium.*'), and `extra` tensors and metadata beside them. Gradients are not saved (each
   * step recomputes them). fromSafetensors restores it bit for bit.
   *
   *   writeFileAtomic(path, await params.toSafetensors({ metadata: { spec: JSON.stringify(spec) } }));
   */
  async toSafetensors(extra: CheckpointExtra = {}): Promise<Uint8Array> {
    this.checkLive('ParamSet.toSafetensors');
    const own: Array<[string, SafetensorsTensor]> = [];
    const f32 = async (shape: readonly number[], t: Tensor): Promise<SafetensorsTensor> => ({ dtype: 'F32', shape, data: new Float32Array(await t.read()) });
    for (const p of this.params) {
      own.push([p.name, await f32(p.shape, p.value)]);
      for (const slot of this.state) own.push([stateTensorName(slot, p.name), await f32(p.shape, p.state[slot])]);
    }
    const ownNames = new Set(own.map(([name]) => name));
    const extraTensors = Object.entries(extra.tensors ?? {});
    for (const [name] of extraTensors) {
      if (ownNames.has(name)) throw new InputError(`ParamSet.toSafetensors: extra tensor '${name}' has the name of one of the set's own tensors`);
    }
    const extraMetadata = Object.entries(extra.metadata ?? {});
    for (const [key] of extraMetadata) {
      if (key.startsWith('harmonium.')) throw new InputError(`ParamSet.toSafetensors: extra metadata key '${key}' is reserved ('harmonium.*' are the set's own)`);
    }
    // Object.fromEntries makes own properties of any name (even '__proto__').
    const tensors = Object.fromEntries([...own, ...extraTensors]);
    const metadata = Object.fromEntries([
      ...extraMetadata,
      [KEYS.format, FORMAT],
      [KEYS.seed, String(this.seed)],
      [KEYS.iteration, String(this.iteration)],
      [KEYS.params, JSON.stringify(this.params.map((p) => p.name))],
      [KEYS.state, JSON.stringify(this.state)],
    ]);
    return encodeSafetensors(tensors, metadata);
  }

  /**
   * A set from bytes written by toSafetensors (values, state, seed and iteration as saved; gradients
   * zero), with the file's other tensors and metadata. Anything missing or inconsistent is an
   * InputError that starts with `source`.
   *
   *   const { params, metadata } = await ParamSet.fromSafetensors(ctx, readFileSync(path), path);
   */
  static async fromSafetensors(ctx: OpContext, bytes: Uint8Array, source = 'checkpoint'): Promise<ParamCheckpoint> {
    const file = decodeSafetensors(bytes, source);
    const bad = (what: string) => new InputError(`${source}: not a harmonium parameter checkpoint: ${what}`);
    const meta = file.metadata;
    if (meta[KEYS.format] !== FORMAT) throw bad(`metadata '${KEYS.format}' is ${JSON.stringify(meta[KEYS.format] ?? null)}, not '${FORMAT}'`);
    const seed = Number(meta[KEYS.seed]);
    const iteration = Number(meta[KEYS.iteration]);
    if (!isU32(seed) || String(seed) !== meta[KEYS.seed]) throw bad(`metadata '${KEYS.seed}' = ${JSON.stringify(meta[KEYS.seed])} is not a u32`);
    if (!(Number.isInteger(iteration) && iteration >= 0 && iteration <= MAX_ITERATION) || String(iteration) !== meta[KEYS.iteration]) {
      throw bad(`metadata '${KEYS.iteration}' = ${JSON.stringify(meta[KEYS.iteration])} is not an iteration in [0, 2^31]`);
    }
    const names = parseStrings(meta[KEYS.params], KEYS.params, bad);
    const state = parseStrings(meta[KEYS.state], KEYS.state, bad);
    try {
      checkNames(names, state);
    } catch (e) {
      throw bad((e as Error).message);
    }

    const rest = { ...file.tensors };
    const take = (name: string, shape?: readonly number[]): SafetensorsTensor => {
      if (!Object.hasOwn(rest, name)) throw bad(`tensor '${name}' is missing`);
      const t = rest[name];
      if (t.dtype !== 'F32') throw bad(`tensor '${name}' is ${t.dtype}, not F32`);
      if (shape && shapeText(t.shape) !== shapeText(shape)) throw bad(`tensor '${name}' has shape ${shapeText(t.shape)}, its parameter ${shapeText(shape)}`);
      delete rest[name];
      return t;
    };
    const data: ParamData[] = names.map((name) => {
      const value = take(name);
      try {
        checkShape(`parameter '${name}'`, value.shape);
      } catch (e) {
        throw bad((e as Error).message);
      }
      const slots = Object.fromEntries(state.map((slot) => [slot, take(stateTensorName(slot, name), value.shape).data as Float32Array]));
      return { name, shape: [...value.shape], values: value.data as Float32Array, state: slots };
    });
    const params = await ParamSet.build(ctx, seed, state, data);
    params.iteration = iteration;
    const metadata = Object.fromEntries(Object.entries(meta).filter(([key]) => !key.startsWith('harmonium.')));
    return { params, tensors: rest, metadata };
  }

  /** Frees every parameter, gradient and state tensor. */
  release(): void {
    this.checkLive('ParamSet.release');
    this.released = true;
    for (const p of this.params) {
      p.value.release();
      p.grad.release();
      for (const t of Object.values(p.state)) t.release();
    }
  }
}

/** The checkpoint name of a parameter's state tensor. */
const stateTensorName = (slot: string, param: string) => `${slot}/${param}`;

function checkShape(where: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0) || elements(shape) >= 2 ** 32) {
    throw new InputError(`${where}: shape ${JSON.stringify(shape)} must be one or more positive integers with fewer than 2^32 elements`);
  }
}

/** Names unique, without '/', with distinct stream steps; slots unique identifiers. */
function checkNames(names: readonly string[], slots: readonly string[]): void {
  const steps = new Map<number, string>();
  for (const name of names) {
    if (typeof name !== 'string' || name === '' || name.includes('/')) throw new InputError(`ParamSet: parameter name ${JSON.stringify(name)} must be non-empty text without '/'`);
    const step = paramStreamStep(name);
    const other = steps.get(step);
    if (other === name) throw new InputError(`ParamSet: two parameters are called '${name}'`);
    if (other !== undefined) throw new InputError(`ParamSet: parameters '${other}' and '${name}' have the same stream step (FNV-1a hash ${step}); rename one`);
    steps.set(step, name);
  }
  if (!Array.isArray(slots) || new Set(slots).size !== slots.length || !slots.every((s) => typeof s === 'string' && SLOT.test(s))) {
    throw new InputError(`ParamSet: state slots ${JSON.stringify(slots)} must be distinct identifiers`);
  }
}

function parseStrings(text: string | undefined, key: string, bad: (what: string) => InputError): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw bad(`metadata '${key}' is not a JSON list`);
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw bad(`metadata '${key}' is not a JSON list of strings`);
  return value;
}
