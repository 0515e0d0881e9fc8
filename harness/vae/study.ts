// The VAE family's section of `npm start` (harmonium study): a gaussian VAE's ELBO curves, its IWAE
// estimate of log p(x), the same model trained by the IWAE bound (K = IWAE_TRAIN_K) and both its
// bounds, samples and reconstructions; a 2-D VAE's manifold; a beta-VAE's latent
// traversals; missing pixels filled by its Markov chain against mean imputation; the plain and the
// denoising autoencoder on masked test digits. Every job runs on the
// study's backend; the cpu scale trains smaller models for fewer epochs, quick tiny ones (a smoke run).
import type { JsonObject } from '../io/json.js';
import type { ReportSection, SectionContext } from '../report/section.js';

/** Draws per digit of the IWAE-trained model (Burda et al. train with 5 and 50). */
const IWAE_TRAIN_K = 5;

/** Sizes by scale: the full one follows the issue's model (784-400-(20), K = 5000) at fewer epochs. */
const MODES = {
  full: { hidden: 400, latent: 20, epochs: 20, train: undefined, test: 500, k: 5000, iwaeCount: 200, beta: 4, betaLatent: 10, aeHidden: 256, steps: 20, imputeSteps: 100 },
  cpu: { hidden: 200, latent: 20, epochs: 5, train: 2000, test: 500, k: 500, iwaeCount: 100, beta: 4, betaLatent: 10, aeHidden: 128, steps: 15, imputeSteps: 50 },
  quick: { hidden: 32, latent: 4, epochs: 2, train: 200, test: 50, k: 5, iwaeCount: 50, beta: 4, betaLatent: 4, aeHidden: 32, steps: 5, imputeSteps: 3 },
} as const;

/** The fields of a training result the page draws (the model travels on to the image jobs only). */
function trained(r: JsonObject): JsonObject {
  const { hidden, latent, beta, epochs, train_count, test_count, test_elbo, history, examples_per_s } = r;
  return { hidden, latent, beta, epochs, train_count, test_count, test_elbo, history, examples_per_s };
}

async function collectVae(ctx: SectionContext): Promise<JsonObject> {
  const m = MODES[ctx.scale];
  const counts = { ...(m.train ? { train_count: m.train } : {}), test_count: m.test };
  const train = async (what: string, spec: JsonObject) => {
    ctx.phase(`vae: ${what}`);
    const r = await ctx.run({ job: 'vae-train', hidden: [m.hidden], epochs: m.epochs, seed: ctx.seed, ...counts, ...spec, return_model: true });
    ctx.unit(`${what}: test ELBO ${(r.test_elbo as number).toFixed(2)} nats after ${m.epochs} epochs`);
    return r;
  };
  const images = (model: JsonObject, kind: string, extra: JsonObject = {}) => ctx.run({ job: 'vae-images', model: model.model_base64, kind, seed: ctx.seed, ...extra });
  const main = await train(`vae 784-${m.hidden}-(${m.latent})`, { latent: m.latent });
  const evaluate = async (what: string, model: JsonObject) => {
    const e = await ctx.run({ job: 'vae-eval', model: model.model_base64, iwae: m.k, test_count: m.iwaeCount, seed: ctx.seed });
    ctx.unit(`${what}: IWAE (K = ${m.k}) on ${m.iwaeCount} test digits ${(e.iwae_log_px as number).toFixed(2)} nats, ELBO ${(e.elbo as number).toFixed(2)}`);
    return { elbo: e.elbo, iwae_log_px: e.iwae_log_px, k: e.k, test_count: e.test_count };
  };
  const iwae = await evaluate('trained by the ELBO', main);
  const byIwae = await train(`vae 784-${m.hidden}-(${m.latent}) by the IWAE bound, K = ${IWAE_TRAIN_K}`, { latent: m.latent, iwae: IWAE_TRAIN_K });
  const byIwaeBounds = await evaluate(`trained by IWAE (K = ${IWAE_TRAIN_K})`, byIwae);
  // Imputation as in Rezende et al.'s figure: 10% and 50% of the pixels observed, and the bottom half missing.
  const imputations: JsonObject[] = [];
  const masks: JsonObject[] = [{ missing: 'random', observed: 0.1 }, { missing: 'random', observed: 0.5 }, { missing: 'bottom-half' }];
  for (const mask of masks) {
    ctx.phase(`vae: imputation (${mask.missing}${'observed' in mask ? ` ${mask.observed}` : ''})`);
    const r = await ctx.run({ job: 'vae-impute', model: main.model_base64, ...mask, steps: m.imputeSteps, test_count: m.test, seed: ctx.seed, picture: true });
    ctx.unit(`imputation, ${(100 * (r.observed_fraction as number)).toFixed(0)}% observed (${String(r.missing)}): missing pixels' squared error ${(r.missing_mse as number).toFixed(4)} (mean imputation ${(r.mean_imputation_mse as number).toFixed(4)})`);
    const { missing, observed_fraction, steps, missing_mse, mean_imputation_mse, missing_mse_per_step, picture, count } = r;
    imputations.push({ missing, observed_fraction, steps, missing_mse, mean_imputation_mse, missing_mse_per_step, picture, count });
  }
  const plane = await train('2-D vae', { latent: 2 });
  const beta = await train(`beta-vae (beta ${m.beta})`, { latent: m.betaLatent, beta: m.beta });
  const aes: JsonObject[] = [];
  for (const noise of ['none', 'mask']) {
    const r = await ctx.run({ job: 'ae-train', hidden: [m.aeHidden], epochs: m.epochs, seed: ctx.seed, ...counts, noise, noise_level: 0.5, eval_mask: 0.5, return_images: 10 });
    ctx.unit(`autoencoder (noise ${noise}): half-masked test digits, squared error ${(r.masked_squared_error as number).toFixed(2)} per digit`);
    const { history, test_squared_error, masked_squared_error, test_cross_entropy, masked_cross_entropy, images } = r;
    aes.push({ noise, hidden: m.aeHidden, history, test_squared_error, masked_squared_error, test_cross_entropy, masked_cross_entropy, images });
  }
  return {
    quick: ctx.scale === 'quick',
    scale: ctx.scale,
    vae: trained(main),
    iwae,
    iwae_trained: { ...trained(byIwae), train_k: IWAE_TRAIN_K, ...byIwaeBounds },
    plane: trained(plane),
    beta: trained(beta),
    autoencoders: aes,
    imputations,
    images: {
      samples: await images(main, 'sample', { count: 100 }),
      reconstructions: await images(main, 'reconstruct', { count: 20 }),
      manifold: await images(plane, 'manifold', { steps: m.steps }),
      traversals: await images(beta, 'traverse', { steps: m.steps === 20 ? 11 : m.steps }),
    },
  };
}

export const vaeReportSection: ReportSection = { name: 'vae', collect: collectVae };
