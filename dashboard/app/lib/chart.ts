/**
 * A round axis maximum at or above `value` (1, 2, 5 × 10ⁿ), so the gridlines at 0, half and full
 * land on readable numbers. For counts (`integer`) the half-way line must be a whole number too,
 * so the steps are 2, 4, 10 × 10ⁿ and the smallest axis is 0–2.
 */
export function niceCeiling(value: number, { integer = false }: { integer?: boolean } = {}): number {
  const steps = integer ? [2, 4, 10] : [1, 2, 5, 10];
  if (value <= 0) return integer ? 2 : 1;
  const magnitude = integer ? 10 ** Math.max(0, Math.floor(Math.log10(value))) : 10 ** Math.floor(Math.log10(value));
  for (const step of steps) {
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
export function layoutBars(
  values: number[],
  { width, height, gap, max }: { width: number; height: number; gap: number; max: number },
): Bar[] {
  if (values.length === 0) return [];
  const slot = width / values.length;
  const barWidth = Math.max(1, slot - gap);
  return values.map((value, index) => {
    const barHeight = max > 0 ? (Math.max(0, value) / max) * height : 0;
    // A day with any traffic stays visible as a sliver.
    const visibleHeight = value > 0 ? Math.max(barHeight, 2) : 0;
    return {
      x: index * slot + (slot - barWidth) / 2,
      y: height - visibleHeight,
      width: barWidth,
      height: visibleHeight,
    };
  });
}
