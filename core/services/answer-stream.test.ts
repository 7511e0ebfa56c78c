import { describe, expect, it } from 'vitest';
import { AnswerStream, readsAsDecline } from './answer-stream';

function run(tokens: string[], contextSize = 5) {
  const stream = new AnswerStream(contextSize);
  const text = tokens.map((token) => stream.push(token)).join('') + stream.end();
  return { text, stream };
}

describe('AnswerStream', () => {
  it('withholds a reply that opens with the marker, even split over tokens', () => {
    const { text, stream } = run(['[NO', '_ANS', 'WER] I could', "n't find that."]);
    expect(text).toBe('');
    expect(stream.declined).toBe(true);
  });

  it('passes an ordinary reply through, renumbering citations by first appearance', () => {
    const { text, stream } = run(['Returns take 30 days [', '3]. Shipping is free [1', '] and fast [3].']);
    expect(text).toBe('Returns take 30 days [1]. Shipping is free [2] and fast [1].');
    expect(stream.cited).toEqual([2, 0]);
    expect(stream.declined).toBe(false);
  });

  it('drops citations outside the context and keeps short replies', () => {
    expect(run(['Yes [9].'], 2).text).toBe('Yes .');
    expect(run(['No.']).text).toBe('No.');
    expect(run(['[']).text).toBe('[');
  });

  it('does not take a later marker for a decline', () => {
    const { stream } = run(['The answer is 5 [1]. ', '[NO_ANSWER]']);
    expect(stream.declined).toBe(false);
  });
});

describe('readsAsDecline', () => {
  it('spots a refusal that forgot the marker, only without citations', () => {
    expect(readsAsDecline("I couldn't find that in this website's documents.", 0)).toBe(true);
    expect(readsAsDecline("I couldn't find the price, but returns take 30 days [1].", 1)).toBe(false);
    expect(readsAsDecline('Returns take 30 days.', 0)).toBe(false);
  });
});
