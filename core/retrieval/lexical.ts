import type { Knex } from 'knex';

/**
 * The lexical half of hybrid retrieval: Okapi BM25 with a term-proximity bonus over the
 * `chunks.search_vector` column, restricted to one client's answering chunks.
 *
 * Postgres ships no BM25, and `ts_rank_cd` ignores how rare a term is, which is most of what
 * makes keyword search work on questions. So document frequencies come from the client's own
 * active chunks (GIN-index counts per term), term frequencies and positions from the tsvector,
 * and the chunk length from `token_count`.
 */

export interface LexicalHit {
  /** Same id as the chunk's vector point. */
  id: string;
  documentId: string;
  chunkIndex: number;
  text: string;
  page: number | null;
  /** From the documents table; null when the document row is missing. */
  filename: string | null;
  /** BM25 plus proximity bonus: unbounded, comparable only within one query. */
  score: number;
  /**
   * `score` divided by the IDF mass of all the question's terms (terms no chunk contains count at
   * full weight), capped at 1: roughly the share of the question's rare words the chunk holds.
   * Comparable across questions, so fusion and relevance floors can use it.
   */
  normalizedScore: number;
}

export interface LexicalSearchArgs {
  clientId: string;
  query: string;
  limit: number;
}

// Textbook Okapi parameters; k1 in 0.6–2 and b in 0.4–1 all measured worse or equal offline.
const BM25_K1 = 1.2;
const BM25_B = 0.75;
// Term-pair proximity (Rasolofo & Savoy's BM25TP): pairs of question terms within this many
// words of each other add to the score, the closer the more.
const PROXIMITY_WINDOW = 5;
const PROXIMITY_WEIGHT = 0.5;
// Proximity is computed for this many times `limit` of the best BM25 candidates.
const PROXIMITY_POOL_FACTOR = 3;
// A term in more than this share of the client's chunks does not by itself make a chunk a
// candidate (unless the rarer terms find too few): it would drag nearly every chunk through
// scoring for almost no signal. It is still scored wherever it occurs.
const COMMON_TERM_SHARE = 0.5;
// Questions are short; a pasted essay would otherwise build a huge OR query.
const MAX_QUERY_TERMS = 64;

interface TermStatistic {
  lexeme: string;
  documentFrequency: number;
}

interface CandidateRow {
  id: string;
  document_id: string;
  chunk_index: number;
  text: string;
  page: number | null;
  filename: string | null;
  bm25: number;
  matches: Array<[string, number[] | null]> | null;
}

export async function lexicalSearch(knex: Knex, { clientId, query, limit }: LexicalSearchArgs): Promise<LexicalHit[]> {
  if (limit <= 0 || query.trim() === '') return [];

  const lexemes = await queryLexemes(knex, query);
  if (lexemes.length === 0) return [];

  const stats = await termStatistics(knex, { clientId, lexemes });
  const present = stats.terms.filter((term) => term.documentFrequency > 0);
  if (stats.chunkCount === 0 || present.length === 0) return [];

  const idf = (term: TermStatistic) =>
    Math.log(1 + (stats.chunkCount - term.documentFrequency + 0.5) / (term.documentFrequency + 0.5));
  const idfByLexeme = new Map(present.map((term) => [term.lexeme, idf(term)]));
  const questionWeight = stats.terms.reduce((sum, term) => sum + idf(term), 0);

  const rows = await scoreCandidates(knex, {
    clientId,
    idfByLexeme,
    candidateQuery: orQuery(candidateTerms(present, { chunkCount: stats.chunkCount, limit })),
    averageLength: Math.max(stats.averageLength, 1),
    poolSize: limit * PROXIMITY_POOL_FACTOR,
  });

  return rows
    .map((row) => {
      const score = row.bm25 + PROXIMITY_WEIGHT * proximityScore(row.matches ?? [], idfByLexeme);
      return {
        id: row.id,
        documentId: row.document_id,
        chunkIndex: row.chunk_index,
        text: row.text,
        page: row.page,
        filename: row.filename,
        score,
        normalizedScore: questionWeight > 0 ? Math.min(1, score / questionWeight) : 0,
      };
    })
    .sort((a, b) => b.score - a.score || a.documentId.localeCompare(b.documentId) || a.chunkIndex - b.chunkIndex)
    .slice(0, limit);
}

function candidateTerms(
  present: TermStatistic[],
  { chunkCount, limit }: { chunkCount: number; limit: number },
): TermStatistic[] {
  const informative = present.filter((term) => term.documentFrequency <= chunkCount * COMMON_TERM_SHARE);
  const informativeMatches = informative.reduce((sum, term) => sum + term.documentFrequency, 0);
  return informativeMatches >= limit ? informative : present;
}

