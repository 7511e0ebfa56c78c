import { randomUUID } from 'node:crypto';
import { TestClient } from '../../tests/http';
import { withTimeout } from './timeout';

/** Any one dashboard call; a product that stops answering fails the section instead of hanging it. */
const CALL_TIMEOUT_MS = 60_000;

/**
 * The dashboard calls an admin makes, through the public HTTP API. Unlike tests/factories.ts it
 * does not depend on vitest, so the benchmark runs under plain tsx.
 */
export interface BenchSite {
  admin: TestClient;
  clientId: string;
  apiKey: string;
}

export interface DocumentState {
  id: string;
  filename: string;
  status: string;
  chunkCount: number;
  pageCount: number | null;
  error?: { code?: string; message?: string } | null;
}

function fail(what: string, response: { status: number; text: string }): never {
  throw new Error(`${what} answered ${response.status}: ${response.text.slice(0, 300)}`);
}

export async function signUp(baseUrl: string): Promise<TestClient> {
  const admin = new TestClient(baseUrl);
  const response = await withTimeout(
    admin.post('/api/auth/register', {
      email: `bench-${randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery staple',
      name: 'Bench Admin',
    }),
    CALL_TIMEOUT_MS,
    'sign-up',
  );
  if (response.status !== 201) fail('sign-up', response);
  return admin;
}

export async function createSite(
  admin: TestClient,
  {
    name = 'Bench site',
    tier = 'free',
    llmProvider,
  }: { name?: string; tier?: 'free' | 'paid'; llmProvider?: 'local' | 'openai' | 'anthropic' } = {},
): Promise<BenchSite> {
  const response = await withTimeout(
    admin.post('/api/dashboard/clients', {
      name,
      tier,
      allowedDomains: ['bench.example.com'],
      ...(llmProvider ? { llmProvider } : {}),
    }),
    CALL_TIMEOUT_MS,
    'creating a site',
  );
  if (response.status !== 201) fail('creating a site', response);
  return { admin, clientId: response.data.client.id, apiKey: response.data.apiKey };
}

/** Uploads one file; a refusal (4xx) is returned, not thrown, so callers can report it. */
export async function uploadDocument(
  site: BenchSite,
  filename: string,
  bytes: Uint8Array | string,
): Promise<{ ok: true; id: string } | { ok: false; status: number; message: string }> {
  const response = await withTimeout(
    site.admin.upload(site.clientId, filename, bytes),
    CALL_TIMEOUT_MS,
    `uploading ${filename}`,
  );
  if (response.status === 202) return { ok: true, id: response.data.document.id };
  return { ok: false, status: response.status, message: response.data?.error?.message ?? response.text.slice(0, 200) };
}

export async function getDocument(site: BenchSite, documentId: string): Promise<DocumentState> {
  const response = await withTimeout(
    site.admin.get(`/api/dashboard/documents/${documentId}`),
    CALL_TIMEOUT_MS,
    `reading document ${documentId}`,
  );
  if (response.status !== 200) fail(`reading document ${documentId}`, response);
  return response.data.document as DocumentState;
}

/**
 * Polls the site's document list (one cheap query, unlike the per-document view that also asks
 * the workflow for live progress) until every document is ready or failed. `settledAt` is the
 * performance.now() of the poll that first saw it settled, so it is late by at most `pollMs`.
 */
export async function waitForDocuments(
  site: BenchSite,
  documentIds: string[],
  {
    timeoutMs = 300_000,
    pollMs = 100,
    onPollError,
  }: { timeoutMs?: number; pollMs?: number; onPollError?: (message: string) => void } = {},
): Promise<Map<string, DocumentState & { settledAt: number }>> {
  const settled = new Map<string, DocumentState & { settledAt: number }>();
  const pollErrors: string[] = [];
  const wanted = new Set(documentIds);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await withTimeout(
      site.admin.get(`/api/dashboard/documents?clientId=${site.clientId}`),
      CALL_TIMEOUT_MS,
      'listing documents',
    );
    // A 5xx while polling is the product's failure to report, not a reason to stop waiting.
    if (response.status >= 500) {
      pollErrors.push(`${response.status}: ${response.text.slice(0, 200)}`);
      onPollError?.(pollErrors.at(-1)!);
      if (pollErrors.length > 20) fail('listing documents (20 times)', response);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      continue;
    }
    if (response.status !== 200) fail('listing documents', response);
    const now = performance.now();
    for (const document of response.data.documents as DocumentState[]) {
      if (!wanted.has(document.id) || settled.has(document.id)) continue;
      if (document.status === 'ready' || document.status === 'failed')
        settled.set(document.id, { ...document, settledAt: now });
    }
    if (settled.size === wanted.size) return settled;
    if (Date.now() > deadline) {
      const pending = documentIds.filter((id) => !settled.has(id));
      throw new Error(
        `${pending.length} document(s) still not settled after ${timeoutMs / 1000}s: ${pending.slice(0, 5).join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
