// Text corpora for the topic models: documents as token lists over a vocabulary. The tokenizer
// lowercases, keeps runs of letters a-z (so "don't" is "don" and "t"), drops stop words and words
// shorter than 2 letters; the vocabulary keeps words seen at least `minCount` times, the `maxVocabulary`
// most frequent of them (ties by first appearance); a document left without tokens by the vocabulary is
// dropped (and counted). Text that is not text (a NUL byte, invalid UTF-8) or a document with no word at
// all is an InputError naming it. Browser-safe.
import { InputError } from '../../engine/errors.js';

/** Documents as word ids: document d's tokens are words[offsets[d] .. offsets[d + 1]). */
export interface Corpus {
  vocabulary: string[];
  /** D + 1 offsets into `words`. */
  offsets: Uint32Array;
  /** Every token's word id, document after document. */
  words: Uint32Array;
}

export interface CorpusOptions {
  /** Words seen fewer times are dropped (default 2). */
  minCount?: number;
  /** At most this many words, the most frequent (default 5,000). */
  maxVocabulary?: number;
  /** Words never kept (default: STOP_WORDS). */
  stopWords?: ReadonlySet<string>;
  /** A fixed vocabulary (a trained model's): its words kept, every other word dropped; minCount and maxVocabulary unused. */
  vocabulary?: readonly string[];
}

/** The defaults of CorpusOptions, declared once. */
export const CORPUS_DEFAULTS = { minCount: 2, maxVocabulary: 5000 } as const;

/** Common English function words (a short list in the spirit of the SMART list): they carry no topic. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing down during each ' +
    'few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on ' +
    'once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to ' +
    'too under until up upon very was we were what when where which while who whom why will with would you your yours yourself yourselves shall may might must thee thou thy ' +
    'hath unto ye also said one two us let yet ever'
  ).split(' '),
);

/** The number of tokens and documents of a corpus. */
export const corpusSize = (c: Corpus): { documents: number; tokens: number } => ({ documents: c.offsets.length - 1, tokens: c.words.length });

/** A text's words: lowercase runs of a-z, stop words and one-letter words dropped. */
export function tokenize(text: string, stopWords: ReadonlySet<string> = STOP_WORDS): string[] {
  return (text.toLowerCase().match(/[a-z]+/g) ?? []).filter((w) => w.length > 1 && !stopWords.has(w));
}

/** Bytes as text: an InputError naming `source` for a NUL byte or invalid UTF-8 (a binary file). */
export function decodeText(bytes: Uint8Array, source: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`${source}: a NUL byte at offset ${nul}: a binary file, not text`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${source}: not UTF-8 text (a binary file?)`);
  }
}

/**
 * A word list (one word per line, blank lines skipped) as a fixed vocabulary: an InputError naming
 * `source` and the line for a word the tokenizer would never produce (anything but two or more letters
 * a-z, or a stop word), a repeated word, no words, or more words than `maxVocabulary`.
 */
export function parseWordList(text: string, source: string, maxVocabulary: number, stopWords: ReadonlySet<string> = STOP_WORDS): string[] {
  const words: string[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const word = raw.trim();
    if (word === '') return;
    if (!/^[a-z]{2,}$/.test(word) || stopWords.has(word)) throw new InputError(`${source}: line ${i + 1}: "${word.slice(0, 40)}" is not a word the tokenizer keeps (two or more lowercase letters a-z, not a stop word)`);
    const first = seen.get(word);
    if (first !== undefined) throw new InputError(`${source}: line ${i + 1}: "${word}" again (first on line ${first})`);
    seen.set(word, i + 1);
    words.push(word);
  });
  if (words.length === 0) throw new InputError(`${source}: no words`);
  if (words.length > maxVocabulary) throw new InputError(`${source}: ${words.length} words, more than the vocabulary cap of ${maxVocabulary} (--max-vocabulary)`);
  return words;
}

/**
 * A corpus of `documents` (each a text, `names[i]` saying where it came from), tokenized and counted.
 *
 *   const { corpus, dropped } = buildCorpus(text.split('\n'), { minCount: 3 });
 */
export function buildCorpus(documents: readonly string[], o: CorpusOptions = {}, names?: readonly string[]): { corpus: Corpus; dropped: number } {
  const minCount = o.minCount ?? CORPUS_DEFAULTS.minCount;
  const maxVocabulary = o.maxVocabulary ?? CORPUS_DEFAULTS.maxVocabulary;
  if (!(Number.isInteger(minCount) && minCount >= 1)) throw new InputError(`corpus: min count = ${minCount} must be a positive integer`);
  if (!(Number.isInteger(maxVocabulary) && maxVocabulary >= 1)) throw new InputError(`corpus: max vocabulary = ${maxVocabulary} must be a positive integer`);
  if (documents.length === 0) throw new InputError('corpus: no documents');
  const tokenized = documents.map((text, i) => {
    const words = tokenize(text, o.stopWords);
    if (!/[a-z]/i.test(text)) throw new InputError(`${names?.[i] ?? `document ${i + 1}`}: empty (no words at all)`);
    return words;
  });
  // Counts, and first appearances for a stable order among equal counts.
  const counts = new Map<string, number>();
  for (const words of tokenized) for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const vocabulary =
    o.vocabulary !== undefined
      ? [...o.vocabulary]
      : [...counts.entries()]
          .filter(([, n]) => n >= minCount)
          .map(([w, n], order) => ({ w, n, order }))
          .sort((a, b) => b.n - a.n || a.order - b.order)
          .slice(0, maxVocabulary)
          .map((e) => e.w);
  if (vocabulary.length === 0) throw new InputError(`corpus: an empty vocabulary (no word other than stop words appears ${minCount} times or more)`);
  const ids = new Map(vocabulary.map((w, i) => [w, i]));
  const offsets = [0];
  const words: number[] = [];
  let dropped = 0;
  for (const doc of tokenized) {
    const before = words.length;
    for (const w of doc) {
      const id = ids.get(w);
      if (id !== undefined) words.push(id);
    }
    if (words.length === before) dropped++;
    else offsets.push(words.length);
  }
  if (offsets.length === 1) throw new InputError('corpus: every document is empty once the vocabulary is applied');
  return { corpus: { vocabulary, offsets: Uint32Array.from(offsets), words: Uint32Array.from(words) }, dropped };
}

/**
 * The first documents for training and the rest held out: a document goes to the held-out part when
 * its index i has (i mod round(1 / fraction)) = round(1 / fraction) - 1 (every fifth for 0.2), so
 * both parts cover the whole corpus. The vocabulary is shared.
 */
export function splitCorpus(c: Corpus, heldOutFraction = 0.2): { train: Corpus; test: Corpus } {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) throw new InputError(`corpus: held-out fraction ${heldOutFraction} must lie in (0, 1)`);
  const every = Math.max(2, Math.round(1 / heldOutFraction));
  const parts = [
    { offsets: [0], words: [] as number[] },
    { offsets: [0], words: [] as number[] },
  ];
  const documents = c.offsets.length - 1;
  for (let d = 0; d < documents; d++) {
    const part = parts[d % every === every - 1 ? 1 : 0];
    for (let t = c.offsets[d]; t < c.offsets[d + 1]; t++) part.words.push(c.words[t]);
    part.offsets.push(part.words.length);
  }
  const [train, test] = parts.map((p) => ({ vocabulary: c.vocabulary, offsets: Uint32Array.from(p.offsets), words: Uint32Array.from(p.words) }));
  if (test.offsets.length === 1) throw new InputError(`corpus: ${documents} document${documents === 1 ? '' : 's'}: too few to hold out one in ${every}`);
  return { train, test };
}
