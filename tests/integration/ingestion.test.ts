import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docxXml, makeDocx, makePdf } from '../../activities/parse/test-fixtures';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import type { TestClient } from '../http';
import { PROJECT_TEMPORAL_CLI } from '../../temporal/dev-server';

// Async on purpose: the worker runs in this process and must stay free to answer the query.
const run = async (args: string[]) =>
  (await promisify(execFile)(PROJECT_TEMPORAL_CLI, args, { encoding: 'utf8' })).stdout;

const FACTS_TXT = [
  '# Returns',
  'Orders can be returned within 45 days of delivery. Refunds go back to the original payment method within 5 business days.',
  '',
  '# Shipping',
  'Standard shipping to Norway takes 6 to 8 working days. Express shipping costs 19 euros.',
].join('\n');

const docxWithTable = () =>
  makeDocx({
    body:
      docxXml.paragraph('Opening hours of the Oslo store') +
      docxXml.table([
        ['Day', 'Hours'],
        ['Saturday', '10:00 to 16:00'],
        ['Sunday', 'closed'],
      ]),
  });

describe('document ingestion (PostgreSQL + Redis + Qdrant wire protocol + Temporal)', () => {
  let stack: TestStack;
  let admin: TestClient;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack({ database: 'postgres' });
    ({ admin } = await signUpAdmin(stack.url));
    ({
      client: { id: clientId },
    } = await createClientWithKey(admin));
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('takes a TXT, a DOCX with a table, a CSV and a PDF to ready, with one vector per chunk', async () => {
    const files: Array<[string, Uint8Array | string]> = [
      ['policies.txt', FACTS_TXT],
      ['hours.docx', await docxWithTable()],
      ['prices.csv', 'product;price;colour\nRain jacket;129 EUR;yellow\nWool hat;25 EUR;grey\n'],
      ['hello.pdf', makePdf([['The warranty on all bicycles lasts three years.']])],
    ];
    const uploaded = [];
    for (const [name, bytes] of files) {
      const response = await admin.upload(clientId, name, bytes);
      expect(response.status, JSON.stringify(response.data)).toBe(202);
      expect(response.data.document).toMatchObject({
        clientId,
        filename: name,
        status: 'queued',
        workflowId: `ingest-${response.data.document.id}`,
      });
      uploaded.push(response.data.document);
    }
    for (const document of uploaded) {
      const done = await waitForDocument(admin, document.id);
      expect(done.status, JSON.stringify(done.error)).toBe('ready');
      expect(done.progress).toMatchObject({ stage: 'done', percent: 100 });
      expect(done.chunkCount).toBeGreaterThan(0);
      expect(done.vectorCount).toBe(done.chunkCount);
    }
    const list = await admin.get(`/api/dashboard/documents?clientId=${clientId}`);
    expect(list.data.documents).toHaveLength(4);
    expect(list.data.documents.map((d: { fileType: string }) => d.fileType).sort()).toEqual([
      'csv',
      'docx',
      'pdf',
      'txt',
    ]);
  });

  it('refuses wrong types (415) and oversized files (413) with a readable message', async () => {
    const html = await admin.upload(clientId, 'report.pdf', '<!doctype html><html><body>hi</body></html>');
    expect(html.status).toBe(415);
    expect(html.data.error.message).toMatch(/PDF/);
    const zip = await admin.upload(
      clientId,
      'data.csv',
      new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 0, 0, 0, 0]),
    );
    expect(zip.status).toBe(415);
    const big = await admin.upload(clientId, 'big.txt', 'a'.repeat(stack.config.MAX_FILE_SIZE + 10));
    expect(big.status).toBe(413);
    expect(big.data.error.code).toBe('file_too_large');
    const documents = (await admin.get(`/api/dashboard/documents?clientId=${clientId}`)).data.documents;
    expect(
      documents.some((d: { filename: string }) => ['report.pdf', 'data.csv', 'big.txt'].includes(d.filename)),
    ).toBe(false);
  });

  it('fails an empty file quickly, non-retryably, with a message an admin can act on', async () => {
    const response = await admin.upload(clientId, 'empty.txt', '   \n  ');
    expect(response.status).toBe(202);
    const done = await waitForDocument(admin, response.data.document.id, 60_000);
    expect(done.status).toBe('failed');
    expect(done.error.message.length).toBeGreaterThan(10);
    expect(done.error.message).not.toMatch(/Error:|at \w+ \(|\.ts:/);
  });

  it('lets operators find ingestions by ClientId and query progress with the temporal CLI', async () => {
    const response = await admin.upload(clientId, 'ops.txt', 'Operators can query this document.');
    const document = await waitForDocument(admin, response.data.document.id);
    const list = await run([
      'workflow',
      'list',
      '--address',
      stack.temporalAddress,
      '--query',
      `ClientId='${clientId}'`,
      '--output',
      'json',
    ]);
    expect(list).toContain(`ingest-${document.id}`);
    const query = await run([
      'workflow',
      'query',
      '--address',
      stack.temporalAddress,
      '--workflow-id',
      `ingest-${document.id}`,
      '--type',
      'progress',
      '--output',
      'json',
    ]);
    expect(query).toContain('"stage": "done"');
  });

  it('re-ingests as a new version, and delete removes the document from retrieval and the vector store', async () => {
    const response = await admin.upload(clientId, 'versions.txt', 'The museum opens at nine in the morning.');
    const first = await waitForDocument(admin, response.data.document.id);
    const again = await admin.post(`/api/dashboard/documents/${first.id}/reingest`);
    expect(again.status).toBe(202);
    const second = await waitForDocument(admin, first.id);
    expect(second.status).toBe('ready');
    expect(second.version).toBe(first.version + 1);
    expect(second.vectorCount).toBe(second.chunkCount);
    expect((await admin.delete(`/api/dashboard/documents/${first.id}`)).status).toBe(204);
    expect((await admin.get(`/api/dashboard/documents/${first.id}`)).status).toBe(404);
    expect(await stack.container.vectorStore.countDocument({ clientId, documentId: first.id })).toBe(0);
  });

  it('shows another tenant 404 for the document and an empty list', async () => {
    const response = await admin.upload(clientId, 'secret.txt', 'Tenant A secret: the vault code is 4711.');
    const { admin: other } = await signUpAdmin(stack.url, 'Eve');
    const { client: otherClient } = await createClientWithKey(other);
    expect((await other.get(`/api/dashboard/documents/${response.data.document.id}`)).status).toBe(404);
    expect((await other.delete(`/api/dashboard/documents/${response.data.document.id}`)).status).toBe(404);
    expect((await other.get(`/api/dashboard/documents?clientId=${otherClient.id}`)).data.documents).toEqual([]);
    expect((await other.upload(clientId, 'x.txt', 'intrusion')).status).toBe(404);
  });
});
