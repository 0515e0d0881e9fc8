// Text corpora (harness/data/corpus.ts), the bars corpus (harness/data/bars.ts) and the serial
// collapsed Gibbs sampler for LDA (harness/reference/lda.ts): the tokenizer and vocabulary rules, bad
// text refused, the bars' topics and documents, and the sampler's draws against the exact posterior of
// a tiny corpus by enumeration (chi-square), its counts consistent after every sweep.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../engine/index.js';
import { barsCorpus, barsTopics, BARS_TOPICS } from '../harness/data/bars.js';
import { buildCorpus, decodeText, parseWordList, splitCorpus, tokenize, type Corpus } from '../harness/data/corpus.js';
import { cutIntoDocuments, federalistDocuments, federalistEssays } from '../harness/data/federalist.js';
import { ldaCounts, ldaLogJoint, ldaStart, ldaSweepSerial, lgamma, tokenDocuments } from '../harness/reference/lda.js';
import { expectError } from './expect.js';

const host = suite('corpora and the serial LDA sampler (no GPU)');

host('tokenize: lowercase letter runs, stop words and one-letter words dropped', () => {
  assert.equal(tokenize("The Cat's hat -- and 2 DOGS, a dog."), ['cat', 'hat', 'dogs', 'dog']);
});

host('buildCorpus: words seen min-count times, the most frequent first up to the cap, emptied documents dropped', () => {
  const { corpus, dropped } = buildCorpus(['apple pear apple', 'pear plum', 'kiwi kiwi apple', 'fig'], { minCount: 2, maxVocabulary: 2 });
  assert.equal(corpus.vocabulary, ['apple', 'pear']);
  assert.equal(Array.from(corpus.offsets), [0, 3, 4, 5]);
  assert.equal(Array.from(corpus.words), [0, 1, 0, 1, 0]);
  assert.is(dropped, 1, 'the document of "fig" alone');
});

host('bad corpora: no words, an empty vocabulary, a binary file, no documents', async () => {
  await expectError(() => buildCorpus(['apple pear', '  ... ', 'pear']), InputError, 'document 2: empty');
  await expectError(() => buildCorpus(['the and of', 'a an the']), InputError, 'an empty vocabulary');
  await expectError(() => buildCorpus([]), InputError, 'no documents');
  await expectError(() => decodeText(Uint8Array.of(104, 105, 0, 1), 'x.bin'), InputError, 'x.bin: a NUL byte at offset 2');
  await expectError(() => decodeText(Uint8Array.of(104, 0xff, 0xfe), 'y.txt'), InputError, 'y.txt: not UTF-8');
});

host('parseWordList: a fixed vocabulary in its order; a non-word, a stop word, a repeat, none, or more words than the cap refused naming the line', async () => {
  assert.equal(parseWordList('apple\n\n  pear \nplum\n', 'v.txt', 3), ['apple', 'pear', 'plum']);
  await expectError(() => parseWordList('apple\ndon\'t\n', 'v.txt', 10), InputError, 'v.txt: line 2: "don\'t" is not a word the tokenizer keeps');
  await expectError(() => parseWordList('apple\nthe\n', 'v.txt', 10), InputError, 'v.txt: line 2: "the"');
  await expectError(() => parseWordList('Apple\n', 'v.txt', 10), InputError, 'line 1: "Apple"');
  await expectError(() => parseWordList('apple\npear\napple\n', 'v.txt', 10), InputError, 'v.txt: line 3: "apple" again (first on line 1)');
  await expectError(() => parseWordList('\n \n', 'v.txt', 10), InputError, 'v.txt: no words');
  await expectError(() => parseWordList('apple\npear\nplum\n', 'v.txt', 2), InputError, 'v.txt: 3 words, more than the vocabulary cap of 2 (--max-vocabulary)');
  const { corpus } = buildCorpus(['plum apple kiwi', 'kiwi plum'], { vocabulary: parseWordList('plum\napple', 'v', 5) });
  assert.equal([corpus.vocabulary, Array.from(corpus.words)], [['plum', 'apple'], [0, 1, 0]]);
});

host('splitCorpus: every fifth document held out, the vocabulary shared', () => {
  const c = buildCorpus(Array.from({ length: 10 }, (_, i) => `word${'x'.repeat(i)} common common`), { minCount: 1 }).corpus;
  const { train, test } = splitCorpus(c, 0.2);
  assert.equal([train.offsets.length - 1, test.offsets.length - 1], [8, 2]);
  assert.is(test.vocabulary, c.vocabulary);
  assert.equal(Array.from(test.words.subarray(0, 3)), Array.from(c.words.subarray(c.offsets[4], c.offsets[5])));
});

host('cutIntoDocuments: whole sentences, at least the stated words each, the short last piece joined to the one before', () => {
  const essay = 'One two three. Four five? Six seven eight nine! Ten. Eleven twelve.';
  assert.equal(cutIntoDocuments(essay, 4), ['One two three. Four five?', 'Six seven eight nine! Ten. Eleven twelve.']);
  assert.equal(cutIntoDocuments('Short. Essay.', 150), ['Short. Essay.'], 'an essay below the minimum is one document');
});

