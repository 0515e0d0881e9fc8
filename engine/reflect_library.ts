// Reflects every compute entry point of the built-in shader library. build.mjs runs this once and
// hands the table to the bundles as the module 'harmonium:reflections', so that the library bundle
// carries plain data instead of the WGSL parser.
import { library } from './library.js';
import { computeEntries, reflectKernel } from './reflect.js';
import { packReflection, reflectionKey, type PackedReflection } from './reflections.js';
import { resolveIncludes } from './shaders.js';

export function reflectLibrary(): Record<string, PackedReflection> {
  const table: Record<string, PackedReflection> = {};
  for (const file of Object.keys(library)) {
    const source = resolveIncludes(file, library);
    for (const entry of computeEntries(source)) table[reflectionKey(source, entry)] = packReflection(reflectKernel(source, entry));
  }
  return table;
}
