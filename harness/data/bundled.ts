// The data files the build writes to dist/data/ (the MNIST cache, the Federalist Papers), the same
// bytes in Node and in a page: fetched next to the page's bundle, read from disk beside dist/cli.js or
// dist/test/*.js in Node. Browser-safe.
import { HarmoniumError } from '../../engine/errors.js';

/**
 * A bundled file's bytes and where they came from; `what` names it in the error when it is missing.
 *
 *   const { bytes } = await bundledFile('federalist.txt', ctx.gpu.adapter.runtime, 'the Federalist Papers');
 */
export async function bundledFile(file: string, runtime: 'node' | 'browser', what: string): Promise<{ bytes: Uint8Array; source: string }> {
  const missing = (where: string) => new HarmoniumError(`${what} ${where} is missing: node build.mjs writes dist/data/${file}`);
  if (runtime === 'browser') {
    const url = new URL(`data/${file}`, import.meta.url).href;
    const response = await fetch(url);
    if (!response.ok) throw missing(`${url} (HTTP ${response.status})`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), source: url };
  }
  // Imported here, not at the top: page bundles hold this module too.
  const { existsSync, readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const candidates = [`data/${file}`, `../data/${file}`].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw missing(`(${candidates.join(' or ')})`);
  return { bytes: readFileSync(path), source: path };
}
