import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { pointId } from './point-id';
import type { VectorPoint, VectorStore } from './types';

export const CONTRACT_DIMENSIONS = 8;

export interface VectorStoreUnderTest {
  store: VectorStore;
  /** Removes whatever the store created (table, collection) and releases connections. */
  cleanup: () => Promise<void>;
}

/**
 * The behaviour every VectorStore must share, registered as vitest cases. Each case gets a fresh
 * store from `makeStore` (its own table or collection) and calls ensureReady itself.
 */
export function runVectorStoreContract(name: string, makeStore: () => Promise<VectorStoreUnderTest>): void {
  describe(`${name} (vector store contract)`, () => {
    let store: VectorStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const made = await makeStore();
      store = made.store;
      cleanup = made.cleanup;
      await store.ensureReady(CONTRACT_DIMENSIONS);
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('returns the closest active point first, with its citation fields and a cosine score', async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      const points = [0, 1, 2, 3].map((axis) =>
        makePoint({
          clientId,
          documentId,
          version: 1,
          chunkIndex: axis,
          vector: axisVector(axis),
          page: axis + 1,
          filename: 'guide.pdf',
        }),
      );
      await store.upsert(points);
      await store.activateVersion({ clientId, documentId, version: 1 });

      const query = axisVector(2).map((value, index) => value + (index === 3 ? 0.2 : 0));
      const hits = await store.search({ clientId, vector: query, limit: 3 });

      expect(hits).toHaveLength(3);
      expect(hits[0]).toMatchObject({
        id: points[2].id,
        documentId,
        chunkIndex: 2,
        text: points[2].text,
        page: 3,
        filename: 'guide.pdf',
      });
      expect(hits[0].score).toBeCloseTo(cosine(query, points[2].vector), 4);
      expect(hits[1]).toMatchObject({ id: points[3].id, chunkIndex: 3 });
      expect(hits[1].score).toBeCloseTo(cosine(query, points[3].vector), 4);
      for (let index = 1; index < hits.length; index += 1)
        expect(hits[index - 1].score).toBeGreaterThanOrEqual(hits[index].score);
    });

    it('scores an identical vector 1 and an opposite one -1', async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      const vector = [0.3, -0.1, 0.5, 0.2, -0.7, 0.05, 0.4, -0.25];
      await store.upsert([
        makePoint({ clientId, documentId, version: 1, chunkIndex: 0, vector }),
        makePoint({ clientId, documentId, version: 1, chunkIndex: 1, vector: vector.map((value) => -value) }),
      ]);
      await store.activateVersion({ clientId, documentId, version: 1 });
      const hits = await store.search({ clientId, vector: vector.map((value) => value * 3), limit: 5 });
      expect(hits.map((hit) => hit.chunkIndex)).toEqual([0, 1]);
      expect(hits[0].score).toBeCloseTo(1, 4);
      expect(hits[1].score).toBeCloseTo(-1, 4);
    });

    it('returns page null and no filename when the chunk has none', async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      await store.upsert([makePoint({ clientId, documentId, version: 1, chunkIndex: 0, vector: axisVector(0) })]);
      await store.activateVersion({ clientId, documentId, version: 1 });
      const [hit] = await store.search({ clientId, vector: axisVector(0), limit: 1 });
      expect(hit.page ?? null).toBeNull();
      expect(hit.filename).toBeUndefined();
    });

    it("never lets one client search, count, activate or delete another client's points, even with identical vectors", async () => {
      const clientA = randomUUID();
      const clientB = randomUUID();
      // Same document id on purpose: only the client id tells the points apart.
      const documentId = randomUUID();
      const vector = axisVector(1);
      const pointsA = [0, 1, 2].map((chunkIndex) =>
        makePoint({ clientId: clientA, documentId, version: 1, chunkIndex, vector }),
      );
      const pointB = makePoint({ clientId: clientB, documentId, version: 1, chunkIndex: 0, vector });
      await store.upsert([...pointsA, pointB]);

      // B activating "its" version 1 leaves A's version 1 inactive.
      await store.activateVersion({ clientId: clientB, documentId, version: 1 });
      expect(await store.countDocument({ clientId: clientA, documentId })).toBe(0);
      expect(await store.countDocument({ clientId: clientB, documentId })).toBe(1);
      expect((await store.search({ clientId: clientB, vector, limit: 10 })).map((hit) => hit.id)).toEqual([pointB.id]);
      expect(await store.search({ clientId: clientA, vector, limit: 10 })).toEqual([]);

      // A activating its version neither removes nor deactivates B's point.
      await store.activateVersion({ clientId: clientA, documentId, version: 1 });
      expect(await store.countDocument({ clientId: clientA, documentId })).toBe(3);
      expect(await store.countDocument({ clientId: clientB, documentId })).toBe(1);
      const hitsA = await store.search({ clientId: clientA, vector, limit: 10 });
      expect(new Set(hitsA.map((hit) => hit.id))).toEqual(new Set(pointsA.map((point) => point.id)));

      // B abandoning "version 2" leaves A's inactive version 2 in place.
      const nextA = makePoint({ clientId: clientA, documentId, version: 2, chunkIndex: 0, vector });
      await store.upsert([nextA]);
      await store.deleteVersion({ clientId: clientB, documentId, version: 2 });
      await store.activateVersion({ clientId: clientA, documentId, version: 2 });
      expect(await store.countDocument({ clientId: clientA, documentId })).toBe(1);
      expect(await store.countDocument({ clientId: clientB, documentId })).toBe(1);

      // B deleting the shared document id removes B's point only.
      await store.deleteDocument({ clientId: clientB, documentId });
      expect(await store.countDocument({ clientId: clientB, documentId })).toBe(0);
      expect((await store.search({ clientId: clientA, vector, limit: 10 })).map((hit) => hit.id)).toEqual([nextA.id]);
    });

    it('searches only the asking client when both hold identical vectors', async () => {
      const clients = [randomUUID(), randomUUID(), randomUUID()];
      const vector = axisVector(5);
      const byClient = new Map<string, string>();
      for (const clientId of clients) {
        const documentId = randomUUID();
        const point = makePoint({ clientId, documentId, version: 1, chunkIndex: 0, vector });
        byClient.set(clientId, point.id);
        await store.upsert([point]);
        await store.activateVersion({ clientId, documentId, version: 1 });
      }
      for (const clientId of clients) {
        const hits = await store.search({ clientId, vector, limit: 10 });
        expect(hits.map((hit) => hit.id)).toEqual([byClient.get(clientId)]);
      }
      expect(await store.search({ clientId: randomUUID(), vector, limit: 10 })).toEqual([]);
    });

    it('does not search or count inactive points', async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      await store.upsert(
        [0, 1].map((chunkIndex) =>
          makePoint({ clientId, documentId, version: 1, chunkIndex, vector: axisVector(chunkIndex) }),
        ),
      );
      expect(await store.search({ clientId, vector: axisVector(0), limit: 10 })).toEqual([]);
      expect(await store.countDocument({ clientId, documentId })).toBe(0);
      await store.activateVersion({ clientId, documentId, version: 1 });
      expect(await store.search({ clientId, vector: axisVector(0), limit: 10 })).toHaveLength(2);
      expect(await store.countDocument({ clientId, documentId })).toBe(2);
    });

    it('keeps the old version answering until the new one is activated, then keeps exactly the new one', async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      const oldPoints = [0, 1, 2].map((chunkIndex) =>
        makePoint({
          clientId,
          documentId,
          version: 1,
          chunkIndex,
          vector: axisVector(chunkIndex),
          text: `old ${chunkIndex}`,
        }),
      );
      await store.upsert(oldPoints);
      await store.activateVersion({ clientId, documentId, version: 1 });

      const newPoints = [0, 1].map((chunkIndex) =>
        makePoint({
          clientId,
          documentId,
          version: 2,
          chunkIndex,
          vector: axisVector(chunkIndex),
          text: `new ${chunkIndex}`,
        }),
      );
      await store.upsert(newPoints);
      const during = await store.search({ clientId, vector: axisVector(0), limit: 10 });
      expect(during.map((hit) => hit.text).sort()).toEqual(['old 0', 'old 1', 'old 2']);
      expect(await store.countDocument({ clientId, documentId })).toBe(3);

      await store.activateVersion({ clientId, documentId, version: 2 });
      const after = await store.search({ clientId, vector: axisVector(2), limit: 10 });
      expect(after.map((hit) => hit.text).sort()).toEqual(['new 0', 'new 1']);
      expect(new Set(after.map((hit) => hit.id))).toEqual(new Set(newPoints.map((point) => point.id)));
      expect(await store.countDocument({ clientId, documentId })).toBe(2);

      // Activating again is harmless.
      await store.activateVersion({ clientId, documentId, version: 2 });
      expect(await store.countDocument({ clientId, documentId })).toBe(2);
    });

    it('replaces only the named document of the client when activating', async () => {
      const clientId = randomUUID();
      const [first, second] = [randomUUID(), randomUUID()];
      await store.upsert([
        makePoint({ clientId, documentId: first, version: 1, chunkIndex: 0, vector: axisVector(0) }),
        makePoint({ clientId, documentId: second, version: 1, chunkIndex: 0, vector: axisVector(1) }),
      ]);
      await store.activateVersion({ clientId, documentId: first, version: 1 });
      await store.activateVersion({ clientId, documentId: second, version: 1 });
      await store.upsert([
        makePoint({ clientId, documentId: first, version: 2, chunkIndex: 0, vector: axisVector(0) }),
      ]);
      await store.activateVersion({ clientId, documentId: first, version: 2 });
      expect(await store.countDocument({ clientId, documentId: first })).toBe(1);
      expect(await store.countDocument({ clientId, documentId: second })).toBe(1);
    });

    it('does not duplicate points when the same ids are upserted twice', async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      const points = [0, 1, 2, 3].map((chunkIndex) =>
        makePoint({ clientId, documentId, version: 1, chunkIndex, vector: axisVector(chunkIndex) }),
      );
      await store.upsert(points);
      await store.upsert(points.map((point) => ({ ...point, text: `${point.text} (retried)` })));
      await store.activateVersion({ clientId, documentId, version: 1 });
      expect(await store.countDocument({ clientId, documentId })).toBe(4);
      const hits = await store.search({ clientId, vector: axisVector(0), limit: 10 });
      expect(hits).toHaveLength(4);
      expect(hits.every((hit) => hit.text.endsWith('(retried)'))).toBe(true);
    });

    it('writes re-upserted points inactive until their version is activated again', async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      const points = [makePoint({ clientId, documentId, version: 1, chunkIndex: 0, vector: axisVector(0) })];
      await store.upsert(points);
      await store.activateVersion({ clientId, documentId, version: 1 });
      await store.upsert(points);
      expect(await store.countDocument({ clientId, documentId })).toBe(0);
      await store.activateVersion({ clientId, documentId, version: 1 });
      expect(await store.countDocument({ clientId, documentId })).toBe(1);
    });

    it('upserts in batches larger than one request', async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      const points = Array.from({ length: 600 }, (_, chunkIndex) =>
        makePoint({
          clientId,
          documentId,
          version: 1,
          chunkIndex,
          vector: axisVector(chunkIndex % CONTRACT_DIMENSIONS, chunkIndex),
        }),
      );
      await store.upsert(points);
      await store.activateVersion({ clientId, documentId, version: 1 });
      expect(await store.countDocument({ clientId, documentId })).toBe(600);
      expect(await store.search({ clientId, vector: axisVector(0), limit: 7 })).toHaveLength(7);
    });

    it('deletes one document of the client, all its versions, and nothing else', async () => {
      const clientId = randomUUID();
      const [kept, removed] = [randomUUID(), randomUUID()];
      await store.upsert([
        makePoint({ clientId, documentId: kept, version: 1, chunkIndex: 0, vector: axisVector(0) }),
        makePoint({ clientId, documentId: removed, version: 1, chunkIndex: 0, vector: axisVector(0) }),
      ]);
      await store.activateVersion({ clientId, documentId: kept, version: 1 });
      await store.activateVersion({ clientId, documentId: removed, version: 1 });
      // A re-ingest in flight: version 2 is written but not active.
      await store.upsert([
        makePoint({ clientId, documentId: removed, version: 2, chunkIndex: 0, vector: axisVector(0) }),
      ]);

      await store.deleteDocument({ clientId, documentId: removed });
      expect(await store.countDocument({ clientId, documentId: removed })).toBe(0);
      // The inactive version went too: activating it afterwards finds nothing.
      await store.activateVersion({ clientId, documentId: removed, version: 2 });
      expect(await store.countDocument({ clientId, documentId: removed })).toBe(0);
      const hits = await store.search({ clientId, vector: axisVector(0), limit: 10 });
      expect(hits.map((hit) => hit.documentId)).toEqual([kept]);
      expect(await store.countDocument({ clientId, documentId: kept })).toBe(1);
    });

    it("deletes an abandoned version's inactive points and leaves the answering version alone", async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      await store.upsert(
        [0, 1].map((chunkIndex) =>
          makePoint({ clientId, documentId, version: 1, chunkIndex, vector: axisVector(chunkIndex) }),
        ),
      );
      await store.activateVersion({ clientId, documentId, version: 1 });
      await store.upsert(
        [0, 1, 2].map((chunkIndex) =>
          makePoint({ clientId, documentId, version: 2, chunkIndex, vector: axisVector(chunkIndex) }),
        ),
      );

      await store.deleteVersion({ clientId, documentId, version: 2 });
      expect(await store.countDocument({ clientId, documentId })).toBe(2);

      // deleteVersion never removes active points, even when named.
      await store.deleteVersion({ clientId, documentId, version: 1 });
      expect(await store.countDocument({ clientId, documentId })).toBe(2);

      // Version 2's points really are gone: activating it leaves nothing to answer.
      await store.activateVersion({ clientId, documentId, version: 2 });
      expect(await store.countDocument({ clientId, documentId })).toBe(0);
    });

    it('counts only the active version of the asked document', async () => {
      const clientId = randomUUID();
      const [documentId, otherDocument] = [randomUUID(), randomUUID()];
      await store.upsert([
        ...[0, 1, 2].map((chunkIndex) =>
          makePoint({ clientId, documentId, version: 1, chunkIndex, vector: axisVector(chunkIndex) }),
        ),
        ...[0, 1, 2, 3, 4].map((chunkIndex) =>
          makePoint({ clientId, documentId, version: 2, chunkIndex, vector: axisVector(chunkIndex) }),
        ),
        makePoint({ clientId, documentId: otherDocument, version: 1, chunkIndex: 0, vector: axisVector(0) }),
      ]);
      await store.activateVersion({ clientId, documentId: otherDocument, version: 1 });
      expect(await store.countDocument({ clientId, documentId })).toBe(0);
      // Activating version 1 removes version 2's points: the document answers with exactly one version.
      await store.activateVersion({ clientId, documentId, version: 1 });
      expect(await store.countDocument({ clientId, documentId })).toBe(3);
      expect(await store.countDocument({ clientId, documentId: otherDocument })).toBe(1);
      expect(await store.countDocument({ clientId, documentId: randomUUID() })).toBe(0);
    });

    it('is idempotent in ensureReady and keeps the data', async () => {
      const clientId = randomUUID();
      const documentId = randomUUID();
      await store.upsert([makePoint({ clientId, documentId, version: 1, chunkIndex: 0, vector: axisVector(0) })]);
      await store.activateVersion({ clientId, documentId, version: 1 });
      await store.ensureReady(CONTRACT_DIMENSIONS);
      expect(await store.countDocument({ clientId, documentId })).toBe(1);
    });

    it('refuses a different dimension instead of mixing embedding models', async () => {
      const error = await store.ensureReady(CONTRACT_DIMENSIONS * 2).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'vector_dimension_mismatch' });
      expect((error as AppError).message).toMatch(/re-embed/);

      const clientId = randomUUID();
      const documentId = randomUUID();
      const wide = makePoint({
        clientId,
        documentId,
        version: 1,
        chunkIndex: 0,
        vector: new Array(CONTRACT_DIMENSIONS * 2).fill(0.1),
      });
      await expect(store.upsert([wide])).rejects.toMatchObject({ code: 'vector_dimension_mismatch' });
      await expect(store.search({ clientId, vector: [1, 0, 0], limit: 1 })).rejects.toMatchObject({
        code: 'vector_dimension_mismatch',
      });
    });

    it('rejects ids that are not UUIDs', async () => {
      await expect(store.search({ clientId: 'client-a', vector: axisVector(0), limit: 1 })).rejects.toMatchObject({
        code: 'invalid_id',
      });
      await expect(store.countDocument({ clientId: randomUUID(), documentId: '42' })).rejects.toMatchObject({
        code: 'invalid_id',
      });
      await expect(store.deleteDocument({ clientId: '', documentId: randomUUID() })).rejects.toMatchObject({
        code: 'invalid_id',
      });
    });
  });
}

export function makePoint({
  clientId,
  documentId,
  version,
  chunkIndex,
  vector,
  text = `chunk ${chunkIndex} of ${documentId} v${version}`,
  page,
  filename,
}: Omit<VectorPoint, 'id' | 'text'> & { text?: string }): VectorPoint {
  return {
    id: pointId({ clientId, documentId, version, chunkIndex }),
    clientId,
    documentId,
    version,
    chunkIndex,
    vector,
    text,
    ...(page === undefined ? {} : { page }),
    ...(filename === undefined ? {} : { filename }),
  };
}

/** A unit vector along `axis`, tilted slightly by `jitter` so that many points stay distinct. */
export function axisVector(axis: number, jitter = 0, dimensions = CONTRACT_DIMENSIONS): number[] {
  return Array.from(
    { length: dimensions },
    (_, index) => (index === axis ? 1 : 0) + (jitter ? Math.sin(jitter * (index + 1)) * 0.01 : 0),
  );
}

export function cosine(left: number[], right: number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index += 1) {
    dot += left[index] * right[index];
    leftNorm += left[index] ** 2;
    rightNorm += right[index] ** 2;
  }
  return dot / Math.sqrt(leftNorm * rightNorm);
}
