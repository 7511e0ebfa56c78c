import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger };

/** `auto`: colourised single lines when the destination is a terminal, JSON lines otherwise. */
export type LogFormat = 'auto' | 'pretty' | 'json';

/**
 * Structured logs. Prompts, documents and keys never go out at info level; `redact` is a second
 * wall for fields that might carry secrets.
 *
 * `format` (config `LOG_FORMAT`): `json` writes one JSON object per line (for log shippers);
 * `pretty` writes one colourised line per entry through pino-pretty (in this thread, no worker);
 * `auto` picks pretty when `destination` (default stdout) is a TTY. Errors logged as `err` keep
 * their stack (pino's serializer); expected failures are logged as `{code}` without `err`.
 */
export function createLogger({
  level = 'info',
  name = 'chatconnect',
  format = 'auto',
  destination,
}: {
  level?: string;
  name?: string;
  format?: LogFormat;
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
} = {}): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: [
        'apiKey',
        'password',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        'headers["x-api-key"]',
        'headers.cookie',
        '*.password',
        '*.apiKey',
      ],
      censor: '[redacted]',
    },
  };
  const target = destination ?? process.stdout;
  const pretty = format === 'pretty' || (format === 'auto' && target.isTTY === true);
  if (!pretty) return destination ? pino(options, destination as DestinationStream) : pino(options);
  return pino(
    options,
    pinoPretty({
      destination: target,
      sync: true,
      colorize: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      // The error's stack on its own lines, once; everything else stays on the entry's line.
      errorLikeObjectKeys: ['err', 'error'],
    }),
  );
}