host('the Federalist Papers: 85 essays, 190,776 words, cut into documents of 150 words or more that keep every word', async () => {
  const essays = await federalistEssays('node');
  const words = (texts: string[]) => texts.reduce((n, t) => n + t.split(/\s+/).filter(Boolean).length, 0);
  assert.is(essays.length, 85);
  assert.is(words(essays), 190776);
  assert.ok(essays[9].includes('the violence of faction'), 'No. 10 on line 10');
  const documents = await federalistDocuments('node');
  assert.is(words(documents), 190776);
  assert.ok(documents.length > 1000 && documents.every((d) => words([d]) >= 150 || essays.includes(d)), `${documents.length} documents`);
});

host('bars: 10 bars of 5 words; documents of the stated length whose words lie in the bars of their proportions', () => {
  const topics = barsTopics();
  for (let k = 0; k < BARS_TOPICS; k++) assert.ok(Math.abs(topics.subarray(k * 25, (k + 1) * 25).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.equal([topics[0 * 25 + 3], topics[5 * 25 + 10], topics[5 * 25 + 1]], [0.2, 0.2, 0]);
  const { corpus, proportions } = barsCorpus({ documents: 200, length: 100, seed: 3 });
  assert.equal([corpus.offsets.length, corpus.words.length, corpus.vocabulary[7]], [201, 20000, 'r1c2']);
  // Pooled over the corpus, a word's frequency is sum_k mean(theta_k) phi_kw: each word 1/25 on average.
  const counts = new Float64Array(25);
  for (const w of corpus.words) counts[w]++;
  const expected = Float64Array.from({ length: 25 }, (_, w) => {
    let s = 0;
    for (let d = 0; d < 200; d++) for (let k = 0; k < BARS_TOPICS; k++) s += proportions[d * BARS_TOPICS + k] * topics[k * 25 + w] * 100;
    return s;
  });
  const chi2 = counts.reduce((s, o, w) => s + (o - expected[w]) ** 2 / expected[w], 0);
  assert.ok(chi2 < 52.6, `word counts against the proportions: chi-square ${chi2} (24 dof, p = 0.001)`);
  assert.equal(Array.from(barsCorpus({ documents: 3, length: 5, seed: 3 }).corpus.words), Array.from(corpus.words.subarray(0, 5)).concat(Array.from(corpus.words.subarray(100, 105)), Array.from(corpus.words.subarray(200, 205))), 'a document does not depend on the corpus size');
});

host('lgamma: Lanczos against exact values', () => {
  for (const [x, want] of [[1, 0], [2, 0], [0.5, Math.log(Math.sqrt(Math.PI))], [5, Math.log(24)], [10.5, 13.940625219403763]]) assert.ok(Math.abs(lgamma(x) - want) < 1e-12 * Math.max(1, Math.abs(want)), `lgamma(${x}) = ${lgamma(x)}`);
});

host('the serial collapsed Gibbs sampler: the states of a tiny corpus against the exact posterior (chi-square, 31 dof, p = 0.001); counts consistent after every sweep', () => {
  // Two documents over two words, five tokens, two topics: 32 assignments.
  const corpus: Corpus = { vocabulary: ['a', 'b'], offsets: Uint32Array.of(0, 3, 5), words: Uint32Array.of(0, 1, 1, 1, 0) };
  const [k, alpha, eta] = [2, 0.5, 0.3];
  const exact = Float64Array.from({ length: 32 }, (_, state) => Math.exp(ldaLogJoint(corpus, ldaCounts(corpus, k, Uint32Array.from({ length: 5 }, (_, i) => (state >> i) & 1)), alpha, eta)));
  const norm = exact.reduce((a, b) => a + b, 0);
  const s = ldaStart(corpus, k, 7);
  const seen = new Float64Array(32);
  const [sweeps, thin] = [60000, 3];
  const doc = tokenDocuments(corpus);
  for (let t = 0; t < sweeps; t++) {
    ldaSweepSerial(corpus, s, alpha, eta, 7, t);
    if (t % 1000 === 0) {
      const again = ldaCounts(corpus, k, s.z);
      assert.equal([Array.from(s.ndk), Array.from(s.nwk), Array.from(s.nk)], [Array.from(again.ndk), Array.from(again.nwk), Array.from(again.nk)], `sweep ${t}`);
      assert.is(doc.length, 5);
    }
    if (t % thin === 0) seen[s.z.reduce((a, z, i) => a | (z << i), 0)]++;
  }
  const n = seen.reduce((a, b) => a + b, 0);
  const chi2 = seen.reduce((sum, o, st) => sum + (o - (n * exact[st]) / norm) ** 2 / ((n * exact[st]) / norm), 0);
  assert.ok(chi2 < 61.1, `chi-square ${chi2} over 32 states from ${n} samples`);
});

host.run();
