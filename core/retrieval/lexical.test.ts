import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lexicalSearch, proximityScore, quoteLexeme } from './lexical';
import { startPgliteChunksDatabase, type ChunkRow, type PgliteChunksDatabase } from './pglite-test-database';

const clientA = randomUUID();
const clientB = randomUUID();
const documents = {
  normans: randomUUID(),
  rhine: randomUUID(),
  cooking: randomUUID(),
  draft: randomUUID(),
  secret: randomUUID(),
  proximity: randomUUID(),
};

function chunk(
  overrides: Partial<ChunkRow> & Pick<ChunkRow, 'client_id' | 'document_id' | 'chunk_index' | 'text'>,
): ChunkRow {
  return {
    id: randomUUID(),
    version: 1,
    token_count: overrides.text.split(/\s+/).length,
    active: true,
    ...overrides,
  };
}

let database: PgliteChunksDatabase;

beforeAll(async () => {
  database = await startPgliteChunksDatabase();
  await database.knex('documents').insert({ id: documents.normans, client_id: clientA, filename: 'normans.pdf' });
  await database.insertChunks([
    chunk({
      client_id: clientA,
      document_id: documents.normans,
      chunk_index: 0,
      page: 3,
      text: 'The Normans were descended from Norse raiders and settled in Normandy in the 10th century.',
    }),
    chunk({
      client_id: clientA,
      document_id: documents.normans,
      chunk_index: 1,
      text: 'William the Conqueror led the Norman conquest of England in 1066.',
    }),
    chunk({
      client_id: clientA,
      document_id: documents.rhine,
      chunk_index: 0,
      text: 'The Rhine is a European river that flows from the Swiss Alps to the North Sea.',
    }),
    chunk({
      client_id: clientA,
      document_id: documents.rhine,
      chunk_index: 1,
      heading: 'Shipping and trade',
      text: 'Barges carry coal and grain along the river between the ports.',
    }),
    chunk({
      client_id: clientA,
      document_id: documents.cooking,
      chunk_index: 0,
      text: 'Bake the bread for forty minutes; the river of dough should rise twice.',
    }),
    // A newer version still being ingested: not answering yet.
    chunk({
      client_id: clientA,
      document_id: documents.draft,
      chunk_index: 0,
      active: false,
      text: 'Unpublished draft about the Norman conquest and Hastings.',
    }),
    // Another tenant's data, written to match client A's questions.
    chunk({
      client_id: clientB,
      document_id: documents.secret,
      chunk_index: 0,
      text: 'Confidential: the Norman conquest of England in 1066 at Hastings.',
    }),
    chunk({
      client_id: clientB,
      document_id: documents.proximity,
      chunk_index: 0,
      text: 'Apple orchards grow tall. Many words sit here between them. Pie recipes vary.',
    }),
    chunk({
      client_id: clientB,
      document_id: documents.proximity,
      chunk_index: 1,
      text: 'Some say apple pie is best. Other words fill the rest of this line today.',
    }),
    chunk({
      client_id: clientB,
      document_id: randomUUID(),
      chunk_index: 0,
      text: 'Unrelated filler about trains and stations.',
    }),
    chunk({
      client_id: clientB,
      document_id: randomUUID(),
      chunk_index: 0,
      text: 'More filler on weather and clouds over hills.',
    }),
  ]);
}, 60_000);

afterAll(async () => {
  await database?.close();
});

