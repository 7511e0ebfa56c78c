import { EN, formatString, type UiStrings } from './i18n/en';
import { ChatRequestError } from './stream';

/** Visitor-facing text in the widget's language: plain words about what happened and what to do, never internals. */
export function describeChatError(error: unknown, strings: UiStrings = EN): string {
  if (!(error instanceof ChatRequestError)) return strings.errorGeneric;
  switch (error.kind) {
    case 'rate_limited': {
      const seconds = error.retryAfterSeconds;
      if (seconds === null) return strings.errorRateLimited;
      const wait = Math.max(1, seconds);
      return wait === 1
        ? strings.errorRateLimitedOneSecond
        : formatString(strings.errorRateLimitedSeconds, { n: wait });
    }
    case 'offline':
      return strings.errorOffline;
    case 'network':
      return strings.errorNetwork;
    case 'interrupted':
      return strings.errorInterrupted;
    case 'invalid_input':
      return error.serverMessage || strings.errorInvalid;
    case 'unauthorized':
    case 'forbidden':
      return strings.errorUnavailable;
    case 'server':
    default:
      return strings.errorServer;
  }
}

/** Text for an `event: error` received mid-stream: the server's sentence is written for people. */
export function describeStreamError(message: string, strings: UiStrings = EN): string {
  return message.trim() || strings.errorStream;
}
