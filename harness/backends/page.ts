// The chrome backend's page bundle (dist/runner.js, loaded by runner.html): the same runJob as the
// Node backend, for jobs sent into the page.
export { runJobForPage, jobNames } from './jobs.js';
