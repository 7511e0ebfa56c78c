import { describe, expect, it } from 'vitest';
import { fuseRankings, type RankedChunk } from './fuse';
import { applyRelevanceFloor } from './relevance';

function hit(documentId: string, chunkIndex: number, score: number, extra: Partial<RankedChunk> = {}): RankedChunk {
  return { documentId, chunkIndex, score, text: `${documentId}#${chunkIndex}`, ...extra };
}

describe('fuseRankings', () => {
  it('merges the two sides by (document, chunk) and keeps both sides’ evidence', () => {
    const fused = fuseRankings({
      dense: [hit('a', 0, 0.8, { filename: 'a.pdf', page: 2, id: 'p-a0' }), hit('b', 0, 0.4)],
      lexical: [hit('a', 0, 12, { normalizedScore: 0.6 }), hit('c', 1, 5, { normalizedScore: 0.3 })],
      limit: 10,
    });

    expect(fused.map((chunk) => `${chunk.documentId}#${chunk.chunkIndex}`)).toEqual(['a#0', 'b#0', 'c#1']);
    expect(fused[0]).toMatchObject({
      id: 'p-a0',
      filename: 'a.pdf',
      page: 2,
      denseScore: 0.8,
      lexicalScore: 0.6,
      denseRank: 1,
      lexicalRank: 1,
    });
    expect(fused[0].score).toBeCloseTo(0.5 * 0.8 + 0.5 * 0.6, 10);
    expect(fused[2]).toMatchObject({ denseScore: 0, lexicalScore: 0.3, lexicalRank: 2 });
    expect(fused[2].denseRank).toBeUndefined();
  });

  it('treats the same chunk index in different documents as different chunks', () => {
    const fused = fuseRankings({
      dense: [hit('a', 0, 0.5)],
      lexical: [hit('b', 0, 3, { normalizedScore: 0.5 })],
      limit: 10,
    });
    expect(fused).toHaveLength(2);
  });

  it('keeps every score on [0, 1] whatever the inputs', () => {
    const fused = fuseRankings({
      dense: [hit('a', 0, 1.7), hit('b', 0, -0.4), hit('c', 0, Number.NaN)],
      lexical: [hit('a', 0, 40), hit('d', 0, 10)],
      limit: 10,
    });
    for (const chunk of fused) {
      expect(chunk.score).toBeGreaterThanOrEqual(0);
      expect(chunk.score).toBeLessThanOrEqual(1);
    }
    // Without a normalised score, lexical scores are taken relative to the best one.
    expect(fused.find((chunk) => chunk.documentId === 'd')?.lexicalScore).toBeCloseTo(0.25, 10);
  });

  it('lets the dense weight decide between a dense-only and a lexical-only chunk', () => {
    const dense = [hit('semantic', 0, 0.6)];
    const lexical = [hit('keyword', 0, 9, { normalizedScore: 0.6 })];
    expect(fuseRankings({ dense, lexical, limit: 1, denseWeight: 0.8 })[0].documentId).toBe('semantic');
    expect(fuseRankings({ dense, lexical, limit: 1, denseWeight: 0.2 })[0].documentId).toBe('keyword');
  });

  it('honours the limit and breaks ties deterministically', () => {
    const fused = fuseRankings({
      dense: [hit('b', 1, 0.5), hit('a', 2, 0.5), hit('a', 1, 0.5)],
      lexical: [],
      limit: 2,
    });
    expect(fused.map((chunk) => `${chunk.documentId}#${chunk.chunkIndex}`)).toEqual(['a#1', 'a#2']);
    expect(fuseRankings({ dense: [hit('a', 0, 0.5)], lexical: [], limit: 0 })).toEqual([]);
  });

  it('ignores a duplicate of a chunk within one side', () => {
    const fused = fuseRankings({ dense: [hit('a', 0, 0.9), hit('a', 0, 0.2)], lexical: [], limit: 5 });
    expect(fused).toHaveLength(1);
    expect(fused[0].denseScore).toBe(0.9);
  });
});

describe('applyRelevanceFloor', () => {
  it('drops chunks scoring below the floor and keeps the order of the rest', () => {
    const chunks = [
      { score: 0.7, id: 1 },
      { score: 0.31, id: 2 },
      { score: 0.29, id: 3 },
    ];
    expect(applyRelevanceFloor(chunks, 0.3).map((chunk) => chunk.id)).toEqual([1, 2]);
    expect(
      applyRelevanceFloor([
        { score: 0.14, id: 4 },
        { score: 0.16, id: 5 },
      ]).map((chunk) => chunk.id),
    ).toEqual([5]);
    expect(applyRelevanceFloor(chunks, 0.5).map((chunk) => chunk.id)).toEqual([1]);
    expect(applyRelevanceFloor([])).toEqual([]);
  });
});
