// The built-in real-text corpus: the 85 Federalist Papers (public domain; source, licence and
// conversion in federalist.md), bundled by the build as dist/data/federalist.txt, one essay per line.
// A topic model sees each essay cut into documents of whole sentences, at least FEDERALIST_DOCUMENT_WORDS
// words each (an essay's shorter last piece joins the document before it): about 1,100 documents, not
// 85 long ones. Browser-safe.
import { bundledFile } from './bundled.js';
import { decodeText } from './corpus.js';

/** The corpus's name on the command line (`--data federalist`). */
export const FEDERALIST = 'federalist';
export const FEDERALIST_FILE = 'federalist.txt';
/** The fewest words of a document cut from an essay. */
export const FEDERALIST_DOCUMENT_WORDS = 150;

/** An essay cut after sentences (. ? or ! and a space) into pieces of at least `minWords` words. */
export function cutIntoDocuments(essay: string, minWords = FEDERALIST_DOCUMENT_WORDS): string[] {
  const documents: string[] = [];
  let current: string[] = [];
  let words = 0;
  for (const sentence of essay.split(/(?<=[.?!])\s+/)) {
    current.push(sentence);
    words += sentence.split(/\s+/).filter(Boolean).length;
    if (words >= minWords) {
      documents.push(current.join(' '));
      [current, words] = [[], 0];
    }
  }
  if (current.length > 0) {
    if (documents.length > 0) documents[documents.length - 1] += ` ${current.join(' ')}`;
    else documents.push(current.join(' '));
  }
  return documents;
}

/** The essays as the bundled file holds them, one per entry. */
export async function federalistEssays(runtime: 'node' | 'browser'): Promise<string[]> {
  const { bytes, source } = await bundledFile(FEDERALIST_FILE, runtime, 'the Federalist Papers');
  return decodeText(bytes, source).split('\n').filter((line) => line.trim() !== '');
}

/** The corpus's documents: every essay cut by cutIntoDocuments, in order. */
export async function federalistDocuments(runtime: 'node' | 'browser'): Promise<string[]> {
  return (await federalistEssays(runtime)).flatMap((essay) => cutIntoDocuments(essay));
}
