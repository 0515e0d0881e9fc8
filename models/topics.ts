// What a topic model's counts say: the topics' word distributions, the documents' topic proportions,
// the top words of each topic, and how far learned topics lie from known ones (the bars corpus).
import { mulhi, rngBits, uniform24 } from '../engine/philox.js';
import { RNG_PURPOSES } from '../engine/rng_purposes.js';
import { hungarian } from './assignment.js';

/** phi (topics x vocabulary): (n_wk + eta) / (n_k + V eta), from counts held words x topics. */
export function topicWords(nwk: ArrayLike<number>, nk: ArrayLike<number>, vocabulary: number, topics: number, eta: number): Float64Array {
  const phi = new Float64Array(topics * vocabulary);
  for (let k = 0; k < topics; k++) for (let w = 0; w < vocabulary; w++) phi[k * vocabulary + w] = (nwk[w * topics + k] + eta) / (nk[k] + vocabulary * eta);
  return phi;
}

/** theta (documents x topics): (n_dk + alpha) / (N_d + K alpha). */
export function documentTopics(ndk: ArrayLike<number>, documents: number, topics: number, alpha: number): Float64Array {
  const theta = new Float64Array(documents * topics);
  for (let d = 0; d < documents; d++) {
    let n = 0;
    for (let k = 0; k < topics; k++) n += ndk[d * topics + k];
    for (let k = 0; k < topics; k++) theta[d * topics + k] = (ndk[d * topics + k] + alpha) / (n + topics * alpha);
  }
  return theta;
}

/** Each topic's `count` most probable words (ties by word order). */
export function topWords(phi: Float64Array, vocabulary: readonly string[], topics: number, count: number): string[][] {
  const v = vocabulary.length;
  return Array.from({ length: topics }, (_, k) =>
    Array.from({ length: v }, (_, w) => w)
      .sort((a, b) => phi[k * v + b] - phi[k * v + a] || a - b)
      .slice(0, count)
      .map((w) => vocabulary[w]),
  );
}

/**
 * Topic recovery: the mean over the true topics of the L1 distance to the learned topic matched to it
 * by the Hungarian method (least total distance; learned topics at least as many as true ones), and the match.
 */
export function topicRecovery(truth: ArrayLike<number>, learned: ArrayLike<number>, trueTopics: number, learnedTopics: number, vocabulary: number): { distance: number; match: number[] } {
  const cost = new Float64Array(trueTopics * learnedTopics);
  for (let i = 0; i < trueTopics; i++) {
    for (let j = 0; j < learnedTopics; j++) {
      let s = 0;
      for (let w = 0; w < vocabulary; w++) s += Math.abs(truth[i * vocabulary + w] - learned[j * vocabulary + w]);
      cost[i * learnedTopics + j] = s;
    }
  }
  const match = Array.from(hungarian(cost, trueTopics, learnedTopics));
  return { distance: match.reduce((s, j, i) => s + cost[i * learnedTopics + j], 0) / trueTopics, match };
}

/** Documents as word ids: document d's tokens are words[offsets[d] .. offsets[d + 1]). */
export interface TokenDocuments {
  offsets: Uint32Array;
  words: Uint32Array;
}

/** A held-out score by document completion: perplexity, the mean log p per scored token, the tokens scored and those of probability 0. */
export interface Completion {
  perplexity: number;
  logLikelihoodPerToken: number;
  scored: number;
  unseen: number;
}

/**
 * Document completion's shared part: each document's first half given to `foldIn` (token offsets
 * from .. half) for its topic proportions, its second half scored, log p(w) = log sum_k theta_k
 * phi_kw; a token of probability 0 is left out and counted as unseen. Documents of one token have
 * nothing to score and are skipped.
 */
function complete(phi: ArrayLike<number>, vocabulary: number, topics: number, docs: TokenDocuments, foldIn: (from: number, half: number) => Float64Array): Completion {
  let [logLikelihood, scored, unseen] = [0, 0, 0];
  for (let d = 0; d + 1 < docs.offsets.length; d++) {
    const [from, to] = [docs.offsets[d], docs.offsets[d + 1]];
    const half = from + Math.floor((to - from) / 2);
    if (half === from || half === to) continue;
    const theta = foldIn(from, half);
    for (let i = half; i < to; i++) {
      let p = 0;
      for (let t = 0; t < topics; t++) p += theta[t] * phi[t * vocabulary + docs.words[i]];
      if (p > 0) {
        logLikelihood += Math.log(p);
        scored++;
      } else {
        unseen++;
      }
    }
  }
  const perToken = scored > 0 ? logLikelihood / scored : NaN;
  return { perplexity: Math.exp(-perToken), logLikelihoodPerToken: perToken, scored, unseen };
}

