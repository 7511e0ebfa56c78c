export interface HistogramBucket {
  le: number;
  count: number;
}

/**
 * The cumulative buckets of one histogram in Prometheus text format, summed over all its other
 * labels (e.g. every tier), so two snapshots can be subtracted.
 */
export function histogramBuckets(metricsText: string, name: string): HistogramBucket[] {
  const counts = new Map<number, number>();
  const prefix = `${name}_bucket{`;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.indexOf('}');
    const labels = line.slice(prefix.length, close);
    const le = /(?:^|,)le="([^"]+)"/.exec(labels)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    counts.set(bound, (counts.get(bound) ?? 0) + Number(line.slice(close + 1).trim()));
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
}

/** after − before, bucket by bucket: what one run added. */
export function subtractBuckets(after: HistogramBucket[], before: HistogramBucket[]): HistogramBucket[] {
  const earlier = new Map(before.map((bucket) => [bucket.le, bucket.count]));
  return after.map((bucket) => ({ le: bucket.le, count: bucket.count - (earlier.get(bucket.le) ?? 0) }));
}
