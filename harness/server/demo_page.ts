// What every demo page shares (harness/<feature>/demo.ts): the notice's HTML, the message that says
// why WebGPU is missing and how to get it, a promise settled once (a page's `ready`), and the device
// with its pool and scheduler. Browser-only.
import { BufferPool, Gpu, InputError, NoAdapterError, Scheduler, type RunContext } from '../../engine/index.js';

export const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);

/** Shows `html` in the page's notice box, styled as a warning or an error. */
export function showNotice(notice: HTMLElement, kind: 'error' | 'warning', html: string): void {
  notice.className = `notice ${kind}`;
  notice.innerHTML = html;
  notice.hidden = false;
}

export function clearNotice(notice: HTMLElement): void {
  notice.hidden = true;
  notice.textContent = '';
}

/** Why WebGPU is unavailable here and what to do about it, as HTML for the notice (`page`: the demo's file, e.g. 'ising.html'). */
export function noWebGpuMessage(detail: string, page: string): string {
  const origin = escapeHtml(location.origin);
  if (!window.isSecureContext) {
    return (
      `<strong>WebGPU needs a secure context.</strong> This page was opened from <code>${origin}</code>, ` +
      'which is not one, so the browser hides <code>navigator.gpu</code>. Open it through ' +
      `<code>harmonium serve</code> (it prints <code>http://127.0.0.1:PORT/${escapeHtml(page)}</code>), from ` +
      '<code>http://localhost</code>, or over https.'
    );
  }
  if (!('gpu' in navigator) || !navigator.gpu) {
    return (
      '<strong>This browser does not expose WebGPU</strong> (<code>navigator.gpu</code> is missing). ' +
      'Recent Chrome and Edge have it on by default on Windows, macOS and ChromeOS; on Linux enable ' +
      '<code>chrome://flags/#enable-unsafe-webgpu</code> or start Chrome with <code>--enable-unsafe-webgpu</code>. ' +
      'Recent Safari and Firefox releases ship it too, in some versions behind a setting.'
    );
  }
  return (
    `<strong>No WebGPU adapter.</strong> ${escapeHtml(detail)} The GPU may be blocklisted: ` +
    '<code>chrome://gpu</code> says why; <code>chrome://flags/#enable-unsafe-webgpu</code> lifts the blocklist.'
  );
}

/**
 * A promise settled by the first of resolve() and reject(); later calls do nothing.
 *
 *   const first = settleOnce();   // first.resolve() after the first frame, first.reject(e) on a failure
 */
export function settleOnce(): { promise: Promise<void>; resolve(): void; reject(e: Error): void } {
  let settled = false;
  let ok: () => void = () => undefined;
  let no: (e: Error) => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => ((ok = resolve), (no = reject)));
  promise.catch(() => undefined);
  return {
    promise,
    resolve: () => (settled ? undefined : ((settled = true), ok())),
    reject: (e: Error) => (settled ? undefined : ((settled = true), no(e))),
  };
}

/**
 * The page's device, pool and scheduler; `onFail` hears uncaptured WebGPU errors and a lost device.
 * Returns the adapter as the page shows it.
 */
async function openDemoContext(onFail: (e: Error) => void): Promise<{ ctx: RunContext; adapter: string }> {
  const gpu = await Gpu.open({ timestamps: false });
  gpu.device.addEventListener('uncapturederror', (e) => onFail(new Error(`WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`)));
  gpu.lost.catch((e: Error) => onFail(e));
  const a = gpu.adapter;
  // Some adapters report no description, and Gpu.open falls back to "vendor architecture".
  const adapter = a.description === `${a.vendor} ${a.architecture}` ? a.description : `${a.description} (${a.vendor}, ${a.architecture})`;
  const pool = new BufferPool(gpu);
  return { ctx: { gpu, pool, scheduler: new Scheduler(gpu, pool) }, adapter };
}

/** Control elements a demo disables when it cannot run. */
type Control = HTMLInputElement | HTMLSelectElement | HTMLButtonElement;

/**
 * Every demo page's start: the page's device, pool and scheduler, with the adapter as the page shows
 * it. When WebGPU is missing or fails, the notice says why and what to do, `controls` are disabled, and
 * the error is thrown (the page's `ready` rejects with it). `onFail` hears later failures (an
 * uncaptured WebGPU error, a lost device).
 *
 *   const { ctx, adapter } = await openDemo({ notice: ui.notice, page: 'rbm.html', controls: [ui.lr, ui.k], onFail: (e) => demo.fail(e) });
 */
export async function openDemo(o: { notice: HTMLElement; page: string; controls?: readonly Control[]; onFail: (e: Error) => void }): Promise<{ ctx: RunContext; adapter: string }> {
  try {
    if (!window.isSecureContext || !('gpu' in navigator) || !navigator.gpu) throw new NoAdapterError('WebGPU is unavailable in this page.');
    return await openDemoContext(o.onFail);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    for (const control of o.controls ?? []) control.disabled = true;
    showNotice(o.notice, 'error', error instanceof NoAdapterError ? noWebGpuMessage(error.message, o.page) : escapeHtml(error.message));
    throw error;
  }
}

/** A failure after the start, in the notice (logged too). */
export function showFailure(notice: HTMLElement, e: unknown): void {
  const error = e instanceof Error ? e : new Error(String(e));
  console.error(error);
  showNotice(notice, 'error', `<strong>${escapeHtml(error.name)}.</strong> ${escapeHtml(error.message)}`);
}

export interface DemoLoop {
  /** Resolved by the first drew(), rejected by the first failure. */
  ready: Promise<void>;
  /** A frame has drawn the page's picture. */
  drew(): void;
  /** A failure: an InputError (a bad setting) shows a warning and waits for new settings; anything else stops the loop. */
  fail(e: unknown): void;
  /** Runs `frame` once per animation frame until a failure that is not an InputError. */
  start(): void;
}

/**
 * The animation loop of a demo page and its failure handling.
 *
 *   const demo = demoLoop({ notice, frame: () => frame(ctx), failed: (m) => (state.error = m), cleanUp: () => chain?.release() });
 *   demo.start(); await demo.ready;
 */
export function demoLoop(o: { notice: HTMLElement; frame: () => Promise<void>; failed: (message: string) => void; cleanUp: () => void }): DemoLoop {
  const first = settleOnce();
  let fatal = false;
  const fail = (e: unknown): void => {
    const error = e instanceof Error ? e : new Error(String(e));
    o.failed(error.message);
    first.reject(error);
    if (error instanceof InputError) {
      showNotice(o.notice, 'warning', `<strong>Cannot run these settings.</strong> ${escapeHtml(error.message)}`);
      return;
    }
    fatal = true;
    console.error(error);
    showNotice(o.notice, 'error', `<strong>${escapeHtml(error.name)}.</strong> ${escapeHtml(error.message)} Reload the page to start again.`);
  };
  const tick = (): void => {
    if (fatal) return;
    o.frame()
      .catch((e: unknown) => {
        o.cleanUp();
        fail(e);
      })
      .finally(() => {
        if (!fatal) requestAnimationFrame(tick);
      });
  };
  return { ready: first.promise, drew: first.resolve, fail, start: () => requestAnimationFrame(tick) };
}
