// Griffiths & Steyvers' (2004) "bars" corpus, whose true topics are known: 25 words as a 5 x 5 grid,
// 10 topics (5 horizontal bars, then 5 vertical ones), each uniform over its 5 words; a document's
// topic proportions theta ~ Dirichlet(alpha), each of its tokens a topic z ~ theta and a word uniform in
// bar z. Draws: Philox (seed, barsCorpus, document): elements 0..9 the proportions' Gamma(alpha)
// variates (alpha = 1: exponentials), element 10 + 2t and 11 + 2t token t's topic and word. Browser-safe.
import { InputError } from '../../engine/errors.js';
import { rngBits, uniform24 } from '../../engine/philox.js';
import { RNG_PURPOSES } from '../../engine/rng_purposes.js';
import type { Corpus } from './corpus.js';

/** The grid's side: 5 x 5 words, 2 x 5 bars. */
export const BARS_SIDE = 5;
export const BARS_TOPICS = 2 * BARS_SIDE;

export interface BarsOptions {
  documents: number;
  /** Tokens per document (Griffiths & Steyvers: 100). */
  length: number;
  seed: number;
}

/** The true topics: 10 x 25 word probabilities (row-major), bars 0..4 horizontal, 5..9 vertical. */
export function barsTopics(): Float64Array {
  const side = BARS_SIDE;
  const topics = new Float64Array(BARS_TOPICS * side * side);
  for (let b = 0; b < side; b++) {
    for (let i = 0; i < side; i++) {
      topics[b * side * side + b * side + i] = 1 / side;
      topics[(side + b) * side * side + i * side + b] = 1 / side;
    }
  }
  return topics;
}

/** The word of bar `topic` at position `i` (0..4) along it. */
const barWord = (topic: number, i: number) => (topic < BARS_SIDE ? topic * BARS_SIDE + i : i * BARS_SIDE + (topic - BARS_SIDE));

/**
 * The corpus (vocabulary 'r0c0' .. 'r4c4') and each document's true topic proportions (D x 10).
 *
 *   const { corpus } = barsCorpus({ documents: 500, length: 100, seed: 1 });
 */
export function barsCorpus(o: BarsOptions): { corpus: Corpus; proportions: Float64Array } {
  if (!(Number.isInteger(o.documents) && o.documents >= 1)) throw new InputError(`bars: documents = ${o.documents} must be a positive integer`);
  if (!(Number.isInteger(o.length) && o.length >= 1)) throw new InputError(`bars: length = ${o.length} must be a positive integer`);
  const draw = (d: number, e: number) => uniform24(rngBits(o.seed, RNG_PURPOSES.barsCorpus, d, e, 0)[0]);
  const proportions = new Float64Array(o.documents * BARS_TOPICS);
  const words = new Uint32Array(o.documents * o.length);
  for (let d = 0; d < o.documents; d++) {
    // Dirichlet(1): normalised exponentials (1 - u in (0, 1]: never log 0).
    const gammas = Array.from({ length: BARS_TOPICS }, (_, k) => -Math.log(1 - draw(d, k)));
    const total = gammas.reduce((a, b) => a + b, 0);
    gammas.forEach((g, k) => (proportions[d * BARS_TOPICS + k] = g / total));
    for (let t = 0; t < o.length; t++) {
      const u = draw(d, BARS_TOPICS + 2 * t);
      let [topic, cumulative] = [BARS_TOPICS - 1, 0];
      for (let k = 0; k < BARS_TOPICS; k++) {
        cumulative += proportions[d * BARS_TOPICS + k];
        if (u < cumulative) {
          topic = k;
          break;
        }
      }
      words[d * o.length + t] = barWord(topic, Math.min(BARS_SIDE - 1, Math.floor(draw(d, BARS_TOPICS + 2 * t + 1) * BARS_SIDE)));
    }
  }
  const vocabulary = Array.from({ length: BARS_SIDE * BARS_SIDE }, (_, w) => `r${Math.floor(w / BARS_SIDE)}c${w % BARS_SIDE}`);
  const offsets = Uint32Array.from({ length: o.documents + 1 }, (_, d) => d * o.length);
  return { corpus: { vocabulary, offsets, words }, proportions };
}
