import { describe, expect, it } from 'vitest';
import { groundingFeatures, isGrounded, thresholdsFor } from './grounding';

const shop = [
  'Returns policy. Orders can be returned within 45 days of delivery for a full refund.',
  'Shipping. Standard shipping to Norway takes 6 to 8 working days. Express shipping costs 19 euros.',
  'Store hours. The Oslo flagship store is open from 10:00 to 16:00 on Saturdays and closed on Sundays.',
].map((text) => ({ text, denseScore: 0.3, lexicalScore: 0.5 }));

const judge = (question: string, pool = shop, model = 'local-hash-v1') =>
  isGrounded(groundingFeatures({ question, pool }), thresholdsFor(model));

describe('grounded decision', () => {
  it.each([
    'How long do I have to return something?',
    'How much does express shipping cost?',
    'When is the Oslo store open on Saturdays?',
    'How many working days does shipping to Norway take?',
    'Can I get a refund?',
  ])('answers a question the documents cover: %s', (question) => {
    expect(judge(question)).toBe(true);
  });

  it.each([
    'What is the capital of Australia?',
    'Who won the football world cup in 1998?',
    'Write me a poem about the moon',
    'How do I install Python on Windows?',
  ])('declines a question they do not: %s', (question) => {
    expect(judge(question)).toBe(false);
  });

  it('declines when there is nothing to judge by or nothing retrieved', () => {
    expect(judge('???')).toBe(false);
    expect(judge('How much does express shipping cost?', [])).toBe(false);
  });

  it('uses dense similarity only for embedders with a known scale', () => {
    const features = { coverage: 0.1, termShare: 0.2, dense: 0.9, lexical: 0.1, contentTerms: 3 };
    expect(isGrounded(features, thresholdsFor('multilingual-e5-small'))).toBe(true);
    expect(isGrounded(features, thresholdsFor('text-embedding-3-large'))).toBe(false);
    expect(
      isGrounded({ ...features, coverage: 1, termShare: 1, dense: 0.7 }, thresholdsFor('multilingual-e5-small')),
    ).toBe(false);
  });
});
