import { stemmer } from 'stemmer';
import { eng as englishStopwords } from 'stopword';

/**
 * Word-level text analysis shared by the local embedder and the local answerer, so a question
 * and a passage are cut into the same terms on both sides.
 */

// Segmenter knows word boundaries in scripts written without spaces (CJK, Thai), which a
// regex cannot; 'und' keeps it language-neutral.
const wordSegmenter = new Intl.Segmenter('und', { granularity: 'word' });

// The package list lacks some question words and auxiliaries; questions are full of them and
// they carry no topic.
const STOPWORDS = new Set<string>([
  ...englishStopwords,
  'does',
  'doing',
  'done',
  'when',
  'why',
  'whom',
  'whose',
  'not',
  'no',
  'nor',
  'so',
  'just',
  'own',
  'yet',
  'onto',
  'upon',
  'its',
  'itself',
  'ours',
  'yours',
  'theirs',
  'she',
  'hers',
  'herself',
  'themselves',
  'ourselves',
  'yourself',
  'us',
  'will',
  'shall',
  'may',
  'per',
  'via',
  'during',
  'within',
  'among',
  'until',
  'again',
  'once',
  'off',
]);

export interface Word {
  /** Lower-cased, NFKC-normalised surface form. */
  text: string;
  /** Stem for Latin-script words, the surface form otherwise. */
  stem: string;
  stopword: boolean;
  /** Offset of the word in the input string (UTF-16 units). */
  start: number;
  end: number;
}

const LATIN_WORD = /^[a-z]+$/;
const POSSESSIVE = /['’]s$/;

function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function stemWord(word: string): string {
  const bare = word.replace(POSSESSIVE, '').replace(/['’]/g, '');
  return LATIN_WORD.test(bare) ? stemmer(bare) : bare;
}

// Intl.Segmenter dominates the chat path's CPU (profiled: ~9 ms of ~45 ms per answer), and the
// same sentences of the same retrieved chunks are split again for every question. Short texts
// (sentences, questions) are memoised; long ones (whole chunks at ingestion) are not.
const MEMO_MAX_TEXT = 2000;
const MEMO_MAX_ENTRIES = 5000;
const memo = new Map<string, readonly Word[]>();

/**
 * Words of `text` in order. Offsets point into the original string (NFKC rarely changes length;
 * when it does, offsets are approximate). The result may be shared between calls: do not mutate it.
 */
export function splitWords(text: string): readonly Word[] {
  if (text.length > MEMO_MAX_TEXT) return segmentWords(text);
  const hit = memo.get(text);
  if (hit) {
    memo.delete(text);
    memo.set(text, hit);
    return hit;
  }
  const words = segmentWords(text);
  memo.set(text, words);
  if (memo.size > MEMO_MAX_ENTRIES) memo.delete(memo.keys().next().value!);
  return words;
}

function segmentWords(text: string): Word[] {
  const words: Word[] = [];
  for (const segment of wordSegmenter.segment(text)) {
    if (!segment.isWordLike) continue;
    const lower = normaliseText(segment.segment);
    const bare = lower.replace(POSSESSIVE, '');
    words.push({
      text: lower,
      stem: stemWord(lower),
      stopword: STOPWORDS.has(bare),
      start: segment.index,
      end: segment.index + segment.segment.length,
    });
  }
  return words;
}

/** Stems of the words that carry meaning, in order. */
export function contentStems(text: string): string[] {
  return splitWords(text)
    .filter((word) => !word.stopword && word.stem.length > 0)
    .map((word) => word.stem);
}
