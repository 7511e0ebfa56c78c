import { describe, expect, it } from 'vitest';
import type { FusedChunk } from './fuse';
import { rerankBySentenceEvidence } from './rerank';

function chunk(documentId: string, score: number, text: string): FusedChunk {
  return { documentId, chunkIndex: 0, score, text, denseScore: score, lexicalScore: score };
}

describe('rerankBySentenceEvidence', () => {
  const candidates = [
    // Scattered matches across a long chunk: a bag-of-words score likes it.
    chunk(
      'scattered',
      0.6,
      'Castles are many. The Normans liked stone. England has hills. Building was common. In 1000 nothing happened.',
    ),
    // One sentence that answers the question.
    chunk('answer', 0.5, 'Rivers and weather. The Normans built castles across England after 1066.'),
    chunk('unrelated', 0.4, 'Bread rises in a warm oven.'),
  ];

  it('moves the chunk whose one sentence answers the question to the top', () => {
    const reranked = rerankBySentenceEvidence({
      question: 'When did the Normans build castles in England?',
      chunks: candidates,
    });
    expect(reranked.map((item) => item.documentId)).toEqual(['answer', 'scattered', 'unrelated']);
    expect(reranked[0].sentenceScore).toBeGreaterThan(reranked[1].sentenceScore);
  });

  it('keeps scores on [0, 1] as a weighted mean of fused score and sentence evidence', () => {
    const reranked = rerankBySentenceEvidence({ question: 'castles', chunks: candidates, weight: 0.5 });
    for (const item of reranked) {
      const original = candidates.find((candidate) => candidate.documentId === item.documentId)!;
      expect(item.score).toBeCloseTo(0.5 * original.score + 0.5 * item.sentenceScore, 10);
      expect(item.score).toBeGreaterThanOrEqual(0);
      expect(item.score).toBeLessThanOrEqual(1);
    }
    expect(reranked.find((item) => item.documentId === 'unrelated')?.sentenceScore).toBe(0);
  });

  it('leaves the fused order alone with zero weight, and handles no candidates', () => {
    const reranked = rerankBySentenceEvidence({ question: 'castles', chunks: candidates, weight: 0 });
    expect(reranked.map((item) => item.documentId)).toEqual(['scattered', 'answer', 'unrelated']);
    expect(rerankBySentenceEvidence({ question: 'castles', chunks: [] })).toEqual([]);
  });
});
