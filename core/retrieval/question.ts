import { splitWords, type Word } from './terms';

/**
 * What a question asks about, as terms to look for in passages: its words minus stopwords and
 * minus the words that only name the kind of answer wanted ("how many", "what year", "which
 * country"): the passage says "1066" or "France" instead, so their absence proves nothing.
 */

// After "how": the quantity asked for. After "what"/"which": a generic answer type.
const HOW_WORDS = new Set([
  'many',
  'much',
  'long',
  'old',
  'far',
  'big',
  'large',
  'tall',
  'high',
  'deep',
  'wide',
  'often',
  'fast',
  'soon',
  'late',
]);
const TYPE_WORDS = new Set([
  'year',
  'years',
  'century',
  'date',
  'decade',
  'time',
  'day',
  'month',
  'kind',
  'type',
  'sort',
  'name',
  'number',
  'amount',
  'percentage',
  'percent',
]);

// Words of asking, not of the topic: "Can you tell me something about…", "I need information on…".
const ASKING_WORDS = new Set([
  'something',
  'anything',
  'everything',
  'thing',
  'things',
  'tell',
  'know',
  'please',
  'want',
  'need',
  'information',
  'info',
  'find',
  'explain',
  'describe',
  'give',
  'show',
  'details',
  'happen',
  'happened',
  'happens',
  'mean',
  'means',
  'called',
]);

/** Content words of a question (lower-cased, stemmed), answer-type and asking words removed. */
export function questionContentWords(question: string): Word[] {
  const words = splitWords(question);
  return words.filter((word, index) => {
    if (word.stopword || ASKING_WORDS.has(word.text)) return false;
    const previous = words[index - 1]?.text;
    if (previous === 'how' && HOW_WORDS.has(word.text)) return false;
    if ((previous === 'what' || previous === 'which') && TYPE_WORDS.has(word.text)) return false;
    return true;
  });
}

/** "Norman" and "Normandy", "France" and "French": shared beginnings the stemmer leaves apart. */
export function hasPrefixMatch(stem: string, stems: Set<string>): boolean {
  if (stem.length < 4) return false;
  const prefix = stem.slice(0, Math.max(4, Math.min(stem.length - 1, 6)));
  for (const candidate of stems) if (candidate.length >= 4 && candidate.startsWith(prefix)) return true;
  return false;
}
