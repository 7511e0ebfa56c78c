import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInflationBombPdf, makePdf } from '../../activities/parse/test-fixtures';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../factories';
import type { TestClient } from '../http';
import { startTestStack, type TestStack } from '../setup/stack';

const MB = 1024 * 1024;

// Security findings #11.1 (PDF decompression bomb) and #11.7 (HTML named .txt), replayed through HTTP.
describe('hostile uploads (API + Temporal worker in this process)', () => {
  let stack: TestStack;
  let admin: TestClient;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack({ database: 'postgres' });
    ({ admin } = await signUpAdmin(stack.url));
    ({
      client: { id: clientId },
    } = await createClientWithKey(admin));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses HTML and SVG named .txt or .csv with 415 and the accepted formats, and ingests none of them', async () => {
    const uploads: Array<[string, string]> = [
      [
        'notes.txt',
        '<!doctype html><html><head><title>x</title></head><body><p>Prices</p><script>steal()</script></body></html>',
      ],
      ['prices.csv', '<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>'],
      [
        'snippet.txt',
        Array.from({ length: 15 }, (_, index) => `<div><a href="/p/${index}">Product ${index}</a></div>`).join('\n'),
      ],
      ['logo.txt', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><text>Hi</text></svg>'],
    ];
    for (const [name, body] of uploads) {
      const response = await admin.upload(clientId, name, body);
      expect(response.status, name).toBe(415);
      expect(response.data.error.code, name).toBe('unsupported_file_type');
      expect(response.data.error.message, name).toMatch(
        /^This file is an? (HTML web page|SVG image), not a (plain text|CSV) file/,
      );
      expect(response.data.error.message, name).toContain(
        'Supported formats are PDF, Word (.docx), plain text (.txt, .md) and CSV.',
      );
    }
    const documents = (await admin.get(`/api/dashboard/documents?clientId=${clientId}`)).data.documents;
    expect(
      documents.filter((document: { filename: string }) => uploads.some(([name]) => name === document.filename)),
    ).toEqual([]);
  });

  it('fails a 1 MB PDF that inflates to 1 GB as pdf_too_complex, within +512 MB, while other documents are read', async () => {
    const bomb = await makeInflationBombPdf(1024);
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    try {
      const bombs = [];
      for (const name of ['bomb-1.pdf', 'bomb-2.pdf']) {
        const response = await admin.upload(clientId, name, bomb);
        expect(response.status, JSON.stringify(response.data)).toBe(202);
        bombs.push(response.data.document.id as string);
      }
      const honest = await admin.upload(
        clientId,
        'honest.pdf',
        makePdf([['The museum opens at nine in the morning.']]),
      );
      expect(honest.status).toBe(202);

      for (const id of bombs) {
        const done = await waitForDocument(admin, id, 180_000);
        expect(done.status).toBe('failed');
        expect(done.error.code).toBe('pdf_too_complex');
        expect(done.error.message).toMatch(/^This PDF is too complex to read/);
      }
      const read = await waitForDocument(admin, honest.data.document.id, 180_000);
      expect(read.status, JSON.stringify(read.error)).toBe('ready');
    } finally {
      clearInterval(sampler);
    }
    expect((peak - baseline) / MB).toBeLessThan(512);
  }, 400_000);
});
