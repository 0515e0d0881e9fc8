// The browser bundle (dist/harmonium.js): the engine, the shader library and runJob for pages and
// the chrome backend.
export * from '../../engine/index.js';
export { library } from '../../engine/library.js';
export { runJob, runJobForPage, jobNames } from './jobs.js';
