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
