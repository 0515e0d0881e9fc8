// esbuild's text loader turns `import src from './x.wgsl'` into the file's contents.
declare module '*.wgsl' {
  const source: string;
  export default source;
}

// build.mjs: the built-in kernels' reflections, computed at build time (engine/reflect_library.ts).
declare module 'harmonium:reflections' {
  import type { BuiltinReflection } from '../engine/reflections.js';
  const table: Readonly<Record<string, BuiltinReflection>>;
  export default table;
}
