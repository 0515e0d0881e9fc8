// The Node half of the topic models' --data (data.ts): a text file of one document per line, or a
// folder of .txt files (a document each, its lines joined), read and checked now (binary files,
// empty documents, an empty vocabulary: an InputError naming the file and line), and sent to the job
// as text, one document per line; a --vocabulary word list likewise.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { buildCorpus, CORPUS_DEFAULTS, decodeText, parseWordList, splitCorpus } from '../data/corpus.js';
import { failure } from '../data/read_files.js';
import { HELD_OUT_FRACTION } from './data.js';
import { FEDERALIST } from '../data/federalist.js';
import { BARS } from './flags.js';

function read(path: string): string {
  try {
    return decodeText(readFileSync(path), path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: cannot read (${failure(e)})`);
  }
}

/** The documents of a file or folder, and where each came from. */
export function readDocuments(path: string): { documents: string[]; names: string[] } {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (e) {
    throw new InputError(`--data ${path}: cannot read (${failure(e)})`);
  }
  if (isFolder) {
    const files = readdirSync(path).filter((f) => f.toLowerCase().endsWith('.txt')).sort();
    if (files.length === 0) throw new InputError(`--data ${path}: a folder with no .txt files`);
    return { documents: files.map((f) => read(join(path, f)).replace(/\s+/g, ' ')), names: files.map((f) => join(path, f)) };
  }
  const lines = read(path).split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return { documents: lines, names: lines.map((_, i) => `${path}: line ${i + 1}`) };
}

/**
 * The spec's corpus fields from the command's flags: the documents of --data's file or folder and the
 * words of --vocabulary's list, checked with the same vocabulary rules and split the job applies.
 * `modelVocabulary`: a trained model's words (lda eval).
 */
export function readCorpusFlags(values: { data?: string; 'min-count'?: number; 'max-vocabulary'?: number; vocabulary?: string }, modelVocabulary?: readonly string[]): { 'corpus-text'?: string; 'vocabulary-words'?: string } {
  const text = values.data !== undefined && values.data !== BARS;
  if (values.vocabulary !== undefined && !text) throw new InputError('--vocabulary: only for a text corpus (--data federalist, a file or a folder), not the bars');
  const words = values.vocabulary === undefined ? undefined : parseWordList(read(values.vocabulary), values.vocabulary, values['max-vocabulary'] ?? CORPUS_DEFAULTS.maxVocabulary);
  const fixed = words ? { 'vocabulary-words': words.join('\n') } : {};
  if (!text || values.data === FEDERALIST) return fixed;
  const { documents, names } = readDocuments(values.data!);
  splitCorpus(buildCorpus(documents, { minCount: values['min-count'], maxVocabulary: values['max-vocabulary'], vocabulary: modelVocabulary ?? words }, names).corpus, HELD_OUT_FRACTION);
  return { 'corpus-text': documents.join('\n'), ...fixed };
}
