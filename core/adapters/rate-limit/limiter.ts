import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until a request would be allowed again (when refused). */
  retryAfterSeconds: number;
  remaining: number;
}

/** A fixed-window limiter per key. Redis-backed when Redis is configured, so all API processes share counts. */
export interface RateLimiter {
  consume(key: string, points?: number): Promise<RateLimitDecision>;
  /** Whether `key` has used up its points, without spending one (for limits that count failures only). */
  check(key: string): Promise<RateLimitDecision>;
  /** Gives `points` back to `key` (e.g. after a successful login, which should not count as a failure). */
  reward(key: string, points?: number): Promise<void>;
}

export function createRateLimiter({
  redis,
  keyPrefix,
  points,
  durationSeconds,
}: {
  redis?: Redis;
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}): RateLimiter {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  const limiter: RateLimiterAbstract = redis
    ? // When Redis is down, limit per process in memory rather than refusing every chat.
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration: durationSeconds,
        insuranceLimiter: memory,
      })
    : memory;

  return {
    async check(key) {
      const state = await limiter.get(key);
      if (state && state.consumedPoints >= points) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)), remaining: 0 };
      }
      return { allowed: true, retryAfterSeconds: 0, remaining: points - (state?.consumedPoints ?? 0) };
    },
    async reward(key, points = 1) {
      await limiter.reward(key, points);
    },
    async consume(key, cost = 1) {
      try {
        const result = await limiter.consume(key, cost);
        return { allowed: true, retryAfterSeconds: 0, remaining: result.remainingPoints };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return {
            allowed: false,
            retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
            remaining: 0,
          };
        }
        throw rejection;
      }
    },
  };
}
