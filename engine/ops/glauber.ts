// Glauber dynamics of binary units with dense symmetric couplings, many chains at once: a parallel
// update of a block of units from precomputed fields, an exact sequential sweep that keeps the
// fields current, and a per-chain summary (energy, fixed points, 2-cycles). Hopfield recall, the
// Boltzmann machine's Gibbs sampling and annealing are built from these. Kernel: shaders/glauber.wgsl
// (which states the decision rules and which Philox word decides which unit); reference:
// harness/reference/glauber.ts.
import type { Tensor } from '../buffers.js';
import { InputError, LimitError } from '../errors.js';
import { linearGrid, type KernelGraph } from '../graph.js';
import { scheduleWords, type Schedule } from '../schedule.js';
import type { Bindings } from '../kernel.js';
import { addDispatches, cachedKernel, checkDims, checkElements, checkNumber, checkShaped, checkU32, checkWorkgroupSize, placeholder, streamFields, type DispatchBatch, type OpContext, type OpDispatches } from './common.js';
import type { UniformFields } from '../uniforms.js';

/** ±1 units ('spin') or 0/1 units ('binary'). */
export type UnitKind = 'spin' | 'binary';

/**
 * How a unit decides, from its effective field a (its field less its self-coupling times its state):
 * - sign: up when a >= 0 (zero temperature);
 * - table: a is an integer; up when a u32 word is below thresholds[a + offset] (clamped to the
 *   table; 0xFFFFFFFF: always), thresholds computed on the host (glauberThresholds);
 * - float: up with probability sigmoid(gain a / T), T from a Schedule (T <= 0: the sign rule).
 */
export type GlauberRule =
  | { kind: 'sign' }
  | { kind: 'table'; thresholds: Tensor; offset: number }
  | { kind: 'float'; gain: number; temperature: Schedule };

/** The RULE override's codes (shaders/glauber.wgsl RULE_*). */
const RULES: Readonly<Record<GlauberRule['kind'], number>> = { sign: 0, table: 1, float: 2 };
const UNIT_CODES: Readonly<Record<UnitKind, number>> = { spin: 0, binary: 1 };

/** What a chain is: its states and fields, and the couplings' diagonal that the fields include. */
export interface GlauberChains {
  chains: number;
  units: number;
  /** Default 'spin'. */
  kind?: UnitKind;
  /** chains x units f32. */
  state: Tensor;
  /** chains x units f32: bias + J s, the diagonal of J included. */
  fields: Tensor;
  /** units f32: J's diagonal, left out of each unit's own field; absent: zero. */
  diag?: Tensor;
}

/** Where a step's random words come from (shaders/glauber.wgsl states the counter). */
export interface GlauberStream {
  seed: number;
  /** Counter step of repetition 0; repetition t uses step + t. */
  step: number;
  call?: number;
}

/** What a chain's progress is kept in: flags (chains x 2 u32, zeroed) and status (chains x 3 u32, zeroed). */
export interface GlauberStatus {
  flags: Tensor;
  status: Tensor;
}

/** The status codes of GlauberStatus.status[3 c]: STATUS_* in shaders/glauber.wgsl. */
export const GLAUBER_STATUS = { running: 0, fixed: 1, cycle: 2 } as const;

/** Fixed-point and cycle detection of the summary: DETECT_* in shaders/glauber.wgsl. */
export type GlauberDetect = 'none' | 'fixed' | 'cycles';
const DETECT_CODES: Readonly<Record<GlauberDetect, number>> = { none: 0, fixed: 1, cycles: 2 };

const FILE = 'glauber.wgsl';
const DEFAULT_WG = 32;
const SWEEP_PER_LANE = 4;

export interface GlauberUpdateOptions extends GlauberChains {
  rule: GlauberRule;
  stream: GlauberStream;
  /** The units a step visits (u32); repetition t updates block t % blocks of them. */
  order: Tensor;
  orderLength: number;
  /** Default 1: every unit of `order` at once (a synchronous step). */
  blocks?: number;
  progress: GlauberStatus;
  /** chains x units f32 to detect 2-cycles in (a synchronous step): the state before the last update. */
  previous?: Tensor;
}

