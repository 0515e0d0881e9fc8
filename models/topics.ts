// What a topic model's counts say: the topics' word distributions, the documents' topic proportions,
// the top words of each topic, and how far learned topics lie from known ones (the bars corpus).
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
