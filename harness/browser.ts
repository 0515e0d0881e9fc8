// The browser bundle (dist/harmonium.js): the engine and models for pages and the chrome backend.
export * from '../engine/index.js';
export { library } from '../shaders/index.js';
