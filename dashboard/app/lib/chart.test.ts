import { describe, expect, it } from 'vitest';
import { layoutBars, niceCeiling } from './chart';

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(0.03)).toBeCloseTo(0.05);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(130)).toBe(200);
    expect(niceCeiling(500)).toBe(500);
  });

  it('keeps the half-way gridline a whole number for counts', () => {
    for (const value of [0, 1, 2, 3, 5, 9, 11, 37, 41, 999]) {
      const max = niceCeiling(value, { integer: true });
      expect(max).toBeGreaterThanOrEqual(value);
      expect(Number.isInteger(max / 2)).toBe(true);
    }
    expect(niceCeiling(1, { integer: true })).toBe(2);
    expect(niceCeiling(3, { integer: true })).toBe(4);
    expect(niceCeiling(37, { integer: true })).toBe(40);
  });
});

describe('layoutBars', () => {
  it('places one bar per value inside the plot, scaled to the maximum', () => {
    const bars = layoutBars([0, 5, 10], { width: 300, height: 100, gap: 10, max: 10 });
    expect(bars).toHaveLength(3);
    expect(bars[0].height).toBe(0);
    expect(bars[1]).toMatchObject({ height: 50, y: 50, width: 90 });
    expect(bars[2]).toMatchObject({ height: 100, y: 0 });
    expect(bars[2].x + bars[2].width).toBeLessThanOrEqual(300);
  });

  it('keeps a tiny but non-zero day visible', () => {
    const [bar] = layoutBars([1], { width: 10, height: 100, gap: 0, max: 10_000 });
    expect(bar.height).toBe(2);
  });
});
