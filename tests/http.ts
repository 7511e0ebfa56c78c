/** A tiny cookie-keeping HTTP client for tests: what a browser or an admin's script does. */
export class TestClient {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    { json, body, headers = {} }: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ) {
    const allHeaders: Record<string, string> = { ...headers };
    if (this.cookies.size) allHeaders.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (json !== undefined) allHeaders['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: allHeaders,
      body: json !== undefined ? JSON.stringify(json) : body,
      redirect: 'manual',
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      if (value) this.cookies.set(name.trim(), value);
      else this.cookies.delete(name.trim());
    }
    const text = await response.text();
    let data: any = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    return { status: response.status, headers: response.headers, data, text };
  }

  get = (path: string, options?: Parameters<TestClient['request']>[2]) => this.request('GET', path, options);
  post = (path: string, json?: unknown, options?: Parameters<TestClient['request']>[2]) =>
    this.request('POST', path, { ...options, json });
  patch = (path: string, json?: unknown) => this.request('PATCH', path, { json });
  put = (path: string, json?: unknown) => this.request('PUT', path, { json });
  delete = (path: string) => this.request('DELETE', path);

  async upload(clientId: string, filename: string, bytes: Uint8Array | string) {
    const form = new FormData();
    form.set('clientId', clientId);
    form.set(
      'file',
      new Blob([(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes) as BlobPart]),
      filename,
    );
    return this.request('POST', '/api/dashboard/documents/upload', { body: form });
  }
}
