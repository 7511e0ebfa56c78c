import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../../core/errors';

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details ? { code, message, details } : { code, message } };
}

/** One sentence per issue; the field name goes in front only when the message does not already say it. */
export function zodMessage(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.');
      if (!field) return issue.message;
      const mentions = issue.message.toLowerCase().includes(String(issue.path[issue.path.length - 1]).toLowerCase());
      return mentions ? issue.message : `${field}: ${issue.message}`;
    })
    .join(' ');
}

// 5xx AppErrors whose messages were written for visitors and admins; other 5xx messages are
// operator-facing (they may name hosts or queries) and are replaced by a generic sentence.
const PUBLIC_5XX_CODES = /^(llm_|embedding_)|^workflows_unavailable$/;

export function publicError(error: AppError, requestId?: string): { code: string; message: string } {
  if (error.status < 500 || PUBLIC_5XX_CODES.test(error.code)) return { code: error.code, message: error.message };
  return {
    code: error.code,
    message: `A service we depend on is not answering right now. Please try again in a moment.${requestId ? ` Reference: ${requestId}` : ''}`,
  };
}

/** The one place errors become responses: AppError as is, zod as 400, anything else a 500 with the request id and no details. */
export function errorHandler() {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    // The request's log line (request-context) carries the code; only unexpected errors log their stack here.
    const reply = (status: number, body: ReturnType<typeof errorBody>) => {
      res.locals.errorCode = body.error.code;
      res.status(status).json(body);
    };
    if (res.headersSent) {
      req.log?.error({ err: error }, 'error after response started');
      res.end();
      return;
    }
    if (error instanceof AppError) {
      if (error.status >= 500) req.log?.error({ err: error }, error.message);
      const { code, message } = publicError(error, req.id);
      reply(error.status, errorBody(code, message, error.status < 500 ? error.details : undefined));
      return;
    }
    if (error instanceof ZodError) {
      reply(
        400,
        errorBody(
          'invalid_input',
          zodMessage(error),
          error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        ),
      );
      return;
    }
    const status =
      (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    const type = (error as { type?: string }).type;
    if (status === 413 || type === 'entity.too.large') {
      reply(413, errorBody('payload_too_large', 'The request body is too large.'));
      return;
    }
    if (status === 400 && (type === 'entity.parse.failed' || error instanceof SyntaxError)) {
      reply(400, errorBody('invalid_json', 'The request body is not valid JSON.'));
      return;
    }
    if (status && status >= 400 && status < 500) {
      reply(status, errorBody('bad_request', 'The request could not be understood.'));
      return;
    }
    req.log?.error({ err: error }, 'unhandled error');
    reply(500, errorBody('internal_error', `Something went wrong on our side. Reference: ${req.id}`));
  };
}
