// The topic models' corpora in a job (Node or a page): the bars corpus drawn from the seed, the
// bundled Federalist Papers, or the documents the command read, tokenized the same way in all;
// every fifth document held out.
// Browser-safe.
import { InputError } from '../../engine/errors.js';
import type { Values } from '../cli/schema.js';
import { barsCorpus } from '../data/bars.js';
import { buildCorpus, parseWordList, splitCorpus, type Corpus } from '../data/corpus.js';
import { FEDERALIST, federalistDocuments } from '../data/federalist.js';
import { BARS, type CORPUS_FLAGS } from './flags.js';

/** The share of documents held out for perplexity. */
export const HELD_OUT_FRACTION = 0.2;

export interface CorpusSplit {
  train: Corpus;
  test: Corpus;
  /** Documents the vocabulary left empty (dropped). */
  dropped: number;
  /** What the corpus is, for model files' metadata. */
  note: string;
}

/** The corpus of a spec, split; with `vocabulary` (a trained model's), tokenized to those words only. */
export async function loadCorpus(p: Values<typeof CORPUS_FLAGS>, seed: number, runtime: 'node' | 'browser', vocabulary?: readonly string[]): Promise<CorpusSplit> {
  let corpus: Corpus;
  let dropped = 0;
  let note: string;
  const fixed = p['vocabulary-words'];
  if (fixed !== undefined && (p.data === BARS || vocabulary)) throw new InputError(`--vocabulary: only for a text corpus being fitted, not ${vocabulary ? "a model's" : '--data bars'}`);
  const words = fixed === undefined ? vocabulary : parseWordList(fixed, '--vocabulary', p['max-vocabulary']);
  if (p.data === BARS) {
    corpus = barsCorpus({ documents: p['bars-documents'], length: p['bars-length'], seed }).corpus;
    if (vocabulary && vocabulary.join(' ') !== corpus.vocabulary.join(' ')) throw new InputError(`--data bars: the model's ${vocabulary.length} words are not the bars' 25`);
    note = `bars: ${p['bars-documents']} documents of ${p['bars-length']} tokens, seed ${seed}`;
  } else {
    const text = p['corpus-text'];
    if (p.data !== FEDERALIST && text === undefined) throw new InputError(`--data ${p.data}: the job needs the documents (corpus_text); the command reads the file and sends them`);
    const documents = p.data === FEDERALIST ? await federalistDocuments(runtime) : (text as string).split('\n');
    ({ corpus, dropped } = buildCorpus(documents, { minCount: p['min-count'], maxVocabulary: p['max-vocabulary'], vocabulary: words }));
    note = fixed === undefined ? `${p.data}: min count ${p['min-count']}, at most ${p['max-vocabulary']} words` : `${p.data}: a fixed vocabulary of ${corpus.vocabulary.length} words`;
  }
  return { ...splitCorpus(corpus, HELD_OUT_FRACTION), dropped, note };
}
