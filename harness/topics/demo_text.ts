// How the topics demo turns pasted text into documents: paragraphs (separated by blank lines) are
// documents; text with fewer than MIN_PARAGRAPHS paragraphs is cut instead into pieces of whole
// sentences of at least PIECE_WORDS words (harness/data/federalist.ts cutIntoDocuments), so that a
// single pasted article still makes several documents. Browser-safe.
import { cutIntoDocuments } from '../data/federalist.js';

export const MIN_PARAGRAPHS = 5;
export const PIECE_WORDS = 60;

/** The documents of a visitor's text, and how they were made. */
export function documentsOfText(text: string): { documents: string[]; by: 'paragraphs' | 'sentences' } {
  const paragraphs = text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => /[a-z]/i.test(p));
  if (paragraphs.length >= MIN_PARAGRAPHS || paragraphs.length === 0) return { documents: paragraphs, by: 'paragraphs' };
  return { documents: cutIntoDocuments(paragraphs.join(' '), PIECE_WORDS), by: 'sentences' };
}
