// Option rules (models/options.ts), declared once by a model: the checks and their messages, defaults,
// and the CLI flags made from them (harness/cli/options.ts): the same default, the range in the help,
// the parse-time bounds of a count (no GPU).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/errors.js';
import { checkOption, checkOptions, oneOf, rangeText, real, SEED, whole } from '../models/options.js';
import { optionFlag, optionalFlag, requiredFlag } from '../harness/cli/options.js';
import { MLP_TRAINING } from '../models/mlp.js';
import { RBM_TRAINING } from '../models/rbm_trainer.js';
import { MLP_TRAIN_FLAGS } from '../harness/mlp/flags.js';
import { RBM_TRAIN_FLAGS } from '../harness/rbm/flags.js';
import { expectError } from './expect.js';

const rules = suite('option rules (no GPU)');

rules('each range reads as its message says it, and a value outside is an InputError naming the option', async () => {
  const cases: Array<[ReturnType<typeof real>, number, string]> = [
    [real({ min: 0, minOpen: true }), 0, 'must be a positive number, got 0'],
    [real({ min: 0, max: 1, maxOpen: true }), 1, 'must lie in [0, 1), got 1'],
    [real({ min: 0, max: 1, minOpen: true }), 0, 'must lie in (0, 1], got 0'],
    [real({ min: 0 }), -1, 'must be a finite number >= 0, got -1'],
    [real({ text: 'be finite' }), Infinity, 'must be finite, got Infinity'],
    [whole({ min: 1 }), 0.5, 'must be an integer >= 1, got 0.5'],
    [whole({ positive: true }), 0, 'must be a positive integer, got 0'],
    [SEED, 2 ** 32, 'must be an integer in [0, 2^32), got 4294967296'],
  ];
  for (const [rule, value, message] of cases) await expectError(() => checkOption(rule, value, 'x', 'm: '), InputError, `m: x ${message}`);
  assert.is(checkOption(real({ min: 0, max: 1, maxOpen: true }), 0.5, 'x'), 0.5);
  await expectError(() => checkOption(real({ min: 0 }), Number.NaN, 'x'), InputError, 'x must be a finite number >= 0, got NaN');
  await expectError(() => checkOption(oneOf(['a', 'b'] as const), 'c', 'kind'), InputError, "kind must be one of a, b, got 'c'");
});

rules('defaults fill what is absent; labels name the options in messages', async () => {
  const r = { lr: real({ min: 0, minOpen: true, default: 0.1 }), steps: whole({ min: 1, default: 3 }) };
  assert.equal(checkOptions(r, {}, 'm: '), { lr: 0.1, steps: 3 });
  assert.equal(checkOptions(r, { steps: 5 }, 'm: '), { lr: 0.1, steps: 5 });
  await expectError(() => checkOptions(r, { steps: 0 }, 'm: ', { steps: 'Gibbs steps' }), InputError, 'm: Gibbs steps must be an integer >= 1, got 0');
  await expectError(() => checkOption(real({ min: 0 }), undefined, 'x'), InputError, 'x must be a finite number >= 0, got undefined');
});

rules('ranges in help text', () => {
  assert.equal([rangeText(real({ min: 0, minOpen: true })), rangeText(real({ min: 0, max: 1, maxOpen: true })), rangeText(real({}))], ['> 0', 'in [0, 1)', '']);
});

const flags = suite('flags made from option rules (no GPU)');

flags("a flag's default and range are the model's rule; a command may start from another default (a recipe)", () => {
  assert.is(MLP_TRAIN_FLAGS.lr.default, MLP_TRAINING.lr.default);
  assert.match(MLP_TRAIN_FLAGS.lr.help, /, > 0$/);
  assert.match(MLP_TRAIN_FLAGS.dropout.help, /in \[0, 1\)$/);
  assert.is(RBM_TRAIN_FLAGS.lr.default, RBM_TRAINING.lr.default);
  // Hinton's recipe, not the library's plain SGD.
  assert.is(RBM_TRAIN_FLAGS.momentum.default, 0.5);
  assert.is(RBM_TRAINING.momentum.default, 0);
});

flags('parse-time bounds of counts come from the rule; other ranges are left to the model, which checks them once', () => {
  const k = optionFlag(whole({ min: 1, default: 1 }), { help: 'steps', parseBounds: true });
  assert.throws(() => k.read('0', '--cd'), (e: Error) => e instanceof InputError && /--cd must be an integer >= 1, got '0'/.test(e.message));
  const lr = optionFlag(real({ min: 0, minOpen: true, default: 0.1 }), { help: 'rate' });
  assert.is(lr.read('-1', '--lr'), -1);
  assert.is(optionalFlag(real({ min: 0, max: 1 }), { help: 'p' }).default, undefined);
  assert.ok(requiredFlag(whole({ positive: true }), { help: 'n' }).required);
  assert.throws(() => optionFlag(real({}), { help: 'no default' }), /no default/);
});

rules.run();
flags.run();
