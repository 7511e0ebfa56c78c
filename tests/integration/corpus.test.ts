import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import type { TestClient } from '../http';
import { corpusAvailable, corpusFiles } from '../corpus';

// Two files in bad/ are readable PDFs (a wrong stream checksum every viewer ignores; a valid file
// that once broke pdfminer): refusing them would refuse real uploads. See activities/parse/corpus.test.ts.
const READABLE_DESPITE_FOLDER = new Set([
  'pdfminer-zen_of_python_corrupted.pdf',
  'unstructured-invalid-pdf-structure-one-page.pdf',
]);
const READABLE = /^[A-Z][^\n]{15,400}$/;
const LEAKS = /Error:|\bat [\w.<>]+ \(|\.ts:\d|\/work\/|node_modules|SELECT |stack/;

describe.skipIf(!corpusAvailable)('the shared corpus through the real product', () => {
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

  it('takes every PDF, DOCX, CSV and TXT to ready, or fails it with a readable message', async () => {
    const files = ['pdf', 'docx', 'csv', 'txt'].flatMap((folder) => corpusFiles(folder));
    const outcomes: Array<[string, string, string]> = [];
    const pending: Array<[string, string]> = [];
    for (const file of files) {
      const response = await admin.upload(clientId, path.basename(file), readFileSync(file));
      expect(response.status, `${file}: ${JSON.stringify(response.data)}`).toBe(202);
      pending.push([file, response.data.document.id]);
    }
    for (const [file, documentId] of pending) {
      const document = await waitForDocument(admin, documentId, 180_000);
      outcomes.push([
        path.basename(file),
        document.status,
        document.status === 'ready' ? `${document.chunkCount} chunks` : document.error.message,
      ]);
      if (document.status === 'ready') {
        expect(document.chunkCount).toBeGreaterThan(0);
        expect(document.vectorCount).toBe(document.chunkCount);
      } else {
        expect(document.error.message, file).toMatch(READABLE);
        expect(document.error.message, file).not.toMatch(LEAKS);
      }
    }
    console.table(outcomes);
    expect(outcomes.filter(([, status]) => status === 'ready').length).toBeGreaterThan(files.length * 0.9);
  }, 600_000);

  it('refuses every hostile or broken file at upload or fails it within a minute, and stays healthy', async () => {
    const outcomes: Array<[string, string]> = [];
    for (const file of corpusFiles('bad')) {
      const started = Date.now();
      const response = await admin.upload(clientId, path.basename(file), readFileSync(file));
      // 400 `empty_file`: a 0-byte file is refused at upload, before any work.
      if (
        response.status === 413 ||
        response.status === 415 ||
        (response.status === 400 && response.data.error.code === 'empty_file')
      ) {
        expect(response.data.error.message, file).toMatch(READABLE);
        outcomes.push([path.basename(file), `refused ${response.status}: ${response.data.error.message}`]);
        continue;
      }
      expect(response.status, file).toBe(202);
      const document = await waitForDocument(admin, response.data.document.id, 60_000);
      expect(Date.now() - started, file).toBeLessThan(60_000);
      if (READABLE_DESPITE_FOLDER.has(path.basename(file))) {
        expect(document.status, file).toBe('ready');
        outcomes.push([path.basename(file), `ready: ${document.chunkCount} chunks`]);
        continue;
      }
      expect(document.status, `${file} should fail`).toBe('failed');
      expect(document.error.message, file).toMatch(READABLE);
      expect(document.error.message, file).not.toMatch(LEAKS);
      outcomes.push([path.basename(file), `failed: ${document.error.message}`]);
    }
    console.table(outcomes);
    const health = await admin.get('/health');
    expect(health.data.checks.temporal.pollers).toBeGreaterThan(0);
  }, 600_000);
});
