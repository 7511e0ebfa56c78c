import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeResults } from './results';

describe('mergeResults', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('keeps sections it did not run and replaces the ones it did', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-results-'));
    dirs.push(dir);
    const file = path.join(dir, 'nested', 'latest.json');
    mergeResults(
      file,
      { widget: { finishedAt: 'a', durationSeconds: 1, data: { loader: 1 } } },
      new Date('2025-01-01T00:00:00Z'),
    );
    const merged = mergeResults(
      file,
      { ttft: { finishedAt: 'b', durationSeconds: 2, data: { p50: 3 } } },
      new Date('2025-01-02T00:00:00Z'),
    );
    expect(Object.keys(merged.sections).sort()).toEqual(['ttft', 'widget']);
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk.updatedAt).toBe('2025-01-02T00:00:00.000Z');
    expect(onDisk.sections.widget.data).toEqual({ loader: 1 });
    expect(onDisk.machine.cpus).toBeGreaterThan(0);
  });

  it('starts afresh over a damaged file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-results-'));
    dirs.push(dir);
    const file = path.join(dir, 'latest.json');
    writeFileSync(file, '{not json');
    expect(
      Object.keys(mergeResults(file, { widget: { finishedAt: 'a', durationSeconds: 1, data: null } }).sections),
    ).toEqual(['widget']);
  });
});
