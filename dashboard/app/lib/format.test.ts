import { describe, expect, it } from 'vitest';
import { formatBytes, formatCost, formatDay, formatRelative, formatUtcDateTime } from './format';

describe('format', () => {
  it('prints sizes people read at a glance', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
  });

  it('prints small costs with enough digits to be non-zero', () => {
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.00042)).toBe('$0.0004');
    expect(formatCost(1.5)).toBe('$1.50');
  });

  it('prints UTC dates the same on every machine (no hydration mismatch)', () => {
    expect(formatDay('2025-03-09')).toBe('Mar 9');
    expect(formatUtcDateTime('2025-03-09T23:30:00.000Z')).toBe('Mar 9, 2025, 23:30 UTC');
  });

  it('says how long ago something happened', () => {
    const now = Date.parse('2025-03-09T12:00:00.000Z');
    expect(formatRelative('2025-03-09T11:59:50.000Z', now)).toBe('just now');
    expect(formatRelative('2025-03-09T11:30:00.000Z', now)).toBe('30 min ago');
    expect(formatRelative('2025-03-08T12:00:00.000Z', now)).toBe('1 d ago');
  });
});