async function scoreCandidates(
  knex: Knex,
  {
    clientId,
    idfByLexeme,
    candidateQuery,
    averageLength,
    poolSize,
  }: {
    clientId: string;
    idfByLexeme: Map<string, number>;
    candidateQuery: string;
    averageLength: number;
    poolSize: number;
  },
): Promise<CandidateRow[]> {
  const lexemes = [...idfByLexeme.keys()];
  const result = await knex.raw<{ rows: CandidateRow[] }>(
    `
    with term_weights as (
      select * from unnest(?::text[], ?::float8[]) as w(lexeme, idf)
    ),
    candidates as (
      select c.id, greatest(c.token_count, 1)::float8 as length, c.search_vector
      from chunks c
      where c.client_id = ? and c.active and c.search_vector @@ ?::tsquery
    ),
    scored as (
      select candidates.id,
        sum(
          term_weights.idf * (frequency.tf * (?::float8 + 1))
          / (frequency.tf + ?::float8 * (1 - ?::float8 + ?::float8 * candidates.length / ?::float8))
        ) as bm25
      from candidates
      cross join lateral unnest(candidates.search_vector) as entry(lexeme, positions, weights)
      join term_weights on term_weights.lexeme = entry.lexeme
      cross join lateral (select coalesce(array_length(entry.positions, 1), 1)::float8 as tf) as frequency
      group by candidates.id
      order by bm25 desc, candidates.id
      limit ?::int
    )
    select c.id, c.document_id, c.chunk_index, c.text, c.page, d.filename, scored.bm25,
      (select json_agg(json_build_array(entry.lexeme, entry.positions))
       from unnest(c.search_vector) as entry(lexeme, positions, weights)
       where entry.lexeme = any(?::text[])) as matches
    from scored
    join chunks c on c.id = scored.id
    left join documents d on d.id = c.document_id and d.client_id = c.client_id
    `,
    [
      lexemes,
      lexemes.map((lexeme) => idfByLexeme.get(lexeme) ?? 0),
      clientId,
      candidateQuery,
      BM25_K1,
      BM25_K1,
      BM25_B,
      BM25_B,
      averageLength,
      poolSize,
      lexemes,
    ],
  );
  return result.rows.map((row) => ({ ...row, bm25: Number(row.bm25) }));
}

/**
 * Sum over pairs of distinct question terms of min(idf) × saturated pair frequency, where each
 * co-occurrence within the window counts 1/distance².
 */
export function proximityScore(matches: Array<[string, number[] | null]>, idfByLexeme: Map<string, number>): number {
  const located = matches.filter(
    (match): match is [string, number[]] => Array.isArray(match[1]) && match[1].length > 0,
  );
  let score = 0;
  for (let a = 0; a < located.length; a += 1) {
    for (let b = a + 1; b < located.length; b += 1) {
      let pairFrequency = 0;
      for (const first of located[a][1]) {
        for (const second of located[b][1]) {
          const distance = Math.abs(first - second);
          if (distance > 0 && distance <= PROXIMITY_WINDOW) pairFrequency += 1 / (distance * distance);
        }
      }
      if (pairFrequency === 0) continue;
      const weight = Math.min(idfByLexeme.get(located[a][0]) ?? 0, idfByLexeme.get(located[b][0]) ?? 0);
      score += (weight * (BM25_K1 + 1) * pairFrequency) / (BM25_K1 + pairFrequency);
    }
  }
  return score;
}

/** The question's lexemes exactly as the generated column would store them (same config, same stemmer). */
async function queryLexemes(knex: Knex, query: string): Promise<string[]> {
  const result = await knex.raw<{ rows: Array<{ lexeme: string }> }>(
    `select lexeme from unnest(to_tsvector('english', ?)) order by positions[1] limit ?::int`,
    [query, MAX_QUERY_TERMS],
  );
  return result.rows.map((row) => row.lexeme);
}

async function termStatistics(
  knex: Knex,
  { clientId, lexemes }: { clientId: string; lexemes: string[] },
): Promise<{ chunkCount: number; averageLength: number; terms: TermStatistic[] }> {
  // One round trip: the client's totals ride along on every term's row (the caller has at least one term).
  const { rows } = await knex.raw<{
    rows: Array<{ document_frequency: string; chunk_count: string; average_length: string | null }>;
  }>(
    `select
       (select count(*) from chunks c
        where c.client_id = ? and c.active and c.search_vector @@ t.query::tsquery) as document_frequency,
       totals.chunk_count, totals.average_length
     from unnest(?::text[]) with ordinality as t(query, position)
     cross join (select count(*) as chunk_count, avg(token_count) as average_length
                 from chunks where client_id = ? and active) as totals
     order by t.position`,
    [clientId, lexemes.map(quoteLexeme), clientId],
  );
  return {
    chunkCount: Number(rows[0]?.chunk_count ?? 0),
    averageLength: Number(rows[0]?.average_length ?? 0),
    terms: lexemes.map((lexeme, index) => ({
      lexeme,
      documentFrequency: Number(rows[index]?.document_frequency ?? 0),
    })),
  };
}

function orQuery(terms: TermStatistic[]): string {
  return terms.map((term) => quoteLexeme(term.lexeme)).join(' | ');
}

/**
 * tsquery text syntax for one exact lexeme: quoted, with quotes and backslashes escaped, so
 * no character of the user's question can become an operator. The string still travels as a
 * bind parameter; this only keeps the tsquery parser from reading it as syntax.
 */
export function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
