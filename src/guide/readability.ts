// Plain language, measured: the Flesch–Kincaid grade level of a guide's text (Kincaid et al. 1975, Navy
// Research Branch Report 8-75: 0.39 × words/sentence + 11.8 × syllables/word − 15.59), computed by the
// `flesch-kincaid` package with syllables counted by `syllable` (docs/reference/patient-guides.md §readability).
// Only the counting of sentences and words is done here. Pure.
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';

export interface Readability {
  /** Flesch–Kincaid grade level, rounded to one decimal */
  grade: number;
  sentences: number;
  words: number;
  syllables: number;
  formula: string;
  library: string;
}

/** Words: runs of letters or digits (with inner apostrophes or hyphens); "12-month" is one word. */
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Sentences of a text: split after . ! ? (or a colon that ends a line), and at every line break — each list
 * item or heading is a sentence of its own. Decimal points ("1.5") do not split. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[^\s])/))
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

export function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** The grade level of a list of text blocks (each block is one or more sentences). */
export function readability(blocks: readonly string[]): Readability {
  const sentences = blocks.flatMap(sentencesOf);
  const words = sentences.flatMap(wordsOf);
  // every word has at least one syllable (`syllable` gives 0 for a bare number such as "14")
  const syllables = words.reduce((a, w) => a + Math.max(1, syllable(w)), 0);
  const grade = fleschKincaid({ sentence: sentences.length, word: words.length, syllable: syllables });
  return {
    grade: Number.isFinite(grade) ? Math.round(grade * 10) / 10 : Number.NaN,
    sentences: sentences.length,
    words: words.length,
    syllables,
    formula: '0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59 (Kincaid et al. 1975)',
    library: 'flesch-kincaid 2.0.1, syllable 5.0.1',
  };
}
