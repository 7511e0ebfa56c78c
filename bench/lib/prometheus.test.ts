import { describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { histogramBuckets, subtractBuckets } from './prometheus';
import { histogramQuantile } from './stats';

describe('histogramBuckets', () => {
  it('reads a prom-client histogram summed over its labels, and subtracts snapshots', async () => {
    const registry = new Registry();
    const histogram = new Histogram({
      name: 'ttft_seconds',
      help: 'x',
      labelNames: ['tier'],
      buckets: [0.01, 0.1, 1],
      registers: [registry],
    });
    histogram.observe({ tier: 'free' }, 0.005);
    histogram.observe({ tier: 'paid' }, 0.05);
    const before = histogramBuckets(await registry.metrics(), 'ttft_seconds');
    expect(before).toEqual([
      { le: 0.01, count: 1 },
      { le: 0.1, count: 2 },
      { le: 1, count: 2 },
      { le: Number.POSITIVE_INFINITY, count: 2 },
    ]);
    histogram.observe({ tier: 'free' }, 0.5);
    histogram.observe({ tier: 'free' }, 0.6);
    const added = subtractBuckets(histogramBuckets(await registry.metrics(), 'ttft_seconds'), before);
    expect(added.map((bucket) => bucket.count)).toEqual([0, 0, 2, 2]);
    expect(histogramQuantile(0.5, added)).toBeGreaterThan(0.1);
  });
  it('ignores other metrics', () => {
    expect(histogramBuckets('other_bucket{le="1"} 5\n', 'ttft_seconds')).toEqual([]);
  });
});