export interface GlauberSweepOptions extends GlauberChains {
  rule: GlauberRule;
  stream: GlauberStream;
  /** units x units f32, symmetric: the fields move by a column of it when a unit flips. */
  couplings: Tensor;
  /** The units a sweep visits, one at a time, in this order (u32). */
  order: Tensor;
  orderLength: number;
  progress: GlauberStatus;
  /** Lanes per chain (a power of two; default: enough for the units at 4 per lane, at most 32); the result does not depend on it. */
  workgroupSize?: number;
}

export interface GlauberSummaryOptions extends GlauberChains {
  progress: GlauberStatus;
  /** slots x chains f32: repetition t writes slot t + slotOffset. */
  energies: Tensor;
  slots: number;
  slotOffset?: number;
  /** E = -energyScale (b's + 1/2 s'(J - diag J)s); default 1. */
  energyScale?: number;
  /** units f32, default none. */
  bias?: Tensor;
  /** Default 'none'. */
  detect?: GlauberDetect;
  /** Steps a fixed point must stay quiet (the blocks of a sweep; default 1). */
  blocks?: number;
}

interface Resolved {
  name: string;
  chains: number;
  units: number;
  kind: UnitKind;
}

function checkChains(name: string, o: GlauberChains): Resolved {
  checkDims(name, { chains: o.chains, units: o.units });
  if (o.chains * o.units >= 2 ** 32) throw new LimitError(`${name}: chains x units = ${o.chains * o.units} must stay below 2^32 (the random-word counter)`);
  const kind = o.kind ?? 'spin';
  if (!(kind in UNIT_CODES)) throw new InputError(`${name}: kind '${String(kind)}' is not one of ${Object.keys(UNIT_CODES).join(', ')}`);
  checkElements(name, 'state', o.state, ['f32'], [o.chains, o.units], 'chains x units');
  checkElements(name, 'fields', o.fields, ['f32'], [o.chains, o.units], 'chains x units');
  if (o.diag) checkElements(name, 'diag', o.diag, ['f32'], [o.units], 'units');
  return { name, chains: o.chains, units: o.units, kind };
}

function checkProgress(name: string, chains: number, p: GlauberStatus): void {
  checkElements(name, 'flags', p.flags, ['u32'], [chains, 2], 'chains x 2');
  checkElements(name, 'status', p.status, ['u32'], [chains, 3], 'chains x 3');
}

const count = (t: Tensor) => t.shape.reduce((a, b) => a * b, 1);

function checkOrder(name: string, order: Tensor, length: number): void {
  checkDims(name, { orderLength: length });
  const t = checkShaped(name, 'order', order, ['u32']);
  if (count(t) < length) throw new InputError(`${name}: order has ${count(t)} entries, fewer than orderLength = ${length}`);
}

function checkStream(name: string, s: GlauberStream): void {
  checkU32(name, 'seed', s.seed);
  checkU32(name, 'step', s.step);
  checkU32(name, 'call', s.call ?? 0);
}

/** The checks shared by the ops that change states: chains, an order, a random stream, progress. */
function checkStep(name: string, o: GlauberChains & { order: Tensor; orderLength: number; stream: GlauberStream; progress: GlauberStatus }): Resolved {
  const c = checkChains(name, o);
  checkOrder(name, o.order, o.orderLength);
  checkStream(name, o.stream);
  checkProgress(name, c.chains, o.progress);
  return c;
}

