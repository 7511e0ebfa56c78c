import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language';
import { replyText, mergeReplyMessages, BUILT_IN_REPLIES } from './messages';
import { recogniseSmallTalk, stripPleasantries } from './small-talk';

describe('recogniseSmallTalk', () => {
  it.each([
    ['hi', 'greeting', 'en'],
    ['Hello there!', 'greeting', 'en'],
    ['hey 👋', 'greeting', 'en'],
    ['Good morning', 'greeting', 'en'],
    ['thank you!', 'thanks', 'en'],
    ['Thanks a lot, very helpful', null, null],
    ['ok thanks, bye', 'goodbye', 'en'],
    ['Are you a bot?', 'bot', 'en'],
    ['hi, are you a real person?', 'bot', 'en'],
    ['Can I talk to a human?', 'human', 'en'],
    ['I want to speak with a real person about my refund', 'human', 'en'],
    ['¡Hola!', 'greeting', 'es'],
    ['muchas gracias', 'thanks', 'es'],
    ['¿Puedo hablar con una persona?', 'human', 'es'],
    ['Bonjour', 'greeting', 'fr'],
    ['merci beaucoup !', 'thanks', 'fr'],
    ['Je voudrais parler à un conseiller', 'human', 'fr'],
    ['Hallo', 'greeting', 'de'],
    ['Vielen Dank!', 'thanks', 'de'],
    ['Kann ich mit einem Mitarbeiter sprechen?', 'human', 'de'],
    ['Olá', 'greeting', 'pt'],
    ['obrigada', 'thanks', 'pt'],
    ['Posso falar com um atendente?', 'human', 'pt'],
    ['tschüss', 'goodbye', 'de'],
    ['ok', 'thanks', 'en'],
    ['Okay, great!', 'thanks', 'en'],
  ])('%s → %s', (message, kind, language) => {
    const result = recogniseSmallTalk(message);
    if (kind === null) {
      // "helpful" is not on the list: a question-like message goes to retrieval (a miss costs little).
      expect(result === null || result.kind === 'thanks').toBe(true);
      return;
    }
    expect(result).toEqual({ kind, language });
  });

  it.each([
    'What is the capital of Australia?',
    'How much does express shipping cost?',
    'hi, what are your opening hours?',
    'Hi-Tech Corp',
    'Who said hello to the king?',
    'thank you notes template',
  ])('leaves questions to retrieval: %s', (message) => {
    expect(recogniseSmallTalk(message)).toBeNull();
  });

  it('hands retrieval the question without the greeting', () => {
    expect(stripPleasantries('Hi! What are your opening hours?')).toBe('What are your opening hours?');
    expect(stripPleasantries('Hello there, how much is shipping?')).toBe('how much is shipping?');
    expect(stripPleasantries('Hilton hotels near the station?')).toBe('Hilton hotels near the station?');
  });
});

describe('detectLanguage', () => {
  it.each([
    ['What is the price of the basic plan?', 'en'],
    ['¿Cuánto cuesta el envío a Madrid?', 'es'],
    ['Quels sont les horaires du magasin ?', 'fr'],
    ['Wie lange dauert der Versand nach Berlin?', 'de'],
    ['Qual é o preço do plano básico?', 'pt'],
    ['xyz', 'en'],
  ])('%s → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });
});

describe('reply texts', () => {
  it('uses the built-in text in the visitor language, or the site text when set', () => {
    expect(replyText('declined', 'fr', {})).toBe(BUILT_IN_REPLIES.declined.fr);
    expect(replyText('greeting', 'es', { greeting: 'Welcome to Oak & Co!' })).toBe('Welcome to Oak & Co!');
  });

  it('merges a patch: empty or null puts the built-in text back', () => {
    expect(
      mergeReplyMessages({ greeting: 'A', thanks: 'B' }, { greeting: '', declined: 'C', thanks: undefined }),
    ).toEqual({ thanks: 'B', declined: 'C' });
    expect(mergeReplyMessages({ greeting: 'A' }, { greeting: null })).toEqual({});
  });
});
