import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { existsSync } from 'node:fs';
import { NoAdapterError, HarmoniumError } from '../../engine/errors.js';
import { serveStatic, type StaticServer } from '../server/static.js';
import { distDir } from '../io/package.js';
import type { JobOptions } from './context.js';
import type { PageOutcome } from './jobs.js';
import type { JsonObject } from '../io/json.js';

export const CHROMIUM = process.env.HARMONIUM_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ChromeSession {
  browser: Browser;
  server: StaticServer;
  /** A page on the harness server (dist/), with errors of the page collected in `errors`. */
  open(path: string): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
  /** @internal The session's job runner page (runJobInChrome), opened on first use. */
  runner?: Promise<RunnerPage>;
  /** @internal The last job queued on the runner page: jobs run there one after another. */
  queue?: Promise<unknown>;
}

/** runner.html, kept open for a session's jobs so that they share one device and its compiled pipelines. */
interface RunnerPage {
  page: Page;
  errors: string[];
  /** The running job's progress listeners, which the page's exposed functions call. */
  hooks: Pick<JobOptions, 'onProgress' | 'onUnit'>;
}

/** Starts headless Chromium (the system one) and a loopback server for `root` (default: this package's dist/). */
export async function startChrome(root = distDir()): Promise<ChromeSession> {
  if (!existsSync(CHROMIUM)) {
    throw new NoAdapterError(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set HARMONIUM_CHROMIUM`);
  }
  const server = await serveStatic(root);
  let browser: Browser;
  try {
    // protocolTimeout 0: a job is one page.evaluate that may run for hours; puppeteer's default is 180 s.
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, protocolTimeout: 0 });
  } catch (e) {
    await server.close();
    throw new HarmoniumError(`could not start Chromium at ${CHROMIUM}: ${(e as Error).message}`);
  }
  return {
    browser,
    server,
    async open(path: string) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.url}/${path}`, { waitUntil: 'load' });
      return { page, errors };
    },
    async close() {
      try {
        await browser.close();
      } finally {
        await server.close();
      }
    },
  };
}

async function openRunner(session: ChromeSession): Promise<RunnerPage> {
  const { page, errors } = await session.open('runner.html');
  const runner: RunnerPage = { page, errors, hooks: {} };
  await page.exposeFunction('harmoniumProgress', (done: number, total: number) => runner.hooks.onProgress?.(done, total));
  await page.exposeFunction('harmoniumUnit', (line: string) => runner.hooks.onUnit?.(line));
  try {
    await page.waitForFunction('window.harmonium !== undefined', { timeout: 30_000 });
  } catch {
    throw new HarmoniumError(`chrome: runner.html did not load runner.js within 30 s (run node build.mjs?)${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
  }
  return runner;
}

export interface ChromeJobOptions extends Omit<JobOptions, 'gpu'> {
  /** A running session to run the job in (its runner page, one job at a time); otherwise one is started and closed around the job. */
  session?: ChromeSession;
}

/**
 * Runs one job (harness/backends/jobs.ts) inside headless Chromium through dist/runner.html, which imports
 * dist/runner.js and calls the same runJob as the Node backend. Progress and finished units come back
 * through functions exposed on the page. A session keeps its runner page, and so the page's device and
 * the pipelines compiled on it, from one job to the next (SwiftShader compiles a pipeline in about
 * 0.4 s, and a model's job uses dozens); a page that fails is replaced for the next job.
 */
export async function runJobInChrome(spec: JsonObject, options: ChromeJobOptions = {}): Promise<JsonObject> {
  const session = options.session ?? (await startChrome());
  const job = (session.queue ?? Promise.resolve()).catch(() => undefined).then(() => runOnRunner(session, spec, options));
  session.queue = job;
  try {
    return await job;
  } finally {
    if (!options.session) await session.close();
  }
}

async function runOnRunner(session: ChromeSession, spec: JsonObject, options: ChromeJobOptions): Promise<JsonObject> {
  session.runner ??= openRunner(session);
  let runner: RunnerPage;
  try {
    runner = await session.runner;
  } catch (e) {
    session.runner = undefined;
    throw e;
  }
  const errorsBefore = runner.errors.length;
  runner.hooks = { onProgress: options.onProgress, onUnit: options.onUnit };
  let outcome: PageOutcome;
  try {
    outcome = (await runner.page.evaluate(
      async (s, adapter) => {
        const h = (window as unknown as { harmonium: { runJobForPage(spec: unknown, adapter?: string): Promise<unknown> } }).harmonium;
        return h.runJobForPage(s, adapter);
      },
      spec,
      options.adapter ?? 'auto',
    )) as PageOutcome;
  } catch (e) {
    // The page itself failed (crashed, closed): the next job opens a new one.
    session.runner = undefined;
    await runner.page.close().catch(() => undefined);
    throw e;
  } finally {
    runner.hooks = {};
  }
  if (!outcome.ok) throw new BrowserJobError(outcome.name, outcome.message, outcome.exitCode);
  const errors = runner.errors.slice(errorsBefore);
  if (errors.length) throw new HarmoniumError(`chrome page reported errors: ${errors.join('; ')}`);
  return outcome.result;
}

/** An error thrown inside the page, carried back with its type name and exit code. */
export class BrowserJobError extends HarmoniumError {
  constructor(readonly errorName: string, message: string, override readonly exitCode: number) {
    super(`${errorName} (in chrome): ${message}`);
  }
}
