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

export interface ChromeJobOptions extends Omit<JobOptions, 'gpu'> {
  /** A running session to open the page in; otherwise one is started and closed around the job. */
  session?: ChromeSession;
}

/**
 * Runs one job (harness/backends/jobs.ts) inside headless Chromium through dist/runner.html, which imports
 * dist/runner.js and calls the same runJob as the Node backend. Progress and finished units come back
 * through functions exposed on the page.
 */
export async function runJobInChrome(spec: JsonObject, options: ChromeJobOptions = {}): Promise<JsonObject> {
  const own = options.session ?? (await startChrome());
  let opened: { page: Page; errors: string[] } | null = null;
  try {
    opened = await own.open('runner.html');
    const { page, errors } = opened;
    if (options.onProgress) await page.exposeFunction('harmoniumProgress', options.onProgress);
    if (options.onUnit) await page.exposeFunction('harmoniumUnit', options.onUnit);
    try {
      await page.waitForFunction('window.harmonium !== undefined', { timeout: 30_000 });
    } catch {
      throw new HarmoniumError(`chrome: runner.html did not load runner.js within 30 s (run node build.mjs?)${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
    }
    const outcome = (await page.evaluate(
      async (s, adapter) => {
        const h = (window as unknown as { harmonium: { runJobForPage(spec: unknown, adapter?: string): Promise<unknown> } }).harmonium;
        return h.runJobForPage(s, adapter);
      },
      spec,
      options.adapter ?? 'auto',
    )) as PageOutcome;
    if (!outcome.ok) throw new BrowserJobError(outcome.name, outcome.message, outcome.exitCode);
    if (errors.length) throw new HarmoniumError(`chrome page reported errors: ${errors.join('; ')}`);
    return outcome.result;
  } finally {
    await opened?.page.close().catch(() => undefined);
    if (!options.session) await own.close();
  }
}

/** An error thrown inside the page, carried back with its type name and exit code. */
export class BrowserJobError extends HarmoniumError {
  constructor(readonly errorName: string, message: string, override readonly exitCode: number) {
    super(`${errorName} (in chrome): ${message}`);
  }
}
