import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Prompts, documents and keys never go out at info level; `redact` is a second
 * wall for fields that might carry secrets.
 */
export function createLogger({ level = 'info', name = 'chatconnect' }: { level?: string; name?: string } = {}): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['apiKey', 'password', 'req.headers["x-api-key"]', 'req.headers.cookie', 'headers["x-api-key"]', 'headers.cookie', '*.password', '*.apiKey'],
      censor: '[redacted]',
    },
  });
}
