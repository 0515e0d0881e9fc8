// Reflects every compute entry point of the built-in shader library. build.mjs runs this once and
// hands the table to the bundles as the module 'harmonium:reflections', so that the library bundle
// carries plain data instead of the WGSL parser.
import { library } from './library.js';
import { computeEntries, reflectKernel } from './reflect.js';
import { hash, packReflection, reflectionKey, type BuiltinReflection } from './reflections.js';
import { resolveIncludes } from './shaders.js';

export async function reflectLibrary(): Promise<Record<string, BuiltinReflection>> {
  const table: Record<string, BuiltinReflection> = {};
  for (const file of Object.keys(library)) {
    const source = await resolveIncludes(file, library);
    for (const entry of computeEntries(source)) table[reflectionKey(file, entry)] = [hash(source), packReflection(reflectKernel(source, entry))];
  }
  return table;
}
