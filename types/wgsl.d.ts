// esbuild's text loader turns `import src from './x.wgsl'` into the file's contents.
declare module '*.wgsl' {
  const source: string;
  export default source;
}
