import { afterEach, beforeEach, expect, vi } from 'vitest';

/**
 * Setup file of every test project: a `console.error` nobody expected fails the test that caused
 * it (React warnings, unhandled library errors, our own error logs reaching the console). A test
 * that provokes one on purpose says so with `expectConsoleError()` from tests/console.ts.
 */
const unexpected: unknown[][] = [];
let allowed = false;

beforeEach(() => {
  unexpected.length = 0;
  allowed = false;
  const original = console.error.bind(console);
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (!allowed) unexpected.push(args);
    original(...args);
  });
});

afterEach(() => {
  vi.mocked(console.error).mockRestore?.();
  const messages = unexpected.map((args) =>
    args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '),
  );
  unexpected.length = 0;
  expect(messages, 'unexpected console.error during the test').toEqual([]);
});

/** Lets the current test write to console.error (it asserts on that output itself). */
export function allowConsoleErrorInThisTest(): void {
  allowed = true;
}
