import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  llmAuthFailed,
  llmRateLimited,
  llmTimeout,
  llmUnavailable,
  parseRetryAfter,
  startUpstreamCall,
} from './upstream-call';

afterEach(() => {
  vi.useRealTimers();
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores junk', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter('1.2')).toBe(2);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('visitor-facing errors', () => {
  it('carry stable codes, fitting statuses and only the details they were given', () => {
    const cases = [
      [llmRateLimited({ provider: 'openai', retryAfterSeconds: 3 }), 'llm_rate_limited', 503, true],
      [llmUnavailable({ provider: 'openai' }), 'llm_unavailable', 502, true],
      [
        llmUnavailable({ provider: 'openai', upstreamStatus: 400 }, undefined, { retryable: false }),
        'llm_unavailable',
        502,
        false,
      ],
      [llmTimeout({ provider: 'anthropic' }), 'llm_timeout', 504, true],
      [llmAuthFailed({ provider: 'anthropic', upstreamStatus: 401 }), 'llm_auth_failed', 502, false],
    ] as const;
    for (const [error, code, status, retryable] of cases) {
      expect({ code: error.code, status: error.status, retryable: error.retryable }).toEqual({
        code,
        status,
        retryable,
      });
      expect(error.message).toMatch(/^The assistant .+\.$/);
      expect(Object.values(error.details ?? {})).not.toContain(undefined);
    }
  });
});

describe('startUpstreamCall', () => {
  it('aborts after a silence longer than the timeout and says it timed out', () => {
    vi.useFakeTimers();
    const call = startUpstreamCall({ inactivityTimeoutMs: 1000 });

    vi.advanceTimersByTime(999);
    expect(call.signal.aborted).toBe(false);
    call.heard();
    vi.advanceTimersByTime(999);
    expect(call.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(call.signal.aborted).toBe(true);
    expect(call.timedOut()).toBe(true);
    expect(call.callerAborted()).toBe(false);
  });

  it('does not count time the consumer spends holding a token', () => {
    vi.useFakeTimers();
    const call = startUpstreamCall({ inactivityTimeoutMs: 1000 });

    call.pause();
    vi.advanceTimersByTime(5000);
    expect(call.signal.aborted).toBe(false);
    call.heard();
    vi.advanceTimersByTime(1000);
    expect(call.timedOut()).toBe(true);
  });

  it('follows the caller’s signal and reports it as the caller’s abort, not a timeout', () => {
    vi.useFakeTimers();
    const visitor = new AbortController();
    const call = startUpstreamCall({ callerSignal: visitor.signal, inactivityTimeoutMs: 1000 });

    visitor.abort();
    vi.advanceTimersByTime(5000);

    expect(call.signal.aborted).toBe(true);
    expect(call.callerAborted()).toBe(true);
    expect(call.timedOut()).toBe(false);
  });

  it('lets go of the caller’s signal and aborts leftovers when it ends', () => {
    const visitor = new AbortController();
    const removeListener = vi.spyOn(visitor.signal, 'removeEventListener');
    const call = startUpstreamCall({ callerSignal: visitor.signal, inactivityTimeoutMs: 1000 });

    call.end();

    expect(call.signal.aborted).toBe(true);
    expect(removeListener).toHaveBeenCalledWith('abort', expect.any(Function));
    expect(call.callerAborted()).toBe(false);
  });
});
