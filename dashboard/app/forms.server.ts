import { ZodError } from 'zod';
import { isAppError } from '../../core/errors';

/** What an action sends back to its form: one message per field, and one for the form as a whole. */
export interface FormErrors {
  fieldErrors: Record<string, string>;
  formError: string | null;
}

/** The first message for each top-level field, so a field shows exactly the service schema's words. */
export function fieldErrorsFromZod(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    fields[key] = fields[key] ? `${fields[key]} ${issue.message}` : issue.message;
  }
  return fields;
}

/**
 * Expected failures (bad input, a taken email, a missing document) become data the form shows;
 * anything else is rethrown for the error boundary. They are sent with status 200 on purpose: the
 * browser logs every 4xx answer to a fetch as a console error, and here nothing went wrong that a
 * developer should see, the person just needs to correct the form. `ok: false` carries the outcome.
 */
export function formFailure<Extra extends object = Record<never, never>>(error: unknown, extra: Extra = {} as Extra) {
  if (error instanceof ZodError) {
    const fieldErrors = fieldErrorsFromZod(error);
    const formError = fieldErrors._form ?? 'Some fields need attention.';
    delete fieldErrors._form;
    return { ok: false as const, fieldErrors, formError, ...extra };
  }
  // AppError messages are written for people (a 503 says to try again in a minute), so they are shown as they are.
  if (isAppError(error)) {
    return { ok: false as const, fieldErrors: {} as Record<string, string>, formError: error.message, ...extra };
  }
  throw error;
}

export const textField = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === 'string' ? value : '';
};

/** A textarea with one entry per line: blank lines are ignored. */
export const linesField = (formData: FormData, name: string) =>
  textField(formData, name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