/** The rule's override, bindings and params fields; a temperature uniform is made when the rule has none. */
async function ruleParts(batch: DispatchBatch, name: string, rule: GlauberRule) {
  if (!rule || !(rule.kind in RULES)) throw new InputError(`${name}: rule kind '${String(rule?.kind)}' is not one of ${Object.keys(RULES).join(', ')}`);
  const read = await placeholder(batch.ctx.pool, 'read');
  let thresholds = read;
  let tableLength = 0;
  let offset = 0;
  let gain = 0;
  if (rule.kind === 'table') {
    thresholds = checkShaped(name, 'thresholds', rule.thresholds, ['u32']);
    tableLength = count(thresholds);
    if (!Number.isInteger(rule.offset) || rule.offset < 0 || rule.offset >= tableLength) {
      throw new InputError(`${name}: table offset = ${String(rule.offset)} must be an integer index into the ${tableLength} thresholds`);
    }
    offset = rule.offset;
  }
  if (rule.kind === 'float') {
    checkNumber(name, 'gain', rule.gain);
    gain = rule.gain;
  }
  const temperature = rule.kind === 'float' ? rule.temperature.tensor : await batch.uniform(`${name} temperature (unused)`, scheduleWords({ kind: 'constant', value: 0 }));
  return { code: RULES[rule.kind], thresholds, tableLength, offset, gain, temperature };
}

interface ParamsFields {
  chains: number;
  units: number;
  stream?: GlauberStream;
  orderLength?: number;
  blocks?: number;
  tableLength?: number;
  tableOffset?: number;
  slotOffset?: number;
  slots?: number;
  detect?: number;
  gain?: number;
  energyScale?: number;
}

/** The fields of GlauberParams (shaders/glauber.wgsl); what an entry point does not read is 0 (blocks 1, energy_scale 1). */
function glauberFields(p: ParamsFields): UniformFields {
  return {
    chains: p.chains,
    units: p.units,
    ...streamFields(p.stream ?? {}),
    order_len: p.orderLength ?? 0,
    blocks: p.blocks ?? 1,
    table_len: p.tableLength ?? 0,
    table_offset: p.tableOffset ?? 0,
    slot_offset: p.slotOffset ?? 0,
    slots: p.slots ?? 0,
    detect: p.detect ?? 0,
    gain: p.gain ?? 0,
    energy_scale: p.energyScale ?? 1,
  };
}

/** Bindings every entry may read; placeholders where the caller gave none. */
async function commonBindings(batch: DispatchBatch, o: GlauberChains): Promise<Bindings> {
  const read = await placeholder(batch.ctx.pool, 'read');
  return { fields: o.fields, state: o.state, diag: o.diag ?? read, bias: read, couplings: read, thresholds: read, order: read };
}

/**
 * Adds one parallel update per repetition: the units of block (t % blocks) of `order` take their
 * new states from `fields` (which the caller computed for the current state, e.g. by a GEMM). With
 * blocks = 1 and `previous`, a synchronous step that also notes 2-cycles. Chains whose status is no
 * longer running are left alone.
 *
 *   await addGemm(graph, ctx, { a: state, b: couplings, c: fields, m: chains, n: units, k: units });
 *   await addGlauberUpdate(graph, ctx, { chains, units, state, fields, order, orderLength: units, rule: { kind: 'sign' }, stream: { seed: 1, step: 0 }, progress });
 */
