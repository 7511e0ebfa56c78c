import { describe, expect, it } from 'vitest';
import { formatCell, formatTable } from './table';

describe('formatCell', () => {
  it('shows numbers with a precision that suits their size', () => {
    expect(formatCell(1234567)).toBe('1,234,567');
    expect(formatCell(123.456)).toBe('123');
    expect(formatCell(12.345)).toBe('12.3');
    expect(formatCell(1.2345)).toBe('1.23');
    expect(formatCell(1.2345, 3)).toBe('1.234');
  });
  it('shows missing and non-finite values as a dash', () => {
    expect(formatCell(null)).toBe('–');
    expect(formatCell(undefined)).toBe('–');
    expect(formatCell(Number.NaN)).toBe('–');
    expect(formatCell(Number.POSITIVE_INFINITY)).toBe('–');
  });
});

describe('formatTable', () => {
  it('left-aligns text columns, right-aligns numeric ones, and rules the header', () => {
    const table = formatTable(
      ['name', 'n'],
      [
        ['alpha', 5],
        ['b', 1234],
      ],
    );
    expect(table.split('\n')).toEqual(['name       n', '-----  -----', 'alpha      5', 'b      1,234']);
  });
});
