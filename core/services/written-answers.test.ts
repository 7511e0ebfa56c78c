import { describe, expect, it } from 'vitest';
import { createLocalEmbedder } from '../adapters/embedder/local';
import { WRITTEN_ANSWER_MIN_SIMILARITY } from './written-answers';

/** The pairs behind the threshold's documentation (core/services/written-answers.ts). */
describe('written answer similarity threshold (local embedder)', () => {
  const embedder = createLocalEmbedder({ dimensions: 1024 });
  const similarity = async (a: string, b: string) => {
    const [va, vb] = await embedder.embed([a, b]);
    return va.reduce((sum, value, index) => sum + value * vb[index], 0);
  };

  it('matches rewordings of the same question', async () => {
    for (const [a, b] of [
      ['Do you ship to Mars?', 'Can you ship to Mars?'],
      ['How do I reset my password?', 'How can I reset my password?'],
      ['What is the return policy?', 'What is your return policy?'],
    ]) {
      expect(await similarity(a, b), `${a} / ${b}`).toBeGreaterThanOrEqual(WRITTEN_ANSWER_MIN_SIMILARITY);
    }
  });

  it('does not match different questions that share words', async () => {
    for (const [a, b] of [
      ['How long does standard shipping to Norway take?', 'How long does express shipping to Norway take?'],
      ['Do you ship to Mars?', 'Do you ship to Norway?'],
      ['Can I pay with bitcoin?', 'Can I pay with PayPal?'],
      ['What are your opening hours?', 'What are your opening hours on Sunday?'],
      ['How do I reset my password?', 'How do I change my email?'],
    ]) {
      expect(await similarity(a, b), `${a} / ${b}`).toBeLessThan(WRITTEN_ANSWER_MIN_SIMILARITY);
    }
  });
});