export async function addGlauberUpdate(graph: KernelGraph, ctx: OpContext, o: GlauberUpdateOptions): Promise<OpDispatches> {
  const name = 'glauber.update';
  const c = checkStep(name, o);
  const blocks = o.blocks ?? 1;
  checkDims(name, { blocks });
  if (blocks > o.orderLength) throw new InputError(`${name}: blocks = ${blocks} exceeds orderLength = ${o.orderLength}`);
  if (o.previous) checkElements(name, 'previous', o.previous, ['f32'], [c.chains, c.units], 'chains x units');
  return addDispatches(graph, ctx, async (batch) => {
    const rule = await ruleParts(batch, name, o.rule);
    const kernel = cachedKernel(`${name}.${c.kind}.${o.rule.kind}`, FILE, 'update', { WG: DEFAULT_WG, UNITS: UNIT_CODES[c.kind], RULE: rule.code });
    const params = await batch.uniform(
      `${name} params`,
      kernel.uniformWords('params', glauberFields({ ...c, stream: o.stream, orderLength: o.orderLength, blocks, tableLength: rule.tableLength, tableOffset: rule.offset, gain: rule.gain, detect: o.previous ? DETECT_CODES.cycles : 0 })),
    );
    const previous = o.previous ?? (await placeholder(ctx.pool, 'write', 1));
    const bindings = { ...(await commonBindings(batch, o)), params, temperature: rule.temperature, thresholds: rule.thresholds, order: o.order, previous, ...o.progress };
    const widest = Math.ceil(o.orderLength / blocks);
    batch.dispatch(kernel, bindings, linearGrid(ctx.gpu, c.chains * widest, kernel.override('WG')));
  });
}

/**
 * Adds one sequential sweep per repetition: the units of `order` one at a time, each deciding from
 * the fields the units before it left, the fields kept current by adding a column of `couplings`
 * per flip; the same result as a loop over the units (harness/reference/glauber.ts glauberSweep). Sets
 * the chain's changed flag when a unit flipped.
 *
 *   await addPermutation(graph, ctx, { output: order, n: units, seed, epoch: 0 });
 *   await addGlauberSweep(graph, ctx, { chains, units, state, fields, couplings, order, orderLength: units, rule, stream, progress });
 */
export async function addGlauberSweep(graph: KernelGraph, ctx: OpContext, o: GlauberSweepOptions): Promise<OpDispatches> {
  const name = 'glauber.sweep';
  const c = checkStep(name, o);
  checkElements(name, 'couplings', o.couplings, ['f32'], [c.units, c.units], 'units x units');
  if (c.units * c.units >= 2 ** 32) throw new LimitError(`${name}: units^2 = ${c.units ** 2} must stay below 2^32 (the coupling index)`);
  // Lanes beyond units / SWEEP_PER_LANE would idle, and every barrier waits for them.
  const lanes = Math.min(DEFAULT_WG, 2 ** Math.ceil(Math.log2(Math.ceil(c.units / SWEEP_PER_LANE))));
  const wg = checkWorkgroupSize(ctx, name, o.workgroupSize ?? lanes);
  return addDispatches(graph, ctx, async (batch) => {
    const rule = await ruleParts(batch, name, o.rule);
    const kernel = cachedKernel(`${name}.${c.kind}.${o.rule.kind}`, FILE, 'sweep', { WG: wg, PER_LANE: SWEEP_PER_LANE, UNITS: UNIT_CODES[c.kind], RULE: rule.code });
    const params = await batch.uniform(
      `${name} params`,
      kernel.uniformWords('params', glauberFields({ ...c, stream: o.stream, orderLength: o.orderLength, tableLength: rule.tableLength, tableOffset: rule.offset, gain: rule.gain })),
    );
    const bindings = { ...(await commonBindings(batch, o)), params, temperature: rule.temperature, thresholds: rule.thresholds, couplings: o.couplings, order: o.order, ...o.progress };
    batch.dispatch(kernel, bindings, linearGrid(ctx.gpu, c.chains * wg, wg));
  });
}

/**
 * Adds the observation of every chain after a step: its energy into slot (t + slotOffset) of
 * `energies`, and with `detect` its status: a fixed point once the chain stayed unchanged for a
 * whole sweep of `blocks` steps, a 2-cycle ('cycles', after synchronous updates with `previous`)
 * once it equals its state two steps back. Clears the chains' flags for the next step.
 *
 *   await addGlauberSummary(graph, ctx, { chains, units, state, fields, progress, energies, slots: steps + 1, detect: 'cycles' });
 */
