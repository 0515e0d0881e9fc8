import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { existsSync } from 'node:fs';
import { NoAdapterError, HarmoniumError } from '../../engine/errors.js';
import { serveStatic, type StaticServer } from '../server/static.js';
import type { Json, JsonObject } from '../io/json.js';

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

/** Starts headless Chromium (the system one) and a loopback server for `root` (default dist/). */
export async function startChrome(root = 'dist'): Promise<ChromeSession> {
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

/**
 * Runs one job (harness/backends/jobs.ts) inside headless Chromium through dist/runner.html, which imports
 * dist/harmonium.js and calls the same runJob as the Node backend.
 */
export async function runJobInChrome(spec: JsonObject, session?: ChromeSession): Promise<Json> {
  const own = session ?? (await startChrome());
  let opened: { page: Page; errors: string[] } | null = null;
  try {
    opened = await own.open('runner.html');
    const { page, errors } = opened;
    try {
      await page.waitForFunction('window.harmonium !== undefined', { timeout: 30_000 });
    } catch {
      throw new HarmoniumError(`chrome: runner.html did not load harmonium.js within 30 s (run node build.mjs?)${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
    }
    const outcome = (await page.evaluate(async (s) => {
      const h = (window as unknown as { harmonium: { runJobForPage(spec: unknown): Promise<unknown> } }).harmonium;
      return h.runJobForPage(s);
    }, spec)) as { ok: true; result: Json } | { ok: false; name: string; message: string; exitCode: number };
    if (!outcome.ok) throw new BrowserJobError(outcome.name, outcome.message, outcome.exitCode);
    if (errors.length) throw new HarmoniumError(`chrome page reported errors: ${errors.join('; ')}`);
    return outcome.result;
  } finally {
    await opened?.page.close().catch(() => undefined);
    if (!session) await own.close();
  }
}

/** An error thrown inside the page, carried back with its type name and exit code. */
export class BrowserJobError extends HarmoniumError {
  constructor(readonly errorName: string, message: string, override readonly exitCode: number) {
    super(`${errorName} (in chrome): ${message}`);
  }
}
