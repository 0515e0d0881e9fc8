// Matching and reading topics (models/assignment.ts, models/topics.ts): the Hungarian method against
// every permutation, topic recovery's distance, phi and theta from counts, top words.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hungarian } from '../models/assignment.js';
import { documentCompletion, documentTopics, topicRecovery, topicWords, topWords } from '../models/topics.js';
import { barsTopics, BARS_TOPICS } from '../harness/data/bars.js';
import { randomWords } from './random.js';

const host = suite('topics and matching (no GPU)');

/** The least total cost over every injective map of n rows into m columns, by brute force. */
function bruteForce(cost: Float64Array, n: number, m: number): number {
  let best = Infinity;
  const used = new Array<boolean>(m).fill(false);
  const go = (i: number, sum: number) => {
    if (i === n) return void (best = Math.min(best, sum));
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(i + 1, sum + cost[i * m + j]);
      used[j] = false;
    }
  };
  go(0, 0);
  return best;
}

host('hungarian: the least total cost of 50 random problems up to 6 x 7, distinct columns', () => {
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + (trial % 6);
    const m = n + (trial % 2);
    const cost = Float64Array.from(randomWords(n * m, trial + 1), (w) => w % 100);
    const match = hungarian(cost, n, m);
    assert.is(new Set(match).size, n, 'distinct columns');
    const total = Array.from(match).reduce((s, j, i) => s + cost[i * m + j], 0);
    assert.is(total, bruteForce(cost, n, m), `trial ${trial}`);
  }
  assert.equal(Array.from(hungarian(Float64Array.of(4, 1, 3, 2, 0, 5, 3, 2, 2), 3, 3)), [1, 0, 2]);
});

host('topicRecovery: a permutation of the truth is at distance 0, matched back; phi and theta from counts; top words', () => {
  const truth = Float64Array.of(0.5, 0.5, 0, 0, 0, 1);
  const learned = Float64Array.of(0, 0, 1, 0.5, 0.5, 0);
  assert.equal(topicRecovery(truth, learned, 2, 2, 3), { distance: 0, match: [1, 0] });
  assert.ok(Math.abs(topicRecovery(truth, Float64Array.of(0.4, 0.6, 0, 0, 0, 1), 2, 2, 3).distance - 0.1) < 1e-12);
  // Two words, two topics: word 0 twice in topic 0, word 1 once in topic 1.
  const phi = topicWords([2, 0, 0, 1], [2, 1], 2, 2, 0.5);
  assert.equal(Array.from(phi), [2.5 / 3, 0.5 / 3, 0.5 / 2, 1.5 / 2]);
  assert.equal(Array.from(documentTopics([3, 1], 1, 2, 1)), [4 / 6, 2 / 6]);
  assert.equal(topWords(phi, ['apple', 'pear'], 2, 1), [['apple'], ['pear']]);
});

host('documentCompletion: documents of one bar each under the true bars score perplexity just above 5 (each bar spreads over 5 words)', () => {
  // 20 documents, document d all of bar d mod 10, its 5 words in turn, 40 tokens.
  const words = Uint32Array.from({ length: 20 * 40 }, (_, i) => {
    const [bar, j] = [Math.floor(i / 40) % BARS_TOPICS, i % 5];
    return bar < 5 ? bar * 5 + j : j * 5 + (bar - 5);
  });
  const docs = { offsets: Uint32Array.from({ length: 21 }, (_, d) => 40 * d), words };
  const r = documentCompletion(barsTopics(), 25, BARS_TOPICS, docs, 0.01, 3, 20);
  assert.is(r.scored, 20 * 20);
  assert.ok(r.perplexity >= 5 && r.perplexity < 5.05, `perplexity ${r.perplexity}`);
  // Under a uniform topic every word has probability 1/25: perplexity 25.
  const uniform = documentCompletion(new Float64Array(25).fill(1 / 25), 25, 1, docs, 0.01, 3, 5);
  assert.ok(Math.abs(uniform.perplexity - 25) < 1e-9, `perplexity ${uniform.perplexity}`);
});

host.run();
