// esbuild's text loader turns `import src from './x.wgsl'` into the file's contents.
declare module '*.wgsl' {
  const source: string;
  export default source;
}

// build.mjs: the built-in kernels' reflections, computed at build time (engine/reflect_library.ts).
// engine/reflections.ts types it (ReflectionTable): an ambient module cannot import types by relative path.
declare module 'harmonium:reflections' {
  const table: unknown;
  export default table;
}
