import type { FusedChunk } from './fuse';
import { scoreSentences } from './sentences';

/**
 * Second-stage ranking of the fused candidates by their best sentence. Bag-of-words scores see a
 * chunk as a whole; an answer usually sits in one sentence that holds the question's rare words
 * close together and the kind of thing asked for (a date for "when", a number for "how many").
 * The result stays on [0, 1]: a weighted mean of the fused score and the sentence evidence.
 */

/** Share of the final score given to sentence evidence; chosen on the offline benchmark. */
export const SENTENCE_EVIDENCE_WEIGHT = 0.5;
// The best possible sentence score: full coverage plus full proximity and answer-type bonuses.
const SENTENCE_SCORE_CEILING = 1.35;

export function rerankBySentenceEvidence<T extends FusedChunk>({
  question,
  chunks,
  weight = SENTENCE_EVIDENCE_WEIGHT,
}: {
  question: string;
  chunks: T[];
  weight?: number;
}): Array<T & { sentenceScore: number }> {
  const evidence = scoreSentences({ question, passages: chunks.map((chunk) => chunk.text) });
  const bestByPassage = new Array<number>(chunks.length).fill(0);
  for (const sentence of evidence.sentences) {
    bestByPassage[sentence.passage] = Math.max(bestByPassage[sentence.passage], sentence.score);
  }
  return chunks
    .map((chunk, index) => {
      const sentenceScore = Math.min(1, Math.max(0, bestByPassage[index] / SENTENCE_SCORE_CEILING));
      return { ...chunk, sentenceScore, score: (1 - weight) * chunk.score + weight * sentenceScore };
    })
    .sort((a, b) => b.score - a.score || a.documentId.localeCompare(b.documentId) || a.chunkIndex - b.chunkIndex);
}
