// The rules of a model's options, declared once: each option's kind, range and default. The model's
// own check (what library users call) applies them; the harness builds its CLI flags, job specs and
// help text from the same declarations (harness/cli/options.ts), so that a range or a default is
// written in one place. Messages name the option: `lr must be a positive number, got 0`.
import { InputError } from '../engine/errors.js';

/** A number option: real or integer, with optional bounds (open or closed). */
export interface NumberRule {
  readonly kind: 'number';
  readonly integer: boolean;
  readonly default?: number;
  readonly min?: number;
  /** The lower bound is excluded: (min, ... */
  readonly minOpen?: boolean;
  readonly max?: number;
  /** The upper bound is excluded: ..., max) */
  readonly maxOpen?: boolean;
  /** What the requirement reads as, when not the generic text ('a positive integer'). */
  readonly text: string;
  /** Said after the range in messages: '(the probability of dropping a unit)'. */
  readonly note?: string;
}

/** One word of a fixed list. */
export interface ChoiceRule<C extends string = string> {
  readonly kind: 'choice';
  readonly choices: readonly C[];
  readonly default?: C;
}

/** On or off (off by default). */
export interface SwitchRule {
  readonly kind: 'switch';
  readonly default: boolean;
}

export type Rule = NumberRule | ChoiceRule | SwitchRule;

interface Bounds {
  default?: number;
  /** The requirement in messages when not the generic one ('be finite'). */
  text?: string;
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
  note?: string;
}

const interval = (b: Bounds) => `${b.minOpen ? '(' : '['}${b.min}, ${b.max === 2 ** 32 ? '2^32' : b.max}${b.maxOpen ? ')' : ']'}`;

/** The requirement as a message says it: 'a positive number', 'lie in [0, 1)', 'an integer >= 1'. */
function requirement(integer: boolean, b: Bounds): string {
  const what = integer ? 'an integer' : 'a finite number';
  if (b.min !== undefined && b.max !== undefined) return integer ? `be ${what} in ${interval(b)}` : `lie in ${interval(b)}`;
  if (b.min === 0 && b.minOpen) return integer ? 'be a positive integer' : 'be a positive number';
  if (b.min !== undefined) return `be ${what} ${b.minOpen ? '>' : '>='} ${b.min}`;
  if (b.max !== undefined) return `be ${what} ${b.maxOpen ? '<' : '<='} ${b.max}`;
  return `be ${what}`;
}

/**
 * A real-valued option.
 *
 *   real({ default: 0.05, min: 0, minOpen: true })      // lr: 'must be a positive number'
 *   real({ default: 0, min: 0, max: 1, maxOpen: true }) // momentum: 'must lie in [0, 1)'
 */
export function real(b: Bounds = {}): NumberRule {
  return { kind: 'number', integer: false, ...b, text: b.text ?? requirement(false, b) };
}

/**
 * An integer option. `positive` reads 'a positive integer' (min 1), else the bounds as given.
 *
 *   whole({ min: 1, default: 1 })        // k: 'must be an integer >= 1'
 *   whole({ positive: true, default: 100 })   // batch: 'must be a positive integer'
 */
export function whole(b: Bounds & { positive?: boolean } = {}): NumberRule {
  const { positive, ...bounds } = b;
  if (positive) return { kind: 'number', integer: true, ...bounds, min: 1, text: 'be a positive integer' };
  return { kind: 'number', integer: true, ...bounds, text: bounds.text ?? requirement(true, bounds) };
}

/** A Philox seed: an integer in [0, 2^32). */
export const SEED: NumberRule = whole({ min: 0, max: 2 ** 32, maxOpen: true, default: 1 });

export function oneOf<C extends string>(choices: readonly C[], o: { default?: C } = {}): ChoiceRule<C> {
  return { kind: 'choice', choices, default: o.default };
}

/** On or off, off unless `default` says otherwise. */
export const onOff = (o: { default?: boolean } = {}): SwitchRule => ({ kind: 'switch', default: o.default ?? false });

function inside(r: NumberRule, x: number): boolean {
  if (!Number.isFinite(x) || (r.integer && !Number.isInteger(x))) return false;
  if (r.min !== undefined && (r.minOpen ? x <= r.min : x < r.min)) return false;
  if (r.max !== undefined && (r.maxOpen ? x >= r.max : x > r.max)) return false;
  return true;
}

/**
 * The value of one option, checked against its rule (the rule's default when `value` is undefined);
 * an InputError `${where}${label} must ..., got ${value}` otherwise.
 *
 *   checkOption(real({ min: 0, minOpen: true }), 0, 'lr', 'mlp training: ');   // throws 'mlp training: lr must be a positive number, got 0'
 */
export function checkOption(rule: NumberRule, value: unknown, label: string, where?: string): number;
export function checkOption<C extends string>(rule: ChoiceRule<C>, value: unknown, label: string, where?: string): C;
export function checkOption(rule: SwitchRule, value: unknown, label: string, where?: string): boolean;
export function checkOption(rule: Rule, value: unknown, label: string, where = ''): number | string | boolean {
  return checkRule(rule, value, label, where);
}

function checkRule(rule: Rule, value: unknown, label: string, where: string): number | string | boolean {
  const v = value ?? rule.default;
  const fail = (requirement: string) => new InputError(`${where}${label} must ${requirement}, got ${typeof v === 'string' ? `'${v}'` : String(v)}`);
  if (rule.kind === 'number') {
    if (typeof v !== 'number' || !inside(rule, v)) throw fail(`${rule.text}${rule.note ? ` ${rule.note}` : ''}`);
    return v;
  }
  if (rule.kind === 'choice') {
    if (typeof v !== 'string' || !rule.choices.includes(v)) throw fail(`be one of ${rule.choices.join(', ')}`);
    return v;
  }
  if (typeof v !== 'boolean') throw fail('be true or false');
  return v;
}

/** A rule's range as help text says it: '> 0', 'in [0, 1)', '>= 1', or '' for none. */
export function rangeText(rule: NumberRule): string {
  const { min, max } = rule;
  if (min !== undefined && max !== undefined) return `in ${interval(rule)}`;
  if (min !== undefined) return `${rule.minOpen ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${rule.maxOpen ? '<' : '<='} ${max}`;
  return '';
}

/** The value type a rule checks. */
export type RuleValue<R extends Rule> = R extends NumberRule ? number : R extends ChoiceRule<infer C> ? C : boolean;

/** Options by name, as their rules make them (defaults filled in). */
export type CheckedOptions<R extends Readonly<Record<string, Rule>>> = { -readonly [K in keyof R]: RuleValue<R[K]> };

/**
 * Every option of `rules` from `values` (defaults for the absent ones), each checked by its rule;
 * messages start with `where` and name the option by its label (default: its key).
 *
 *   const o = checkOptions(MLP_TRAINING, options, 'mlp training: ', { lr: 'lr' });
 */
export function checkOptions<R extends Readonly<Record<string, Rule>>>(
  rules: R,
  values: Readonly<Partial<Record<keyof R, unknown>>>,
  where: string,
  labels?: Readonly<Partial<Record<keyof R, string>>>,
): CheckedOptions<R> {
  const checked: Record<string, number | string | boolean> = {};
  for (const [key, rule] of Object.entries(rules)) checked[key] = checkRule(rule, values[key as keyof R], labels?.[key as keyof R] ?? key, where);
  return checked as CheckedOptions<R>;
}