/**
 * Held-out perplexity by document completion (Wallach et al. 2009): each document's first half of
 * tokens estimates its topic proportions by Gibbs sampling with the topics phi fixed (`sweeps` sweeps,
 * theta averaged over the second half of them), and its second half is scored (complete). Draws:
 * Philox (seed, ldaFoldIn): the start at step 0, sweep s at step 1 + s, element = the token.
 */
export function documentCompletion(phi: Float64Array, vocabulary: number, topics: number, docs: TokenDocuments, alpha: number, seed: number, sweeps = 50): Completion {
  const k = topics;
  const weights = new Float64Array(k);
  return complete(phi, vocabulary, k, docs, (from, half) => {
    // Fold-in: the observed half's assignments, started uniform at random (step 0), then Gibbs sweeps.
    const z = new Uint32Array(half - from);
    const counts = new Float64Array(k);
    for (let i = from; i < half; i++) {
      const start = mulhi(rngBits(seed, RNG_PURPOSES.ldaFoldIn, 0, i, 0)[0], k);
      z[i - from] = start;
      counts[start]++;
    }
    const theta = new Float64Array(k);
    let kept = 0;
    for (let s = 0; s < sweeps; s++) {
      for (let i = from; i < half; i++) {
        const w = docs.words[i];
        counts[z[i - from]]--;
        let total = 0;
        for (let t = 0; t < k; t++) weights[t] = total += (counts[t] + alpha) * phi[t * vocabulary + w];
        const u = uniform24(rngBits(seed, RNG_PURPOSES.ldaFoldIn, 1 + s, i, 0)[0]) * total;
        let next = k - 1;
        for (let t = 0; t < k; t++) {
          if (u < weights[t]) {
            next = t;
            break;
          }
        }
        z[i - from] = next;
        counts[next]++;
      }
      if (2 * s >= sweeps) {
        for (let t = 0; t < k; t++) theta[t] += (counts[t] + alpha) / (half - from + k * alpha);
        kept++;
      }
    }
    return theta.map((v) => v / kept);
  });
}

/** The training tokens' mean log-likelihood, sum log sum_k theta_dk phi_kw / N, from the sampler's counts. */
export function logLikelihoodPerToken(docs: TokenDocuments, theta: Float64Array, phi: Float64Array, vocabulary: number, topics: number): number {
  let total = 0;
  for (let d = 0; d + 1 < docs.offsets.length; d++) {
    for (let i = docs.offsets[d]; i < docs.offsets[d + 1]; i++) {
      let p = 0;
      for (let t = 0; t < topics; t++) p += theta[d * topics + t] * phi[t * vocabulary + docs.words[i]];
      total += Math.log(p);
    }
  }
  return total / docs.words.length;
}

/**
 * Held-out perplexity of pLSA by document completion: each document's first half folds in its topic
 * proportions by `iterations` EM steps with the topics beta (topics x words) fixed, theta_z ∝ sum_i
 * theta_z beta_zw_i / sum_z' theta_z' beta_z'w_i from uniform, and its second half is scored (complete).
 * A word no training document holds has probability 0 under every topic (pLSA has no prior to smooth
 * it): such tokens are left out and counted as `unseen`.
 */
export function plsaCompletion(beta: ArrayLike<number>, vocabulary: number, topics: number, docs: TokenDocuments, iterations = 50): Completion {
  const k = topics;
  const next = new Float64Array(k);
  return complete(beta, vocabulary, k, docs, (from, half) => {
    const theta = new Float64Array(k).fill(1 / k);
    for (let it = 0; it < iterations; it++) {
      next.fill(0);
      for (let i = from; i < half; i++) {
        let s = 0;
        for (let z = 0; z < k; z++) s += theta[z] * beta[z * vocabulary + docs.words[i]];
        if (s > 0) for (let z = 0; z < k; z++) next[z] += (theta[z] * beta[z * vocabulary + docs.words[i]]) / s;
      }
      const total = next.reduce((a, b) => a + b, 0);
      if (total > 0) for (let z = 0; z < k; z++) theta[z] = next[z] / total;
    }
    return theta;
  });
}
