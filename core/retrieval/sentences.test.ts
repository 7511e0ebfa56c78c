import { describe, expect, it } from 'vitest';
import { expectedAnswer, scoreSentences } from './sentences';
import { contentStems, splitWords, stemWord } from './terms';

const passages = [
  'The Normans came from Normandy. In 1066 William conquered England at the Battle of Hastings. Many castles were built afterwards.',
  'The Rhine is a long river. It flows into the North Sea.',
];

function best(question: string, options: { focused?: boolean } = {}) {
  const { sentences } = scoreSentences({ question, passages, ...options });
  return [...sentences].sort((a, b) => b.score - a.score)[0];
}

describe('scoreSentences', () => {
  it('splits passages into sentences that remember their passage and position', () => {
    const { sentences, hasTerms } = scoreSentences({ question: 'castles', passages });
    expect(hasTerms).toBe(true);
    expect(sentences.map((sentence) => [sentence.passage, sentence.order])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
    ]);
    expect(sentences[2].text).toBe('Many castles were built afterwards.');
  });

  it('ranks the sentence holding the question’s words first', () => {
    expect(best('Where did William conquer England?').text).toContain('1066');
    expect(best('Which sea does the Rhine flow into?').text).toBe('It flows into the North Sea.');
  });

  it('prefers a sentence holding the kind of answer asked for', () => {
    const { sentences } = scoreSentences({
      question: 'When was the bridge built?',
      passages: ['The bridge was built by local masons from stone. The bridge was built in 1822 after a flood.'],
    });
    expect(sentences[1].score).toBeGreaterThan(sentences[0].score);
  });

  it('reports coverage as the share of the question’s weight a sentence holds', () => {
    const { sentences } = scoreSentences({ question: 'Normans Normandy', passages });
    expect(sentences[0].coverage).toBeCloseTo(1, 10);
    expect(sentences[3].coverage).toBe(0);
    expect(sentences[3].score).toBe(0);
  });

  it('gives partial credit to words sharing a beginning the stemmer keeps apart', () => {
    const { sentences } = scoreSentences({ question: 'invaders', passages: ['The invasion failed.', 'Nothing here.'] });
    expect(sentences[0].coverage).toBeGreaterThan(0);
    expect(sentences[0].coverage).toBeLessThan(1);
  });

  it('borrows the previous question’s topic for a bare follow-up', () => {
    const history = [
      { role: 'user' as const, content: 'Tell me about the Battle of Hastings' },
      { role: 'assistant' as const, content: 'It was fought in 1066.' },
    ];
    const { sentences } = scoreSentences({ question: 'and who won?', passages, history });
    const top = [...sentences].sort((a, b) => b.score - a.score)[0];
    expect(top.text).toContain('Hastings');
  });

  it('has nothing to match on for an empty question', () => {
    expect(scoreSentences({ question: '', passages })).toEqual({ sentences: [], hasTerms: false });
  });

  it('cuts a run-on text into pieces of bounded length, which are not quotable', () => {
    const long = Array.from({ length: 250 }, (_, index) => `word${index}`).join(' ');
    const { sentences } = scoreSentences({ question: 'word1', passages: [long] });
    expect(sentences.length).toBe(3);
    expect(sentences.every((sentence) => !sentence.quotable)).toBe(true);
  });
});

describe('expectedAnswer', () => {
  it('reads the kind of answer from the question words', () => {
    expect(expectedAnswer(['when', 'did', 'it', 'end'])).toBe('time');
    expect(expectedAnswer(['in', 'what', 'year', 'was', 'it'])).toBe('time');
    expect(expectedAnswer(['how', 'many', 'people'])).toBe('quantity');
    expect(expectedAnswer(['who', 'built', 'it'])).toBe('name');
    expect(expectedAnswer(['why', 'is', 'it', 'so'])).toBe('other');
  });
});

describe('terms', () => {
  it('lower-cases, stems English words and marks stopwords', () => {
    const words = splitWords("The Norman's castles were BUILT");
    expect(words.map((word) => [word.text, word.stem, word.stopword])).toEqual([
      ['the', 'the', true],
      ["norman's", 'norman', false],
      ['castles', 'castl', false],
      ['were', 'were', true],
      ['built', 'built', false],
    ]);
    expect(contentStems('The running dogs')).toEqual(['run', 'dog']);
  });

  it('keeps words of other scripts whole and segments text without spaces', () => {
    expect(contentStems('Привет мир')).toEqual(['привет', 'мир']);
    expect(contentStems('東京都に住んでいます').length).toBeGreaterThan(1);
    expect(stemWord('1066')).toBe('1066');
  });

  it('records where each word sits in the original text', () => {
    const [first, second] = splitWords('  Hello, world');
    expect([first.start, first.end, second.start, second.end]).toEqual([2, 7, 9, 14]);
  });
});
