import { detectLanguage, type ReplyLanguage } from './language';

/**
 * Recognises small talk before retrieval: a greeting, thanks, a goodbye, "are you a bot?", or a
 * request for a person. Such messages are answered as what they are, never from documents:
 * "hi" would otherwise match "Hi-Tech Corp." and "can I talk to a human?" a novel's dialogue.
 *
 * Greetings, thanks and goodbyes are recognised only when the whole message is made of such
 * phrases and a few fillers ("hi there", "thank you so much!", "ok thanks, bye"); a message that
 * also asks something ("hi, what are your opening hours?") is a question, and
 * `stripPleasantries` hands retrieval the question without the greeting. Asking for a person is
 * recognised anywhere in a short message, since the visitor wants a person, not a quote.
 * Phrase lists for en, es, fr, de, pt, written for this product.
 */

export const SMALL_TALK_KINDS = ['greeting', 'thanks', 'goodbye', 'bot', 'human'] as const;
export type SmallTalkKind = (typeof SMALL_TALK_KINDS)[number];

export interface SmallTalk {
  kind: SmallTalkKind;
  language: ReplyLanguage;
}

type PhraseKind = Exclude<SmallTalkKind, 'bot' | 'human'> | 'filler';

const PHRASES: Record<ReplyLanguage, Partial<Record<PhraseKind, string[]>>> = {
  en: {
    greeting: [
      'hi',
      'hello',
      'hey',
      'hiya',
      'howdy',
      'heya',
      'yo',
      'greetings',
      'good morning',
      'good afternoon',
      'good evening',
      'good day',
      'morning',
      'how are you',
      'how are you doing',
      "how's it going",
      'hows it going',
      "what's up",
      'whats up',
      'nice to meet you',
    ],
    thanks: [
      'thanks',
      'thank you',
      'thank u',
      'thx',
      'ty',
      'cheers',
      'many thanks',
      'appreciate it',
      'i appreciate it',
      'much appreciated',
      'that helps',
      'that helped',
      'that was helpful',
      'great help',
    ],
    goodbye: [
      'bye',
      'goodbye',
      'good bye',
      'bye bye',
      'see you',
      'see ya',
      'see you later',
      'farewell',
      'have a nice day',
      'have a good day',
      'take care',
      'good night',
      'later',
    ],
    filler: [
      'there',
      'everyone',
      'everybody',
      'all',
      'again',
      'so',
      'very',
      'much',
      'a',
      'lot',
      'ok',
      'okay',
      'great',
      'perfect',
      'cool',
      'nice',
      'awesome',
      'good',
      'bot',
      'chatbot',
      'team',
      'folks',
      'guys',
      'for',
      'the',
      'help',
      'your',
      'you',
      'and',
      'oh',
      'ah',
      'well',
      'then',
      'alright',
      'fine',
    ],
  },
  es: {
    greeting: [
      'hola',
      'buenos días',
      'buenos dias',
      'buenas tardes',
      'buenas noches',
      'buenas',
      'qué tal',
      'que tal',
      'cómo estás',
      'como estas',
      'cómo está',
      'saludos',
    ],
    thanks: ['gracias', 'muchas gracias', 'mil gracias', 'te lo agradezco', 'se lo agradezco'],
    goodbye: ['adiós', 'adios', 'hasta luego', 'hasta pronto', 'chao', 'chau', 'nos vemos', 'hasta mañana'],
    filler: [
      'muy',
      'vale',
      'genial',
      'perfecto',
      'bueno',
      'a',
      'todos',
      'de',
      'nuevo',
      'por',
      'tu',
      'su',
      'ayuda',
      'y',
    ],
  },
  fr: {
    greeting: [
      'bonjour',
      'salut',
      'bonsoir',
      'coucou',
      'ça va',
      'ca va',
      'comment ça va',
      'comment allez-vous',
      'comment allez vous',
      'allô',
    ],
    thanks: ['merci', 'merci beaucoup', 'merci bien', 'mille mercis', 'je vous remercie'],
    goodbye: [
      'au revoir',
      'à bientôt',
      'a bientot',
      'bonne journée',
      'bonne journee',
      'bonne soirée',
      'bonne soiree',
      'à plus',
      'adieu',
      'bonne nuit',
    ],
    filler: [
      'tout',
      'le',
      'monde',
      'à',
      'tous',
      'encore',
      'très',
      'pour',
      'votre',
      'ton',
      'aide',
      'parfait',
      'super',
      "d'accord",
      'ok',
      'et',
    ],
  },
  de: {
    greeting: [
      'hallo',
      'guten morgen',
      'guten tag',
      'guten abend',
      'servus',
      'moin',
      'grüß gott',
      'grüezi',
      'hi',
      'wie geht es dir',
      'wie geht es ihnen',
      "wie geht's",
      'wie gehts',
    ],
    thanks: ['danke', 'danke schön', 'danke sehr', 'dankeschön', 'vielen dank', 'besten dank', 'herzlichen dank'],
    goodbye: [
      'tschüss',
      'tschüs',
      'auf wiedersehen',
      'bis bald',
      'bis später',
      'ciao',
      'schönen tag noch',
      'gute nacht',
    ],
    filler: ['zusammen', 'nochmal', 'für', 'die', 'ihre', 'deine', 'hilfe', 'super', 'perfekt', 'toll', 'okay', 'und'],
  },
  pt: {
    greeting: [
      'olá',
      'ola',
      'oi',
      'bom dia',
      'boa tarde',
      'boa noite',
      'tudo bem',
      'tudo bom',
      'como vai',
      'como está',
      'como esta',
    ],
    thanks: ['obrigado', 'obrigada', 'muito obrigado', 'muito obrigada', 'valeu', 'agradeço'],
    goodbye: ['tchau', 'adeus', 'até logo', 'ate logo', 'até mais', 'ate mais', 'até breve', 'até amanhã'],
    filler: ['a', 'todos', 'de', 'novo', 'pela', 'sua', 'ajuda', 'ótimo', 'otimo', 'perfeito', 'beleza', 'e'],
  },
};

