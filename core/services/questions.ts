import { z } from 'zod';

/**
 * Normalised wording of a visitor question, for grouping and exact matching: Unicode NFKC,
 * lower case, punctuation and symbols dropped, runs of white space made one space, trimmed.
 * "What are your HOURS?!" and "what are your hours" are the same question.
 */
export function normaliseQuestion(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The contract's visitor session id: 1–128 letters, digits and `._:-`. */
export const sessionIdSchema = z
  .string({ required_error: 'Send the sessionId of the conversation.', invalid_type_error: 'sessionId must be text.' })
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'sessionId must be 1-128 letters, digits or . _ : -');

/** Validates `?days=` style windows: an integer 1–366, `fallback` when absent or unreadable. */
export function dayWindow(value: unknown, fallback = 30): number {
  const parsed =
    typeof value === 'string' ? Number.parseInt(value, 10) : typeof value === 'number' ? value : Number.NaN;
  return Number.isFinite(parsed) ? Math.min(Math.max(Math.trunc(parsed), 1), 366) : fallback;
}
