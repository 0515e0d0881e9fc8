// Assertions shared by the suites.
import * as assert from 'uvu/assert';
import { HarmoniumError } from '../engine/index.js';
import type { Command } from '../harness/cli/command.js';

/**
 * Fails unless `work` throws (or rejects with) an error of `type` whose message names every part.
 *
 *   await expectError(() => addGemm(graph, ctx, o), LimitError, 'operand B', 'maxStorageBufferBindingSize');
 */
export async function expectError(work: () => unknown, type: abstract new (...args: never[]) => Error, ...parts: string[]): Promise<void> {
  try {
    await work();
  } catch (e) {
    assert.instance(e, type, (e as Error).message);
    for (const part of parts) assert.ok((e as Error).message.includes(part), `'${(e as Error).message}' should name ${part}`);
    return;
  }
  assert.unreachable(`no error (${parts.join(', ')})`);
}

/**
 * A command's own check, in this process: `args` (its verb first, a key of `commands`) must throw a
 * HarmoniumError with exit code 2 whose message matches.
 *
 *   await expectRefused({ train: rbmTrainCommand }, ['train', '--hidden', '0'], /--hidden/);
 */
export async function expectRefused(commands: Readonly<Record<string, Command>>, args: string[], message: RegExp): Promise<void> {
  const [verb, ...rest] = args;
  try {
    await commands[verb].main(rest);
  } catch (e) {
    assert.instance(e, HarmoniumError, String(e));
    assert.is((e as HarmoniumError).exitCode, 2, `${args.join(' ')}: ${(e as Error).message}`);
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`${args.join(' ')} ran`);
}