export async function addGlauberSummary(graph: KernelGraph, ctx: OpContext, o: GlauberSummaryOptions): Promise<OpDispatches> {
  const name = 'glauber.summary';
  const c = checkChains(name, o);
  checkProgress(name, c.chains, o.progress);
  checkDims(name, { slots: o.slots, blocks: o.blocks ?? 1 });
  checkU32(name, 'slotOffset', o.slotOffset ?? 0);
  checkElements(name, 'energies', o.energies, ['f32'], [o.slots, c.chains], 'slots x chains');
  if (o.bias) checkElements(name, 'bias', o.bias, ['f32'], [c.units], 'units');
  checkNumber(name, 'energyScale', o.energyScale ?? 1);
  const detect = o.detect ?? 'none';
  if (!(detect in DETECT_CODES)) throw new InputError(`${name}: detect '${String(detect)}' is not one of ${Object.keys(DETECT_CODES).join(', ')}`);
  return addDispatches(graph, ctx, async (batch) => {
    const kernel = cachedKernel(`${name}${o.bias ? '.bias' : ''}`, FILE, 'summary', { WG: DEFAULT_WG, HAS_BIAS: +!!o.bias });
    const params = await batch.uniform(
      `${name} params`,
      kernel.uniformWords('params', glauberFields({ ...c, slots: o.slots, slotOffset: o.slotOffset ?? 0, detect: DETECT_CODES[detect], blocks: o.blocks ?? 1, energyScale: o.energyScale ?? 1 })),
    );
    const common = await commonBindings(batch, o);
    batch.dispatch(kernel, { ...common, bias: o.bias ?? common.bias, params, energies: o.energies, ...o.progress }, linearGrid(ctx.gpu, c.chains * DEFAULT_WG, DEFAULT_WG));
  });
}

/** The table rule's thresholds (glauberThresholds): u32 per integer field a in [-offset, length - 1 - offset]. */
export interface GlauberTable {
  thresholds: Uint32Array;
  offset: number;
}

/** Table entries above this many are refused (a lower temperature or a smaller field range helps). */
export const MAX_GLAUBER_TABLE = 2 ** 22;

/**
 * The table rule for integer effective fields |a| <= maxField: p(up) = 1 / (1 + exp(-gain a / T)) in
 * float64, as the u32 threshold round(p 2^32) (2^32 becomes 0xFFFFFFFF: always). The table stops
 * where p rounds to 0 or 2^32 (fields beyond are clamped to its ends) or at maxField.
 *
 *   const { thresholds, offset } = glauberThresholds(2 / n, 0.5, patterns * n);
 */
export function glauberThresholds(gain: number, temperature: number, maxField: number): GlauberTable {
  const where = 'glauber thresholds';
  checkNumber(where, 'gain', gain);
  if (!(gain > 0)) throw new InputError(`${where}: gain = ${gain} must be positive`);
  if (!(Number.isFinite(temperature) && temperature > 0)) throw new InputError(`${where}: temperature = ${temperature} must be a positive number`);
  if (!(Number.isInteger(maxField) && maxField >= 0)) throw new InputError(`${where}: maxField = ${maxField} must be a non-negative integer`);
  // Beyond |a| = T ln(2^33) / gain, exp(-gain |a| / T) < 2^-33: p rounds to 0 or 2^32.
  const saturated = Math.ceil((temperature * 33 * Math.LN2) / gain) + 1;
  const half = Math.min(maxField, saturated);
  if (2 * half + 1 > MAX_GLAUBER_TABLE) {
    throw new InputError(`${where}: the fields span ${2 * half + 1} integer values at T = ${temperature}, over the table's ${MAX_GLAUBER_TABLE}; use a lower temperature`);
  }
  const thresholds = new Uint32Array(2 * half + 1);
  for (let k = 0; k < thresholds.length; k++) {
    const p = 1 / (1 + Math.exp((-gain * (k - half)) / temperature));
    const t = Math.round(p * 2 ** 32);
    thresholds[k] = t >= 2 ** 32 ? 0xffffffff : t;
  }
  return { thresholds, offset: half };
}
