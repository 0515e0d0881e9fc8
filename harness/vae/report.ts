// The VAE family's section of the report page (data from harness/vae/study.ts): ELBO curves,
// the IWAE estimate, samples, reconstructions, the 2-D manifold, beta-VAE traversals, and the plain
// and denoising autoencoders on masked test digits.
import type { JsonObject } from '../io/json.js';
import { chart, el, figure, section, table } from '../report/charts.js';

type History = Array<Record<string, number>>;

export function vaeSection(data: JsonObject): void {
  const vae = data.vae as JsonObject;
  const [plane, beta] = [data.plane as JsonObject, data.beta as JsonObject];
  const iwae = data.iwae as Record<string, number>;
  const net = (m: JsonObject) => `784-${(m.hidden as number[]).join('-')}-(${String(m.latent)})`;
  const sec = section(
    `Variational autoencoders on MNIST${data.quick ? ' (quick: tiny models, a smoke run)' : ''}`,
    `Gaussian VAE ${net(vae)}, Bernoulli decoder, Adam, batch 100, ${String(vae.epochs)} epochs on ${String(vae.train_count)} dynamically binarised training digits; ` +
      `test ELBO on ${String(vae.test_count)} binarised test digits, in nats. IWAE: the importance-weighted bound with K = ${iwae.k} draws per digit (Burda et al.), on ${iwae.test_count} test digits.`,
  );
  const grid = el('div', { class: 'grid' });
  sec.append(grid);
  const history = vae.history as History;
  const epochs = history.map((h) => h.epoch);
  const at = (m: JsonObject) => epochs.map((e) => (m.history as History).find((h) => h.epoch === e)?.test_elbo ?? null);
  chart(grid, 'ELBO per epoch (nats)', 'epoch', 'ELBO', epochs, [
    { label: `train ${net(vae)}`, values: history.map((h) => h.train_elbo) },
    { label: `test ${net(vae)}`, values: history.map((h) => h.test_elbo) },
    { label: `test ${net(plane)}`, values: at(plane), dash: true },
    { label: `test ${net(beta)}, beta ${String(beta.beta)}`, values: at(beta), dash: true },
  ]);
  const byIwae = data.iwae_trained as JsonObject;
  table(sec, ['model', 'beta', 'test ELBO', `IWAE log p(x), K = ${iwae.k}`, 'train examples/s'], [
    [net(vae), 1, vae.test_elbo as number, iwae.iwae_log_px, vae.examples_per_s as number],
    [`${net(byIwae)} trained by the IWAE bound, K = ${String(byIwae.train_k)}`, 1, byIwae.test_elbo as number, byIwae.iwae_log_px as number, byIwae.examples_per_s as number],
    [net(plane), 1, plane.test_elbo as number, '', plane.examples_per_s as number],
    [net(beta), beta.beta as number, beta.test_elbo as number, '', beta.examples_per_s as number],
  ]);
  const images = data.images as Record<string, JsonObject>;
  const row = el('div', { class: 'snapshots', style: 'flex-wrap: wrap' });
  sec.append(row);
  figure(row, images.samples, `samples of ${net(vae)}: decoded prior draws (pixel probabilities)`);
  figure(row, images.reconstructions, 'binarised test digits (odd rows) and their reconstructions (even rows)');
  figure(row, images.manifold, `${net(plane)}: decoded grid over the latent plane (normal quantiles)`);
  figure(row, images.traversals, `beta-VAE ${net(beta)}, beta ${String(beta.beta)}: each row sweeps one latent dimension over [-3, 3] from a test digit's code`);
  const imputations = (data.imputations ?? []) as JsonObject[];
  if (imputations.length > 0) {
    const imp = section(
      `Imputation: the VAE ${net(vae)} fills in missing pixels`,
      `Rezende et al.'s Markov chain on ${String(imputations[0].count)} binarised test digits at once: encode the digit, draw z ~ q(z | x), decode, keep the observed pixels and set the missing ones to the decoder's mean; ` +
        `${String(imputations[0].steps)} steps from mean imputation (each missing pixel the training digits' mean there). The error is the mean squared error over the missing pixels.`,
    );
    const label = (r: JsonObject) => (r.missing === 'bottom-half' ? 'bottom half missing' : `${Math.round(100 * (r.observed_fraction as number))}% observed`);
    table(imp, ['pixels', 'chain: squared error', 'mean imputation: squared error'], imputations.map((r) => [label(r), r.missing_mse as number, r.mean_imputation_mse as number]));
    const curves = imputations.map((r) => r.missing_mse_per_step as { steps: number[]; mse: number[] });
    chart(imp, 'Missing pixels: squared error against steps of the chain', 'step', 'squared error', curves[0].steps, imputations.map((r, i) => ({ label: label(r), values: curves[i].mse })));
    const row = el('div', { class: 'snapshots', style: 'flex-wrap: wrap' });
    imp.append(row);
    for (const r of imputations) figure(row, r.picture as JsonObject, `${label(r)}: the digits, what is observed (missing pixels grey), the chain's fill, mean imputation's`);
  }
  const aes = data.autoencoders as JsonObject[];
  const ae = section(
    'Plain against denoising autoencoder',
    `784-${String(aes[0].hidden)}-784 sigmoid autoencoders, one plain and one trained on inputs with half their pixels masked; ` +
      'squared error per test digit of the reconstruction against the clean digit, from clean inputs and from inputs with half their pixels masked (the same mask for both).',
  );
  const aeHistory = (m: JsonObject) => m.history as History;
  chart(ae, 'Masked test digits: squared error per digit', 'epoch', 'squared error', aeHistory(aes[0]).map((h) => h.epoch), aes.map((m) => ({ label: m.noise === 'none' ? 'plain' : 'denoising (mask 0.5)', values: aeHistory(m).map((h) => h.masked_squared_error) })));
  const pictures = el('div', { class: 'snapshots', style: 'flex-wrap: wrap' });
  ae.append(pictures);
  for (const m of aes) figure(pictures, m.images as JsonObject, `${m.noise === 'none' ? 'plain' : 'denoising'}: test digits, the same digits half masked, and the reconstruction from the masked digits`);
  table(ae, ['autoencoder', 'clean: squared error', 'masked: squared error', 'clean: cross-entropy', 'masked: cross-entropy'], aes.map((m) => [m.noise === 'none' ? 'plain' : 'denoising', m.test_squared_error as number, m.masked_squared_error as number, m.test_cross_entropy as number, m.masked_cross_entropy as number]));
}
