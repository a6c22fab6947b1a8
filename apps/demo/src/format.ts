/** How a table column aligns its cells. */
export type Align = 'left' | 'right';

/** A table column: header text and alignment. */
export interface Column {
  readonly header: string;
  readonly align?: Align;
}

/** Renders rows as a plain-text table with two spaces between columns and no trailing blanks. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, k) => Math.max(column.header.length, ...rows.map((row) => (row[k] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, k) => {
        const cell = cells[k] ?? '';
        const width = widths[k] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map(line)].join('\n');
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const price = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A count with thousands separators: `5,105`. */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** A price with two decimals and thousands separators, or `–` when there is none. */
export function formatPrice(value: number | null): string {
  return value === null ? '–' : price.format(value);
}
