import { DataValidationError } from '@ensemble/protocol';
import type { DataRule, EquityPoint } from '@ensemble/protocol';
import type { BenchmarkSeries, EquitySeries } from '../types';

/** An equity curve as columns, whichever form it was given in. */
export interface Columns {
  readonly time: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  readonly grossExposure: ArrayLike<number> | undefined;
}

const isPointArray = (equity: EquitySeries | readonly EquityPoint[]): equity is readonly EquityPoint[] =>
  Array.isArray(equity);

/** The curve as columns (points are copied into new arrays; columns are used as they are). */
export function toColumns(equity: EquitySeries | readonly EquityPoint[]): Columns {
  if (!isPointArray(equity)) {
    return { time: equity.time, equity: equity.equity, grossExposure: equity.grossExposure };
  }
  const time = new Float64Array(equity.length);
  const values = new Float64Array(equity.length);
  equity.forEach((point, i) => {
    time[i] = point.time;
    values[i] = point.equity;
  });
  return { time, equity: values, grossExposure: undefined };
}

function dataError(source: string, field: string, index: number, rule: DataRule, message: string, value?: number) {
  return new DataValidationError([
    {
      file: source,
      row: index + 1,
      field,
      rule,
      message,
      ...(value === undefined ? {} : { value: String(value).slice(0, 40) }),
    },
  ], { subject: source });
}

/** Throws a `DataValidationError` naming the index unless every time is finite and after the one before. */
export function checkTime(source: string, time: ArrayLike<number>): void {
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < time.length; i++) {
    const t = time[i] ?? Number.NaN;
    if (!Number.isFinite(t)) {
      throw dataError(source, 'time', i, 'non-finite', `time at index ${i} is not a finite epoch-millisecond timestamp.`, t);
    }
    if (t <= previous) {
      throw dataError(
        source,
        'time',
        i,
        t === previous ? 'duplicate-date' : 'unsorted-dates',
        `time at index ${i} (${t}) is not after the previous one (${previous}): timestamps must be strictly increasing.`,
        t,
      );
    }
    previous = t;
  }
  secondsIssue(source, time);
}

/** The latest time before which a curve of whole-minute spacing reads as epoch seconds: 1e11 ms is 1973-03-03. */
const SECONDS_BEFORE = 1e11;

/**
 * Throws when `time` (checked, increasing) looks like epoch seconds: every time before 1973-03-03
 * read as milliseconds, every step a whole number of minutes in seconds up to a week (60, 3,600,
 * 86,400), and some step not a whole number of seconds in milliseconds — daily bars in seconds
 * read as bars 86.4 s apart in January 1970 (periods per year 68,250, a CAGR of 1e305), where
 * millisecond data steps by whole seconds (minute bars: 60,000).
 */
function secondsIssue(source: string, time: ArrayLike<number>): void {
  const n = time.length;
  if (n < 2 || !((time[n - 1] ?? 0) < SECONDS_BEFORE)) return;
  let wholeSeconds = true;
  for (let i = 1; i < n; i++) {
    const step = (time[i] ?? 0) - (time[i - 1] ?? 0);
    if (step % 60 !== 0 || step > 604_800) return;
    if (step % 1000 !== 0) wholeSeconds = false;
  }
  if (wholeSeconds) return;
  const step = (time[1] ?? 0) - (time[0] ?? 0);
  throw dataError(
    source,
    'time',
    0,
    'bad-date',
    `times look like epoch seconds, not milliseconds: every one falls before 1973-03-03 read as milliseconds, and they are whole minutes of seconds apart (${String(step)} between the first two); give epoch milliseconds (the seconds × 1000)`,
    time[0],
  );
}

/** Throws a `DataValidationError` naming the index unless `values` has `length` finite numbers. */
export function checkColumn(source: string, field: string, values: ArrayLike<number>, length: number): void {
  if (values.length !== length) {
    throw dataError(
      source,
      field,
      Math.min(values.length, length),
      'missing-value',
      `${field} has ${values.length} values but time has ${length}: give one value per timestamp.`,
    );
  }
  for (let i = 0; i < length; i++) {
    const v = values[i] ?? Number.NaN;
    if (!Number.isFinite(v)) throw dataError(source, field, i, 'non-finite', `${field} at index ${i} is not a finite number.`, v);
  }
}

/** The benchmark's value column and its field name. */
export const benchmarkColumn = (benchmark: BenchmarkSeries): { field: string; values: ArrayLike<number> } =>
  'values' in benchmark
    ? { field: 'values', values: benchmark.values }
    : 'close' in benchmark
      ? { field: 'close', values: benchmark.close }
      : { field: 'equity', values: benchmark.equity };
