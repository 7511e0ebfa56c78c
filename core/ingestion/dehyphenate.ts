import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';

/**
 * The words of one document, to judge its own line-end hyphens by. Built once per document from
 * all its text (line ends included: a split fragment never forms the joined word by itself).
 */
export class DocumentVocabulary {
  private words: Set<string> | undefined;
  private readonly compounds = new Set<string>();

  /** `text`: the whole document, lines as printed (before any joining). Read on the first question only. */
  constructor(private readonly text: string) {}

  private build(): Set<string> {
    const words = new Set<string>();
    // Letters (any script) with inner hyphens or apostrophes; a hyphen at a line end is not inner.
    // A non-Unicode character class is several times faster than \p{L} on megabytes of text;
    // digits and punctuation separate tokens, every letter of any script stays inside one.
    for (const token of this.text.toLowerCase().match(/[^\s\d.,;:!?"“”()[\]{}<>_*/\\|=+&%$#@~^`]+/g) ?? []) {
      if (!/[-\u2010]/.test(token)) {
        words.add(token);
        continue;
      }
      const parts = token.split(/[-\u2010]/);
      for (const part of parts) if (part) words.add(part);
      const inner = parts.filter(Boolean);
      for (let index = 0; index + 1 < inner.length; index++) this.compounds.add(`${inner[index]}-${inner[index + 1]}`);
    }
    return words;
  }

  /** The word occurs whole (not split by a line end) somewhere in the document. */
  hasWord(word: string): boolean {
    this.words ??= this.build();
    return this.words.has(word.toLowerCase());
  }

  /** "left-right" occurs with its hyphen inside a line somewhere in the document. */
  hasCompound(left: string, right: string): boolean {
    this.words ??= this.build();
    return this.compounds.has(`${left}-${right}`.toLowerCase());
  }
}

let englishWords: Set<string> | undefined;

/**
 * ~274,000 English words (npm `word-list`, sindresorhus: the Scrabble-style list, lowercase, no
 * hyphenated entries), loaded on first use (~30 ms, ~15 MB) and kept for the process.
 */
export function isEnglishWord(word: string): boolean {
  englishWords ??= new Set(readFileSync(wordListPath, 'utf8').split('\n'));
  return englishWords.has(word.toLowerCase());
}

/**
 * Prefixes that style guides (Chicago 7.89, Oxford) hyphenate before a stem, so a line-end hyphen
 * after them is kept: single letters (e-mail, x-ray, t-shirt), "self-", "ex-", "all-", "non-",
 * "quasi-", and a vowel-final prefix before the same vowel (co-operate, re-enter, pre-existing,
 * anti-inflammatory), the doubled-vowel rule.
 */
function isHyphenatedPrefix(left: string, right: string): boolean {
  const prefix = left.toLowerCase();
  if (prefix.length === 1) return true;
  if (['self', 'ex', 'all', 'non', 'quasi', 'half', 'well'].includes(prefix)) return true;
  const last = prefix[prefix.length - 1];
  const vowelPrefixes = ['co', 're', 'pre', 'de', 'anti', 'semi', 'multi', 'intra', 'extra', 'ultra', 'micro', 'macro'];
  return vowelPrefixes.includes(prefix) && /[aeiou]/.test(last) && right[0]?.toLowerCase() === last;
}

/**
 * Decides whether a hyphen at a line end is a word break (drop it) or part of the word (keep it).
 * `left` is the word fragment before the hyphen, `right` the one that opens the next line, both
 * letters only. First rule that applies wins:
 *
 * 1. "left-right" occurs inside a line elsewhere in the document → keep (the document's own usage).
 * 2. "leftright" occurs whole elsewhere in the document → join.
 * 3. `left` is a prefix that takes a hyphen (see isHyphenatedPrefix: e-mail, co-operate) → keep.
 * 4. "leftright" is an English word (word list, inflected forms included) → join ("warranty").
 * 5. `left` and `right` are each English words of 3+ letters ("forty-five") → keep: a compound.
 * 6. Otherwise → join: a hyphen at a line end of justified text is far more often a break than a
 *    compound, and an unknown word (name, term, other language) is more findable joined.
 */
export function keepsLineEndHyphen(left: string, right: string, vocabulary: DocumentVocabulary): boolean {
  if (vocabulary.hasCompound(left, right)) return true;
  if (vocabulary.hasWord(left + right)) return false;
  if (isHyphenatedPrefix(left, right)) return true;
  if (isEnglishWord(left + right)) return false;
  if (left.length >= 3 && right.length >= 3 && isEnglishWord(left) && isEnglishWord(right)) return true;
  return false;
}

/** A line that ends in a letter and a hyphen, and the next line's opening lowercase letters. */
const TRAILING_FRAGMENT = /(\p{L}+)[-\u2010\u00ad]$/u;
const LEADING_FRAGMENT = /^(\p{Ll}[\p{L}]*)/u;

/**
 * Appends the next printed line to a paragraph: "warran-" + "ty of three" → "warranty of three",
 * "forty-" + "five euros" → "forty-five euros", otherwise with a space (none between two CJK
 * characters, which are written without spaces). `lastLine` is the paragraph's last printed line
 * (tests look at it, never at the whole paragraph, so joining stays linear in the text's length).
 */
export function joinLines(paragraph: string, lastLine: string, next: string, vocabulary: DocumentVocabulary): string {
  const left = TRAILING_FRAGMENT.exec(lastLine.slice(-64));
  const right = LEADING_FRAGMENT.exec(next);
  if (left && right) {
    const keep = keepsLineEndHyphen(left[1], right[1], vocabulary);
    return keep ? `${paragraph.slice(0, -1)}-${next}` : paragraph.slice(0, -1) + next;
  }
  // A dash set solid after a word or number ("737–" + "9", "M–" + "30", "you—" + "sit") joins solid.
  if (/[\p{L}\p{N}][-\u2010\u2013\u2014]$/u.test(lastLine.slice(-2)) && /^[\p{L}\p{N}]/u.test(next))
    return paragraph + next;
  if (CJK_END.test(lastLine.slice(-2)) && CJK_START.test(next)) return paragraph + next;
  return `${paragraph} ${next}`;
}

const CJK_END = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]$/u;
const CJK_START = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u;

/** The line ends with a letter and a hyphen and the next begins with a lowercase letter: a split word. */
export function endsWithSplitWord(previous: string, next: string): boolean {
  return TRAILING_FRAGMENT.test(previous.slice(-64)) && LEADING_FRAGMENT.test(next);
}
