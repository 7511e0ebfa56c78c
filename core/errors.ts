/**
 * One error type for everything a caller may see. `code` is snake_case and stable,
 * `message` is a sentence a person can act on; `status` is the HTTP status the edge uses.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;

  constructor({
    code,
    status = 400,
    message,
    retryable = false,
    details,
    cause,
  }: {
    code: string;
    status?: number;
    message: string;
    retryable?: boolean;
    details?: Record<string, unknown>;
    cause?: unknown;
  }) {
    super(message, { cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.retryable = retryable;
    this.details = details;
  }
}

export const notFound = (what = 'resource') =>
  new AppError({ code: 'not_found', status: 404, message: `The ${what} was not found.` });

/**
 * A document that cannot be read. Raised by parsers; the ingestion workflow turns it into a
 * non-retryable failure whose message is shown to the tenant admin as-is.
 */
export class DocumentParseError extends AppError {
  constructor({ code, message, cause }: { code: string; message: string; cause?: unknown }) {
    super({ code, status: 422, message, cause });
    this.name = 'DocumentParseError';
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
