import { describe, expect, it } from 'vitest';
import { histogramQuantile, mean, percentile, rate, summarize } from './stats';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(percentile(samples, 50)).toBe(3);
    expect(percentile(samples, 99)).toBe(5);
    expect(percentile(samples, 0)).toBe(1);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, index) => index + 1),
        99,
      ),
    ).toBe(99);
  });
  it('is NaN without samples and refuses a bad p', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize, mean and rate', () => {
  it('summarizes samples', () => {
    expect(summarize([10, 20, 30, 40])).toEqual({ n: 4, p50: 20, p99: 40, mean: 25, max: 40 });
    expect(summarize([]).p50).toBeNaN();
    expect(mean([1, 2])).toBe(1.5);
  });
  it('gives no rate for zero time', () => {
    expect(rate(10, 2)).toBe(5);
    expect(rate(0, 0)).toBeNaN();
  });
});

describe('histogramQuantile', () => {
  const buckets = [
    { le: 0.01, count: 0 },
    { le: 0.1, count: 50 },
    { le: 1, count: 100 },
    { le: Number.POSITIVE_INFINITY, count: 100 },
  ];
  it('interpolates inside the bucket like PromQL', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.055);
    expect(histogramQuantile(0.75, buckets)).toBeCloseTo(0.55);
  });
  it('answers the last finite bound for the +Inf bucket and NaN for no observations', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 10 },
      ]),
    ).toBe(1);
    expect(histogramQuantile(0.5, [{ le: 1, count: 0 }])).toBeNaN();
  });
});
