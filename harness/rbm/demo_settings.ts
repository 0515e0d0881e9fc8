// The RBM demo's settings (harness/rbm/demo.ts): read from the page's query string, written back to
// it as the controls change. Browser-safe; tested in Node.

export interface RbmDemoSettings {
  hidden: number;
  /** Gibbs steps of CD-k; changed while running (the trainer is rebuilt, the model kept). */
  k: number;
  /** Learning rate; changed while running (a host schedule rewritten between steps). */
  lr: number;
  batch: number;
  /** Training digits (the first N of our 8,000). */
  train: number;
  /** Training steps per animation frame. */
  stepsPerFrame: number;
  seed: number;
}

export const RBM_DEMO_DEFAULTS: Readonly<RbmDemoSettings> = { hidden: 100, k: 1, lr: 0.05, batch: 100, train: 8000, stepsPerFrame: 5, seed: 1 };

/** The k the page's menu offers, and the learning-rate slider's range. */
export const RBM_DEMO_KS = [1, 2, 3, 5, 10, 25] as const;
export const RBM_DEMO_LR = { min: 0.001, max: 0.5 } as const;

/** Settings from a query string (`?hidden=16&k=3`); a value out of range is ignored with a warning naming it. */
export function parseRbmDemoSettings(query: string): { settings: RbmDemoSettings; warnings: string[] } {
  const params = new URLSearchParams(query);
  const settings = { ...RBM_DEMO_DEFAULTS };
  const warnings: string[] = [];
  const integer = (key: 'hidden' | 'k' | 'batch' | 'train' | 'stepsPerFrame' | 'seed', name: string, lo: number, hi: number) => {
    const v = params.get(name);
    if (v === null) return;
    if (/^\d+$/.test(v) && Number(v) >= lo && Number(v) <= hi) settings[key] = Number(v);
    else warnings.push(`?${name}=${v} ignored: ${name} must be an integer in [${lo}, ${hi}]`);
  };
  integer('hidden', 'hidden', 1, 4096);
  integer('k', 'k', 1, 1000);
  integer('batch', 'batch', 1, 8000);
  integer('train', 'train', 1, 8000);
  integer('stepsPerFrame', 'spf', 1, 1000);
  integer('seed', 'seed', 0, 0xffffffff);
  const lr = params.get('lr');
  if (lr !== null) {
    if (lr.trim() !== '' && Number(lr) >= RBM_DEMO_LR.min && Number(lr) <= RBM_DEMO_LR.max) settings.lr = Number(lr);
    else warnings.push(`?lr=${lr} ignored: lr must be a number in [${RBM_DEMO_LR.min}, ${RBM_DEMO_LR.max}]`);
  }
  if (settings.batch > settings.train) {
    warnings.push(`?batch=${settings.batch} ignored: larger than the ${settings.train} training digits`);
    settings.batch = Math.min(RBM_DEMO_DEFAULTS.batch, settings.train);
  }
  return { settings, warnings };
}

/** The query string that reproduces `s`. */
export function rbmDemoQuery(s: RbmDemoSettings): string {
  const p = new URLSearchParams({ hidden: String(s.hidden), k: String(s.k), lr: String(s.lr), batch: String(s.batch), train: String(s.train), spf: String(s.stepsPerFrame), seed: String(s.seed) });
  return `?${p}`;
}
