import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { createLogger } from './logger';
import { AppError } from './errors';
import { createMetrics } from './metrics';
import { requestContext } from '../api/middleware/request-context';
import { errorHandler } from '../api/middleware/error-handler';
import { createTemporalLogger } from '../temporal/logger';

/** A destination that keeps what was written, as a terminal (`isTTY`) or as a pipe. */
function capture({ tty = false } = {}) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    }),
    { isTTY: tty },
  );
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

const ANSI = /\u001b\[\d+m/;

describe('log format', () => {
  it('writes one JSON object per line with LOG_FORMAT=json, and by default when stdout is not a terminal', () => {
    for (const format of ['json', 'auto'] as const) {
      const out = capture();
      createLogger({ format, destination: out.stream })
        .child({ requestId: 'req-1' })
        .info({ status: 404, code: 'not_found' }, 'request');
      const [line, ...rest] = out.lines();
      expect(rest).toEqual([]);
      expect(JSON.parse(line)).toMatchObject({ level: 30, requestId: 'req-1', code: 'not_found', msg: 'request' });
    }
  });

  it('writes colourised single lines on a terminal (auto) and with LOG_FORMAT=pretty', () => {
    for (const [format, tty] of [
      ['auto', true],
      ['pretty', false],
    ] as const) {
      const out = capture({ tty });
      createLogger({ format, destination: out.stream })
        .child({ workflowId: 'ingest-1' })
        .warn({ code: 'pdf_encrypted' }, 'Activity failed');
      const lines = out.lines();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(ANSI);
      expect(lines[0]).toContain('WARN');
      expect(lines[0]).toContain('Activity failed');
      expect(lines[0]).toContain('"workflowId":"ingest-1"');
      expect(() => JSON.parse(lines[0])).toThrow();
    }
  });
});

describe('errors in the API log', () => {
  async function requestThrough(format: 'json' | 'pretty', thrown: unknown) {
    const out = capture();
    const app = express();
    app.use(requestContext({ logger: createLogger({ format, destination: out.stream }), metrics: createMetrics() }));
    app.get('/boom', () => {
      throw thrown;
    });
    app.use(errorHandler());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`);
      await response.text();
      // The request line is written on 'finish', which may follow the response by a tick.
      for (let tries = 0; tries < 50 && !out.lines().some((line) => line.includes('request')); tries++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      return { status: response.status, requestId: response.headers.get('x-request-id')!, lines: out.lines() };
    } finally {
      server.close();
    }
  }

  it('logs a user error (4xx) as one line with its code and request id, without a stack, in both formats', async () => {
    for (const format of ['json', 'pretty'] as const) {
      const { status, requestId, lines } = await requestThrough(
        format,
        new AppError({ code: 'file_too_large', status: 413, message: 'Too large.' }),
      );
      expect(status).toBe(413);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('file_too_large');
      expect(lines[0]).toContain(requestId);
      expect(lines[0]).not.toMatch(/stack|\bat .*\(/);
    }
  });

  it('logs an unexpected error with its stack once, every line with the request id', async () => {
    const { status, requestId, lines } = await requestThrough('json', new Error('database exploded'));
    expect(status).toBe(500);
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries.filter((entry) => entry.err?.stack?.includes('database exploded'))).toHaveLength(1);
    expect(entries.every((entry) => entry.requestId === requestId)).toBe(true);
  });
});

describe('Temporal SDK logs through pino', () => {
  it('logs an unreadable document as one info line with its code, and a system failure with its stack', () => {
    const out = capture();
    const logger = createTemporalLogger(createLogger({ format: 'json', destination: out.stream }));
    const meta = { workflowId: 'ingest-42', activityType: 'prepareDocument', attempt: 1 };
    logger.warn('Activity failed', {
      ...meta,
      error: ApplicationFailure.nonRetryable('This PDF is password-protected.', 'pdf_encrypted'),
    });
    logger.warn('Activity failed', { ...meta, error: new Error('connection reset') });
    logger.info('Worker state changed', { state: 'RUNNING' });
    const [userError, systemError, ...rest] = out.lines().map((line) => JSON.parse(line));
    expect(rest).toEqual([]);
    expect(userError).toMatchObject({
      level: 30,
      msg: 'Activity failed',
      code: 'pdf_encrypted',
      workflowId: 'ingest-42',
    });
    expect(userError.err).toBeUndefined();
    expect(systemError).toMatchObject({ level: 40, workflowId: 'ingest-42' });
    expect(systemError.err.stack).toContain('connection reset');
  });
});
