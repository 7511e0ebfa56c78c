/**
 * Cheap language guess for short visitor messages, among the languages the built-in replies are
 * written in. Counts function words (articles, pronouns, prepositions, question words — the most
 * frequent words of each language, after the stopword lists of Snowball/NLTK) and a few letters
 * only one language uses. A trigram model (franc, tinyld) needs more text than "hola" or "merci"
 * to be right, and greetings are recognised by their own phrase lists anyway (small-talk.ts).
 */

export const REPLY_LANGUAGES = ['en', 'es', 'fr', 'de', 'pt'] as const;
export type ReplyLanguage = (typeof REPLY_LANGUAGES)[number];

const FUNCTION_WORDS: Record<ReplyLanguage, string[]> = {
  en: [
    'the',
    'is',
    'are',
    'what',
    'how',
    'do',
    'does',
    'can',
    'i',
    'you',
    'your',
    'my',
    'of',
    'to',
    'and',
    'in',
    'for',
    'with',
    'where',
    'when',
    'which',
    'who',
    'have',
    'it',
    'this',
    'there',
  ],
  es: [
    'el',
    'la',
    'los',
    'las',
    'es',
    'qué',
    'que',
    'cómo',
    'como',
    'cuál',
    'cuánto',
    'cuándo',
    'dónde',
    'puedo',
    'tienen',
    'hay',
    'de',
    'del',
    'y',
    'en',
    'para',
    'con',
    'por',
    'mi',
    'su',
    'un',
    'una',
    'está',
    'son',
    'usted',
    'tú',
  ],
  fr: [
    'le',
    'la',
    'les',
    'est',
    'sont',
    'quel',
    'quelle',
    'quels',
    'comment',
    'combien',
    'quand',
    'où',
    'pourquoi',
    'je',
    'vous',
    'tu',
    'nous',
    'de',
    'du',
    'des',
    'et',
    'en',
    'pour',
    'avec',
    'un',
    'une',
    'ce',
    'qui',
    'mon',
    'votre',
    'est-ce',
    'puis-je',
  ],
  de: [
    'der',
    'die',
    'das',
    'ist',
    'sind',
    'was',
    'wie',
    'wo',
    'wann',
    'warum',
    'welche',
    'welcher',
    'ich',
    'sie',
    'du',
    'wir',
    'und',
    'in',
    'für',
    'mit',
    'von',
    'ein',
    'eine',
    'kann',
    'können',
    'haben',
    'gibt',
    'es',
    'mein',
    'ihr',
    'nicht',
  ],
  pt: [
    'o',
    'a',
    'os',
    'as',
    'é',
    'são',
    'que',
    'qual',
    'quanto',
    'quando',
    'onde',
    'como',
    'posso',
    'vocês',
    'você',
    'eu',
    'de',
    'do',
    'da',
    'dos',
    'e',
    'em',
    'para',
    'com',
    'por',
    'um',
    'uma',
    'meu',
    'seu',
    'tem',
    'não',
  ],
};

// Letters (or letter pairs) that point to one language among the five.
const MARKERS: Array<[RegExp, ReplyLanguage]> = [
  [/[ñ¿¡]/, 'es'],
  [/[ãõ]|ção|ções/, 'pt'],
  [/[ß]|[äöü]/, 'de'],
  [/[èêëîïûœ]|ç(?!ão)/, 'fr'],
];

const WORD = /[\p{L}'-]+/gu;

/** The likeliest of REPLY_LANGUAGES for `text`, or `fallback` when nothing points anywhere. */
export function detectLanguage(text: string, fallback: ReplyLanguage = 'en'): ReplyLanguage {
  const lower = text.toLowerCase();
  const words = lower.match(WORD) ?? [];
  const scores = new Map<ReplyLanguage, number>(REPLY_LANGUAGES.map((language) => [language, 0]));
  for (const language of REPLY_LANGUAGES) {
    const list = new Set(FUNCTION_WORDS[language]);
    for (const word of words) if (list.has(word)) scores.set(language, scores.get(language)! + 1);
  }
  for (const [pattern, language] of MARKERS) if (pattern.test(lower)) scores.set(language, scores.get(language)! + 1.5);
  let best: ReplyLanguage = fallback;
  let bestScore = 0;
  for (const language of REPLY_LANGUAGES) {
    const score = scores.get(language)!;
    // Ties keep the earlier language; the fallback wins over nothing.
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}
