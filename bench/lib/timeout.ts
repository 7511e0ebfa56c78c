export class BenchTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${(ms / 1000).toFixed(0)} s`);
    this.name = 'BenchTimeoutError';
  }
}

/**
 * A product that hangs must fail the section with a message, never hang the benchmark. The
 * abandoned promise is left to settle on its own (the stack is stopped afterwards).
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchTimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
