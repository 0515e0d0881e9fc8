// One declaration per flag: parsing, spec reading, help and the README's tables come from it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { InputError } from '../engine/index.js';
import { boolean, choice, integer, integers, number, readSpec, text, toSpec, withDefault } from '../harness/cli/schema.js';
import { parseCommandLine } from '../harness/cli/parse.js';
import { defineCommand, helpText } from '../harness/cli/command.js';
import { COMMANDS } from '../harness/cli/commands.js';
import { documentedCommands, flagsBlock, renderReadme } from '../harness/cli/docs.js';
import { expectError } from './expect.js';

const FLAGS = {
  size: integer({ value: 'L', required: true, help: 'side' }),
  rate: number({ min: 0, default: 0.5, help: 'a rate' }),
  mode: choice(['a', 'b'] as const, { default: 'a', help: 'the mode' }),
  sizes: integers({ min: 1, default: [2, 3], help: 'sizes' }),
  out: text({ help: 'a file' }),
  fast: boolean({ help: 'go fast' }),
  'burn-in': integer({ min: 0, default: 10, help: 'discarded' }),
} as const;

const schema = suite('flag schema (no GPU)');

schema('parses flags into typed values with defaults', () => {
  const { values } = parseCommandLine(FLAGS, ['--size', '64', '--sizes', '4,5', '--fast', '--burn-in=0']);
  assert.equal(values, { size: 64, rate: 0.5, mode: 'a', sizes: [4, 5], out: undefined, fast: true, 'burn-in': 0 });
});

schema('each bad value is an InputError naming the flag', async () => {
  const cases: [string[], string][] = [
    [[], '--size is required'],
    [['--size', '1.5'], "--size must be an integer, got '1.5'"],
    [['--size', ''], "--size must be a finite number, got ''"],
    [['--size', '2', '--rate=-1'], "--rate must be a number >= 0, got '-1'"],
    [['--size', '2', '--mode', 'c'], "--mode must be one of a, b; got 'c'"],
    [['--size', '2', '--sizes', '3,0'], "--sizes must be integers >= 1, got '0'"],
    [['--size', '2', '--out', ''], "--out needs a value, got ''"],
    [['--size', '2', '--nope'], "Unknown option '--nope'"],
    [['--size', '2', 'word'], "'word'"],
  ];
  for (const [argv, message] of cases) await expectError(() => parseCommandLine(FLAGS, argv), InputError, message);
});

schema('a job spec is read with the same declarations (snake_case keys), and toSpec writes one', async () => {
  const spec = toSpec('demo', FLAGS, { size: 8, 'burn-in': 3, fast: false });
  assert.equal(spec, { job: 'demo', size: 8, burn_in: 3, fast: false });
  assert.equal(readSpec(FLAGS, spec, 'demo'), { size: 8, rate: 0.5, mode: 'a', sizes: [2, 3], out: undefined, fast: false, 'burn-in': 3 });
  await expectError(() => readSpec(FLAGS, { size: 8, burn_in: -1 }, 'demo'), InputError, "job 'demo': 'burn_in' must be an integer >= 0, got -1");
  await expectError(() => readSpec(FLAGS, { size: 8, fast: 'yes' }, 'demo'), InputError, "job 'demo': 'fast' must be true or false");
  await expectError(() => readSpec(FLAGS, { size: 8, bogus: 1 }, 'demo'), InputError, "job 'demo': unknown parameter 'bogus'");
});

schema('withDefault keeps the declaration and changes only the default', () => {
  const more = withDefault(FLAGS['burn-in'], 2000);
  assert.is(more.help, FLAGS['burn-in'].help);
  assert.equal(parseCommandLine({ b: more }, []).values, { b: 2000 });
  const none = withDefault(FLAGS['burn-in'], undefined, 'depends on --quick');
  assert.equal(parseCommandLine({ b: none }, []).values, { b: undefined });
});

schema('--help lists every visible flag with its default', () => {
  const command = defineCommand({ name: 'demo', summary: 'a demo', flags: { ...FLAGS, secret: boolean({ hidden: true, help: 'spec only' }) }, run: async () => undefined });
  const help = helpText(command);
  assert.match(help, /^usage: harmonium demo --size L \[--rate X\] \[--mode a\|b\]/);
  assert.match(help, /--rate X +a rate \(default 0\.5\)/);
  assert.match(help, /--size L +side \(required\)/);
  assert.not.match(help, /secret/);
});

const readme = suite('README flag tables = the schema (no GPU)');

readme('every command has its block in README.md, and each block is what the schema makes', () => {
  const text = readFileSync('README.md', 'utf8');
  const documented = documentedCommands(text);
  for (const command of COMMANDS) {
    assert.ok(documented.includes(command.name), `README.md has no <!-- flags: ${command.name} --> block`);
    assert.ok(text.includes(flagsBlock(command)), `README.md's table for '${command.name}' differs from its flags: run harmonium docs`);
  }
  assert.is(renderReadme(text, COMMANDS), text);
});

readme('a README naming an unknown command is refused', async () => {
  await expectError(() => renderReadme('<!-- flags: nothing -->\n<!-- /flags -->', COMMANDS), InputError, "command 'nothing'");
});

schema.run();
readme.run();
