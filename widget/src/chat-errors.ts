import { ChatRequestError } from './stream';

/** Visitor-facing text: plain words about what happened and what to do, never internals. */
export function describeChatError(error: unknown): string {
  if (!(error instanceof ChatRequestError)) return 'Something went wrong. Please try again.';
  switch (error.kind) {
    case 'rate_limited': {
      const seconds = error.retryAfterSeconds;
      if (seconds === null) return 'Too many messages, try again in a moment.';
      const wait = Math.max(1, seconds);
      return `Too many messages, try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`;
    }
    case 'offline':
      return 'You appear to be offline. Check your connection and try again.';
    case 'network':
      return 'We could not reach the chat service. Check your connection and try again.';
    case 'interrupted':
      return 'The connection was interrupted before the answer finished. Please try again.';
    case 'invalid_input':
      return error.serverMessage || 'That message could not be sent. Messages can be up to 2000 characters.';
    case 'unauthorized':
    case 'forbidden':
      return 'Chat is not available on this site right now.';
    case 'server':
    default:
      return 'Something went wrong on our side. Please try again in a moment.';
  }
}

/** Text for an `event: error` received mid-stream: the server's sentence is written for people. */
export function describeStreamError(message: string): string {
  return message.trim() || 'Something went wrong while answering. Please try again.';
}
