// CLI flags made from a model's option rules (models/options.ts), so that an option's kind, range and
// default are declared once, by the model: the flag takes its default (or the recipe's, when a command
// starts from one), its choices, and its range in the help text. The range itself is checked by the
// model's own validation, which runs before any device opens; `parseBounds` also checks an integer's
// bounds while the command line is parsed (a count that cannot even name a run).
import { rangeText, type ChoiceRule, type NumberRule, type SwitchRule } from '../../models/options.js';
import { boolean, choice, integer, number, type Flag } from './schema.js';

interface FlagText {
  help: string;
  /** The value's placeholder in usage lines ('X', 'M'). */
  value?: string;
  /** The command's default when it differs from the library's (a recipe's). */
  default?: number;
  /** Check an integer's bounds while parsing (the message names the flag and quotes the text). */
  parseBounds?: boolean;
  hidden?: boolean;
}

/** A required flag: the option has no default, and a run cannot do without it. */
export function requiredFlag(rule: NumberRule, o: Omit<FlagText, 'default'>): Flag<number, true> {
  return (rule.integer ? integer : number)({ help: withRange(rule, o.help), value: o.value, hidden: o.hidden, required: true });
}

/** The help text with the rule's range, unless it is only 'a positive integer'. */
function withRange(rule: NumberRule, help: string): string {
  const range = rule.integer && rule.min === 1 && rule.max === undefined ? '' : rangeText(rule);
  return range ? `${help}, ${range}` : help;
}

/**
 *   lr: optionFlag(MLP_TRAINING.lr, { help: 'learning rate' }),          // --lr X  learning rate, > 0 (default 0.001)
 *   cd: optionFlag(RBM_TRAINING.k, { help: 'Gibbs steps', value: 'K', parseBounds: true }),
 */
export function optionFlag(rule: NumberRule, o: FlagText): Flag<number, true> {
  const fallback = o.default ?? rule.default;
  if (fallback === undefined) throw new Error(`optionFlag '${o.help}': the rule has no default; give the command's`);
  const common = { help: withRange(rule, o.help), default: fallback, hidden: o.hidden, ...(o.value ? { value: o.value } : {}) };
  if (!rule.integer) return number(common);
  const bounds = o.parseBounds ? { min: rule.min === undefined ? undefined : rule.min + (rule.minOpen ? 1 : 0), max: rule.max === undefined ? undefined : rule.max - (rule.maxOpen ? 1 : 0) } : {};
  return integer({ ...common, ...bounds });
}

/** A flag for an option without a default: absent means the model's own choice ('no sparsity target'). */
export function optionalFlag(rule: NumberRule, o: FlagText & { help: string }): Flag<number, false> {
  return (rule.integer ? integer : number)({ help: withRange(rule, o.help), value: o.value, hidden: o.hidden });
}

export function choiceFlag<C extends string>(rule: ChoiceRule<C>, o: { help: string }): Flag<C, true> {
  if (rule.default === undefined) throw new Error(`choiceFlag '${o.help}': the rule has no default`);
  return choice(rule.choices, { default: rule.default, help: o.help });
}

/** A switch: on when given (the rule's default must be off, as a flag's absence is). */
export function switchFlag(rule: SwitchRule, o: { help: string }): Flag<boolean, true> {
  if (rule.default) throw new Error(`switchFlag '${o.help}': a flag is off when absent, and this option is on by default`);
  return boolean({ help: o.help });
}
