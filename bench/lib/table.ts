export type Cell = string | number | null | undefined;

/** Numbers are shown with a precision that suits their size; NaN and missing values as "–". */
export function formatCell(value: Cell, digits?: number): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '–';
  if (digits !== undefined) return value.toFixed(digits);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A plain-text table: text columns left-aligned, numeric columns right-aligned. */
export function formatTable(headers: string[], rows: Cell[][]): string {
  const text = rows.map((row) => headers.map((_, column) => formatCell(row[column])));
  const numeric = headers.map((_, column) =>
    rows.every((row) => typeof row[column] !== 'string' || row[column] === ''),
  );
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...text.map(line)].join('\n');
}

export function printSection(title: string, lines: string[]): void {
  console.log(`\n=== ${title} ===`);
  for (const line of lines) console.log(line);
}