// A person, please: anywhere in a message of up to HUMAN_MAX_WORDS words.
const HUMAN_PATTERNS: Array<[RegExp, ReplyLanguage]> = [
  [
    /\b(talk|speak|chat|connect|get through|put me through|transfer|escalate)\b.{0,30}\b(human|person|people|agent|someone|somebody|representative|rep|operator|staff|employee|manager|support team|customer (service|support)|live (agent|chat|support))\b/,
    'en',
  ],
  [
    /\b(real|live|actual) (human|person|agent)\b|\bhuman (agent|being|support)\b|\b(need|want) (a|an) (human|person|agent)\b/,
    'en',
  ],
  [
    /\b(hablar|comunicarme|contactar|chatear)\b.{0,25}\b(humano|persona|agente|alguien|operador|representante|asesor)\b/,
    'es',
  ],
  [
    /\b(parler|discuter|joindre|contacter)\b.{0,25}\b(humain|personne|agent|quelqu'un|conseiller|opérateur|operateur)\b/,
    'fr',
  ],
  [
    /\b(mit|einen?|einem|einer)\b.{0,25}\b(menschen?|mitarbeiter(in)?|person|berater(in)?|kundendienst)\b.{0,25}\b(sprechen|reden|chatten|verbinden)\b|\b(sprechen|reden)\b.{0,20}\bmit\b.{0,20}\b(menschen?|mitarbeiter|person)\b/,
    'de',
  ],
  [/\b(falar|conversar|contatar|contactar)\b.{0,25}\b(humano|pessoa|atendente|agente|alguém|alguem|operador)\b/, 'pt'],
];
const HUMAN_MAX_WORDS = 25;

// "Are you a bot?" and the like, as (almost) the whole message.
const BOT_PATTERNS: Array<[RegExp, ReplyLanguage]> = [
  [
    /^(are|r) (you|u) (a |an )?(real )?(bot|robot|chatbot|ai|human|person|machine|computer|real person)$|^(who|what) are you$|^is this (a )?(bot|robot|chatbot|ai|human|real person)$|^am i (talking|chatting|speaking) (to|with) (a )?(bot|robot|human|person|machine|ai|real person)$/,
    'en',
  ],
  [
    /^(eres|es usted) (un |una )?(bot|robot|humano|persona|ia|máquina|maquina)( real)?$|^(quién|quien|qué|que) eres$/,
    'es',
  ],
  [
    /^(es-tu|es tu|tu es|êtes-vous|etes-vous|êtes vous|vous êtes) (un |une )?(bot|robot|humain|personne|ia|machine)( réelle)?$|^qui (es-tu|êtes-vous|es tu)$/,
    'fr',
  ],
  [/^(bist du|sind sie) (ein |eine )?(bot|roboter|mensch|ki|maschine|echter mensch)$|^wer (bist du|sind sie)$/, 'de'],
  [
    /^(você é|voce é|voce e|você e|és|tu és) (um |uma )?(bot|robô|robo|humano|pessoa|ia|máquina)( real)?$|^quem (é você|e voce|és tu)$/,
    'pt',
  ],
];

function normalise(message: string): string {
  return message
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/[^\p{L}\p{N}' -]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface PhraseEntry {
  words: string[];
  kind: PhraseKind;
  language: ReplyLanguage;
}

const ENTRIES: PhraseEntry[] = (
  Object.entries(PHRASES) as Array<[ReplyLanguage, Partial<Record<PhraseKind, string[]>>]>
)
  .flatMap(([language, kinds]) =>
    (Object.entries(kinds) as Array<[PhraseKind, string[]]>).flatMap(([kind, phrases]) =>
      phrases.map((phrase) => ({ words: normalise(phrase).split(' '), kind, language })),
    ),
  )
  // Longest first, so "thank you so much" is read before "thank".
  .sort((a, b) => b.words.length - a.words.length);

/** Phrase matches covering `words` from the start, longest first; null when some word is no small talk. */
function readPhrases(words: string[]): PhraseEntry[] | null {
  const read: PhraseEntry[] = [];
  let position = 0;
  while (position < words.length) {
    const entry = ENTRIES.find((candidate) =>
      candidate.words.every((word, offset) => words[position + offset] === word),
    );
    if (!entry) return null;
    read.push(entry);
    position += entry.words.length;
  }
  return read;
}

const KIND_PRIORITY: Array<Exclude<PhraseKind, 'filler'>> = ['goodbye', 'thanks', 'greeting'];

/** The small talk `message` is, or null when it is (also) a question for the documents. */
export function recogniseSmallTalk(message: string): SmallTalk | null {
  const text = normalise(message);
  if (text === '') return null;
  const words = text.split(' ');
  const bare = stripLeading(words).join(' ');
  for (const [pattern, language] of BOT_PATTERNS) if (pattern.test(bare)) return { kind: 'bot', language };
  if (words.length <= HUMAN_MAX_WORDS) {
    for (const [pattern, language] of HUMAN_PATTERNS) if (pattern.test(text)) return { kind: 'human', language };
  }
  if (words.length > 12) return null;
  const phrases = readPhrases(words);
  if (!phrases) return null;
  const kinds = new Set(phrases.map((phrase) => phrase.kind));
  // A bare acknowledgement ("ok", "great", "cool, perfect") is small talk too: answered like thanks,
  // never searched for in the documents nor listed as unanswered.
  const kind = KIND_PRIORITY.find((candidate) => kinds.has(candidate)) ?? (words.length <= 4 ? 'thanks' : undefined);
  if (!kind) return null;
  return { kind, language: phraseLanguage(phrases, message) };
}

/** The question inside a message that opens with pleasantries: "Hi! What are your opening hours?" → "What are your opening hours?". */
export function stripPleasantries(message: string): string {
  const text = message.trim();
  const match = /^([\p{L}' ]{1,40}?)\s*[,!.:;]+\s*(?=\S)/u.exec(text);
  if (!match) return text;
  const head = normalise(match[1]).split(' ');
  const phrases = readPhrases(head);
  if (!phrases || !phrases.some((phrase) => phrase.kind === 'greeting')) return text;
  const rest = text.slice(match[0].length).trim();
  return rest.length > 0 ? rest : text;
}

function stripLeading(words: string[]): string[] {
  // "hi, are you a bot?" → "are you a bot"
  for (let cut = Math.min(3, words.length - 1); cut > 0; cut -= 1) {
    const phrases = readPhrases(words.slice(0, cut));
    if (phrases && phrases.every((phrase) => phrase.kind === 'greeting' || phrase.kind === 'filler'))
      return words.slice(cut);
  }
  return words;
}

function phraseLanguage(phrases: PhraseEntry[], message: string): ReplyLanguage {
  const meaningful = phrases.filter((phrase) => phrase.kind !== 'filler');
  const languages = new Set(meaningful.map((phrase) => phrase.language));
  // A phrase several languages share ("hi", "ok") says little: let the function words decide, then English.
  const candidates = meaningful.filter(
    (phrase) =>
      ENTRIES.filter((entry) => entry.kind !== 'filler' && entry.words.join(' ') === phrase.words.join(' ')).length ===
      1,
  );
  if (candidates.length > 0) return candidates[0].language;
  return detectLanguage(message, languages.has('en') ? 'en' : ([...languages][0] ?? 'en'));
}