describe('lexicalSearch', () => {
  it('ranks the chunk holding the question’s rarer words first, with its citation fields', async () => {
    const hits = await lexicalSearch(database.knex, {
      clientId: clientA,
      query: 'When did the Norman conquest of England happen?',
      limit: 5,
    });

    expect(hits[0]).toMatchObject({
      documentId: documents.normans,
      chunkIndex: 1,
      page: null,
      filename: 'normans.pdf',
    });
    expect(hits[0].text).toContain('1066');
    expect(typeof hits[0].id).toBe('string');
  });

  it('uses OR semantics: a chunk matching only some of the words is still found', async () => {
    const hits = await lexicalSearch(database.knex, {
      clientId: clientA,
      query: 'Norse raiders and submarines',
      limit: 5,
    });

    expect(hits.map((hit) => hit.documentId)).toContain(documents.normans);
    expect(hits[0]).toMatchObject({ documentId: documents.normans, chunkIndex: 0, page: 3 });
  });

  it('stems words the way the stored search vector does', async () => {
    const hits = await lexicalSearch(database.knex, { clientId: clientA, query: 'settling descendants', limit: 5 });
    expect(hits[0]).toMatchObject({ documentId: documents.normans, chunkIndex: 0 });
  });

  it('searches the heading as well as the text', async () => {
    const hits = await lexicalSearch(database.knex, { clientId: clientA, query: 'trade', limit: 5 });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ documentId: documents.rhine, chunkIndex: 1, filename: null });
  });

  it('returns scores in descending order, normalised scores on [0, 1], and no more than the limit', async () => {
    const hits = await lexicalSearch(database.knex, {
      clientId: clientA,
      query: 'river Rhine Normans bread',
      limit: 2,
    });

    expect(hits).toHaveLength(2);
    expect(hits[0].score).toBeGreaterThanOrEqual(hits[1].score);
    for (const hit of hits) {
      expect(hit.normalizedScore).toBeGreaterThan(0);
      expect(hit.normalizedScore).toBeLessThanOrEqual(1);
    }
  });

  it('gives a chunk that covers more of the question a higher normalised score', async () => {
    const [full] = await lexicalSearch(database.knex, {
      clientId: clientA,
      query: 'Norman conquest England',
      limit: 1,
    });
    const [partial] = await lexicalSearch(database.knex, {
      clientId: clientA,
      query: 'Norman conquest England zeppelins',
      limit: 1,
    });
    expect(full.normalizedScore).toBeGreaterThan(partial.normalizedScore);
  });

  it('never returns inactive chunks', async () => {
    const hits = await lexicalSearch(database.knex, {
      clientId: clientA,
      query: 'unpublished draft Hastings',
      limit: 10,
    });
    expect(hits.map((hit) => hit.documentId)).not.toContain(documents.draft);
  });

  it('keeps tenants apart: client B never sees client A’s chunks, nor A client B’s', async () => {
    const forB = await lexicalSearch(database.knex, {
      clientId: clientB,
      query: 'Norman conquest Normandy Rhine river bread',
      limit: 10,
    });
    expect(forB.map((hit) => hit.documentId)).toEqual([documents.secret]);

    const forA = await lexicalSearch(database.knex, {
      clientId: clientA,
      query: 'confidential Hastings apple pie',
      limit: 10,
    });
    expect(forA).toEqual([]);

    const ownB = await lexicalSearch(database.knex, { clientId: clientB, query: 'confidential Hastings', limit: 10 });
    expect(ownB.map((hit) => hit.documentId)).toEqual([documents.secret]);
  });

  it('returns nothing for an unknown client, an empty question or one made only of stopwords', async () => {
    await expect(lexicalSearch(database.knex, { clientId: randomUUID(), query: 'Normans', limit: 5 })).resolves.toEqual(
      [],
    );
    await expect(lexicalSearch(database.knex, { clientId: clientA, query: '   ', limit: 5 })).resolves.toEqual([]);
    await expect(
      lexicalSearch(database.knex, { clientId: clientA, query: 'what is it that they were?', limit: 5 }),
    ).resolves.toEqual([]);
    await expect(lexicalSearch(database.knex, { clientId: clientA, query: 'Normans', limit: 0 })).resolves.toEqual([]);
  });

  it('treats tsquery operators, quotes, backslashes and SQL in the question as plain text', async () => {
    const hostile = [
      "Normans' & !river | (bread):* <-> x",
      "'; drop table chunks; --",
      "back\\slash \\' Normans",
      "it's the Norman's conquest",
      '1066 OR 1=1',
      'Ω≈ç√ Normans 東京',
    ];
    for (const query of hostile) {
      const hits = await lexicalSearch(database.knex, { clientId: clientA, query, limit: 5 });
      expect(Array.isArray(hits)).toBe(true);
    }
    const stillThere = await database.knex('chunks').count<{ count: string }[]>('* as count');
    expect(Number(stillThere[0].count)).toBe(11);

    const [apostrophe] = await lexicalSearch(database.knex, {
      clientId: clientA,
      query: "the Norman's conquest",
      limit: 1,
    });
    expect(apostrophe).toMatchObject({ documentId: documents.normans, chunkIndex: 1 });
  });

  it('ranks a chunk with the question’s words side by side above one with them far apart', async () => {
    const hits = await lexicalSearch(database.knex, { clientId: clientB, query: 'apple pie', limit: 2 });
    expect(hits.map((hit) => hit.chunkIndex)).toEqual([1, 0]);
    expect(hits[0].documentId).toBe(documents.proximity);
  });
});

describe('quoteLexeme', () => {
  it('quotes a lexeme so the tsquery parser reads no operator in it', () => {
    expect(quoteLexeme('normans')).toBe("'normans'");
    expect(quoteLexeme("it's")).toBe("'it''s'");
    expect(quoteLexeme('a\\b')).toBe("'a\\\\b'");
    expect(quoteLexeme('x & y | !z')).toBe("'x & y | !z'");
  });
});

describe('proximityScore', () => {
  const idf = new Map([
    ['apple', 1],
    ['pie', 2],
  ]);

  it('rewards adjacent terms more than distant ones and ignores pairs beyond the window', () => {
    const adjacent = proximityScore(
      [
        ['apple', [1]],
        ['pie', [2]],
      ],
      idf,
    );
    const near = proximityScore(
      [
        ['apple', [1]],
        ['pie', [4]],
      ],
      idf,
    );
    const far = proximityScore(
      [
        ['apple', [1]],
        ['pie', [20]],
      ],
      idf,
    );
    expect(adjacent).toBeGreaterThan(near);
    expect(near).toBeGreaterThan(0);
    expect(far).toBe(0);
  });

  it('needs two different terms', () => {
    expect(proximityScore([['apple', [1, 2, 3]]], idf)).toBe(0);
    expect(proximityScore([], idf)).toBe(0);
  });
});
