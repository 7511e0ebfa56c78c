import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../setup/stack';
import { createClientWithKey, signUpAdmin, waitForDocument } from '../../factories';

// /metrics names every tenant's client id; Temporal Web shows every tenant's workflows.
describe('operator-only surfaces', () => {
  const stacks: TestStack[] = [];
  afterAll(async () => {
    for (const stack of stacks) await stack.close();
  });

  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dashboard: 'build', env: { TEMPORAL_UI_URL: 'http://temporal-web.internal:8233' } });
    stacks.push(stack);
  });

  it("serves /metrics only on the operators' port, bound to loopback; the public port answers 404", async () => {
    const { admin } = await signUpAdmin(stack.url);
    const { client, apiKey } = await createClientWithKey(admin);
    await fetch(new URL('/chat', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ message: 'hello?' }),
    });

    for (const path of ['/metrics', '/metrics?format=text', '/METRICS']) {
      const response = await fetch(new URL(path, stack.url));
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain(client.id);
    }
    const metricsUrl = stack.metricsServer!.url;
    expect(new URL(metricsUrl).hostname).toBe('127.0.0.1');
    expect(new URL(metricsUrl).port).not.toBe(new URL(stack.url).port);
    const operators = await fetch(metricsUrl);
    expect(operators.status).toBe(200);
    expect(await operators.text()).toContain(`client_id="${client.id}"`);
    expect((await fetch(new URL('/health', metricsUrl))).status).toBe(404);
  });

  it('links tenant admins to Temporal Web only when TEMPORAL_UI_PUBLIC=true', async () => {
    const pageOf = async (target: TestStack) => {
      const { admin } = await signUpAdmin(target.url);
      const { client } = await createClientWithKey(admin);
      const upload = await admin.upload(client.id, 'notes.txt', 'Opening hours are nine to five.');
      expect(upload.status).toBe(202);
      expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
      const page = await admin.get(`/sites/${client.id}/documents`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('notes.txt');
      return page.text as string;
    };
    expect(await pageOf(stack)).not.toContain('temporal-web.internal');

    const open = await startTestStack({
      dashboard: 'build',
      env: { TEMPORAL_UI_URL: 'http://temporal-web.internal:8233', TEMPORAL_UI_PUBLIC: 'true' },
    });
    stacks.push(open);
    expect(await pageOf(open)).toContain('http://temporal-web.internal:8233/namespaces/');
  });
});
