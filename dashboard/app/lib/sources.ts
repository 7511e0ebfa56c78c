/** A chat answer's source as the chat path logs it; fields are read defensively since logs outlive code. */
export interface SourceLabel {
  key: string;
  filename: string;
  page: number | null;
  snippet: string | null;
}

export function sourceLabels(sources: unknown[]): SourceLabel[] {
  const labels: SourceLabel[] = [];
  const seen = new Set<string>();
  for (const source of Array.isArray(sources) ? sources : []) {
    if (!source || typeof source !== 'object') continue;
    const record = source as Record<string, unknown>;
    const filename = typeof record.filename === 'string' && record.filename ? record.filename : 'Unknown document';
    const page = typeof record.page === 'number' && Number.isFinite(record.page) ? record.page : null;
    const key = `${filename}#${page ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    labels.push({ key, filename, page, snippet: typeof record.snippet === 'string' ? record.snippet : null });
  }
  return labels;
}
