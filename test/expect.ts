// Assertions shared by the suites.
import * as assert from 'uvu/assert';

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
