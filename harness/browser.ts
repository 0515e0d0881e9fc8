// The browser bundle (dist/harmonium.js): the engine, the shader library and runJob for pages and
// the chrome backend.
export * from '../engine/index.js';
export { library } from '../shaders/index.js';
export { runJob, runJobForPage, jobNames } from './jobs.js';
