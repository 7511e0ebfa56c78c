import { AppError } from '../../errors';

/**
 * Failures a website visitor may see. Messages are fixed sentences: the provider's error body can
 * carry URLs, organisation ids or account details, so it only travels in `cause` (for logs).
 * Statuses are 5xx because the fault is upstream of us, never the visitor's; 429 stays reserved
 * for the visitor's own rate limit.
 */
export interface UpstreamFailureDetails {
  provider: string;
  upstreamStatus?: number;
  /** The provider's machine-readable error type, e.g. `rate_limit_error`; never its message. */
  upstreamType?: string;
  requestId?: string;
  retryAfterSeconds?: number;
}

function compact(details: UpstreamFailureDetails): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}

export function llmRateLimited(details: UpstreamFailureDetails, cause?: unknown): AppError {
  return new AppError({
    code: 'llm_rate_limited',
    status: 503,
    retryable: true,
    message: 'The assistant is busy right now. Please try again in a moment.',
    details: compact(details),
    cause,
  });
}

export function llmUnavailable(details: UpstreamFailureDetails, cause?: unknown, { retryable = true } = {}): AppError {
  return new AppError({
    code: 'llm_unavailable',
    status: 502,
    retryable,
    message: 'The assistant is unavailable right now. Please try again in a moment.',
    details: compact(details),
    cause,
  });
}

export function llmTimeout(details: UpstreamFailureDetails, cause?: unknown): AppError {
  return new AppError({
    code: 'llm_timeout',
    status: 504,
    retryable: true,
    message: 'The assistant took too long to answer. Please try again.',
    details: compact(details),
    cause,
  });
}

export function llmAuthFailed(details: UpstreamFailureDetails, cause?: unknown): AppError {
  return new AppError({
    code: 'llm_auth_failed',
    status: 502,
    retryable: false,
    message: 'The assistant is not available right now. Please try again later.',
    details: compact(details),
    cause,
  });
}

/** Seconds from a `retry-after` header (seconds or an HTTP date); undefined when absent or unusable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * One upstream call's cancellation: the caller's signal (a visitor who left) and an inactivity
 * deadline share one AbortSignal handed to the SDK. The deadline restarts whenever the upstream
 * sends something, so it bounds both the wait for the first byte and a stream that stalls
 * halfway; it is paused while the consumer holds a token, so a slow reader is not blamed on the
 * provider.
 */
export interface UpstreamCall {
  readonly signal: AbortSignal;
  /** The upstream just sent something: restart the inactivity deadline. */
  heard(): void;
  /** The consumer is busy with what we yielded: stop counting until `heard` is called again. */
  pause(): void;
  callerAborted(): boolean;
  timedOut(): boolean;
  /** Stop timers, detach from the caller's signal and abort whatever is still in flight. */
  end(): void;
}

export function startUpstreamCall({
  callerSignal,
  inactivityTimeoutMs,
}: {
  callerSignal?: AbortSignal;
  inactivityTimeoutMs: number;
}): UpstreamCall {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;

  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  if (callerSignal?.aborted) controller.abort(callerSignal.reason);

  const stopTimer = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const heard = () => {
    stopTimer();
    if (controller.signal.aborted) return;
    timer = setTimeout(() => {
      if (controller.signal.aborted) return;
      timedOut = true;
      controller.abort(new Error(`no response from the model provider for ${inactivityTimeoutMs} ms`));
    }, inactivityTimeoutMs);
  };
  heard();

  return {
    signal: controller.signal,
    heard,
    pause: stopTimer,
    callerAborted: () => callerSignal?.aborted === true,
    timedOut: () => timedOut,
    end() {
      stopTimer();
      callerSignal?.removeEventListener('abort', onCallerAbort);
      if (!controller.signal.aborted) controller.abort();
    },
  };
}
