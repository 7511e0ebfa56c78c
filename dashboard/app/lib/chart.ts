/** A round axis maximum at or above `value` (1, 2, 5 × 10ⁿ), so gridlines land on readable numbers. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Bar geometry for `values` in a `width` × `height` plot area with `gap` between bars. */
export function layoutBars(values: number[], { width, height, gap, max }: { width: number; height: number; gap: number; max: number }): Bar[] {
  if (values.length === 0) return [];
  const slot = width / values.length;
  const barWidth = Math.max(1, slot - gap);
  return values.map((value, index) => {
    const barHeight = max > 0 ? (Math.max(0, value) / max) * height : 0;
    // A day with any traffic stays visible as a sliver.
    const visibleHeight = value > 0 ? Math.max(barHeight, 2) : 0;
    return { x: index * slot + (slot - barWidth) / 2, y: height - visibleHeight, width: barWidth, height: visibleHeight };
  });
}
