import { formatTime } from '@ensemble/data';
import type { MetricUnit } from '@ensemble/performance';
import { EXPONENT_FROM, MISSING, formatNumber, formatPrice as formatPriceOf, formatQuantity } from '@ensemble/protocol';

/** How a table column aligns its cells. */
export type Align = 'left' | 'right';

/** A table column: header text and alignment. */
export interface Column {
  readonly header: string;
  readonly align?: Align;
}

// eslint-disable-next-line no-control-regex -- matching ANSI colour escapes is the point
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

/** Length of `text` as shown on a terminal: ANSI colour escapes take no room. */
export function visibleLength(text: string): number {
  return text.replace(ANSI_ESCAPE, '').length;
}

/** Pads `text` to `width` visible characters (ANSI escapes ignored), on the right or the left. */
export function pad(text: string, width: number, align: Align = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * Renders rows as a plain-text table with two spaces between columns and no trailing blanks.
 * Widths count visible characters, so cells may be coloured.
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, k) => rows.reduce((widest, row) => Math.max(widest, visibleLength(row[k] ?? '')), visibleLength(column.header)));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, k) => pad(cells[k] ?? '', widths[k] ?? 0, column.align))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map(line)].join('\n');
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count with thousands separators: `5,105`. */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** A count with its noun, singular for exactly one: `1 bar`, `5,105 bars`, `2 strategies` (`many` given). */
export function formatCounted(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/**
 * A price as protocol's `formatPrice` writes it — two decimals with thousands separators from 1
 * up, four significant digits below (`0.1234`, `0.000000000001000`) — or `–` when there is none.
 */
export function formatPrice(value: number | null): string {
  return value === null ? '–' : formatPriceOf(value);
}

export { EXPONENT_FROM, MISSING, formatNumber, formatQuantity };

/**
 * A sum of weights above 1 with two decimals, or with as many more (up to 9) as it takes to show
 * it above 1: `3.00`, `1.0004` (not `1.00`, which would not read as more than the equity).
 */
export function formatWeightSum(sum: number): string {
  let decimals = 2;
  while (decimals < 9 && Number(sum.toFixed(decimals)) <= 1) decimals++;
  return formatNumber(sum, decimals);
}

/** Money: thousands separators and 2 decimals (`1234567.891` → `1,234,567.89`); null → `—`. */
export function formatMoney(value: number | null): string {
  return value === null ? MISSING : formatNumber(value, 2);
}

/** A fraction as a percentage with 2 decimals (`0.12345` → `12.35%`); null → `—`. */
export function formatPercent(value: number | null, decimals = 2): string {
  return value === null ? MISSING : `${formatNumber(value * 100, decimals)}%`;
}

/** A plain ratio with 2 decimals (`1.2345` → `1.23`); null → `—`. */
export function formatRatio(value: number | null): string {
  return value === null ? MISSING : formatNumber(value, 2);
}

/**
 * A metric value by its unit (`METRIC_DESCRIPTIONS` of `@ensemble/performance`): `percent`
 * (a fraction) → `12.34%`, `ratio` → `1.23`, `currency` → `1,234.56`, `bars`/`days`/`count` →
 * whole numbers with separators (one decimal when not whole, e.g. a mean); null → `—`.
 */
export function formatMetricValue(value: number | null, unit: MetricUnit): string {
  if (value === null) return MISSING;
  switch (unit) {
    case 'percent':
      return formatPercent(value);
    case 'ratio':
      return formatRatio(value);
    case 'currency':
      return formatMoney(value);
    case 'bars':
    case 'days':
    case 'count':
      return formatNumber(value, Number.isInteger(value) ? 0 : 1);
  }
}

/**
 * A warning line when `curve`'s equity reached zero or below (a short squeezed past the account,
 * or leverage): an account found below zero as a close is marked is margin-called at that close
 * (its positions closed, reason `margin-call`, and its strategy not asked until it is worth more
 * than zero again), one its own close fills took below zero at the next close; so the run's
 * figures from that bar on are those of a debt. Null when equity stayed above zero.
 */
export function belowZeroWarning(curve: { readonly time: Float64Array; readonly equity: Float64Array }, format: (time: number) => string): string | null {
  const { equity, time } = curve;
  for (let t = 0; t < equity.length; t++) {
    const value = equity[t] ?? Number.NaN;
    if (!(value <= 0)) continue;
    return `warning: equity fell to ${formatMoney(value)} on ${format(time[t] ?? Number.NaN)}: the account lost all it had (shorts or leverage can lose more). An account found below zero when a close is marked is margin-called at that close: any position it still holds is closed (reason margin-call), and its strategy is not asked until it is worth more than zero again. One that its own fills at a close took below zero (their costs, with close fills) is margin-called at the next close. The figures from that bar on are those of a debt`;
  }
  return null;
}

/**
 * Where the orders line of a summary says each order is told, when any was shrunk, rejected,
 * capped or dropped: ` (--log-level warn logs each shrunk or rejected order, info each dropped
 * one)`; empty when none was.
 */
export function ordersLoggedHint(orders: { readonly shrunk: number; readonly rejected: number; readonly dropped: number; readonly capped?: number | undefined }): string {
  if (orders.shrunk + orders.rejected + orders.dropped + (orders.capped ?? 0) === 0) return '';
  const warned = orders.shrunk + orders.rejected + (orders.capped ?? 0) > 0 ? `--log-level warn logs each ${orders.capped === undefined ? '' : 'capped, '}shrunk or rejected order` : '';
  const dropped = orders.dropped > 0 ? `${warned === '' ? '--log-level info logs' : 'info'} each dropped one` : '';
  return ` (${[warned, dropped].filter((part) => part !== '').join(', ')})`;
}

/** A time as `YYYY-MM-DD HH:MM` (UTC), with `:SS` when it has seconds. */
export function clockTime(time: number): string {
  const iso = formatTime(time);
  if (iso.length <= 10) return `${iso} 00:00`;
  return iso.slice(11, 19).endsWith(':00') ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
