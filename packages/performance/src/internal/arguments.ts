import { describeGiven, loggerIssue, objectIssue } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';

/** True for a column of numbers as the functions read it: an array or a typed array (anything with a numeric `length` but a string). */
function isColumn(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { length?: unknown }).length === 'number';
}

/**
 * The problem with a column argument (null when there is none): an array or a typed array of
 * numbers. Only its kind is checked, in constant time; its values are the function's to read.
 */
export function columnIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  if (isColumn(value)) return null;
  return { path, message: `must be ${what} (an array or typed array of numbers); got ${describeGiven(value)}` };
}

/** The problem with a number argument (null when there is none). */
export function numberIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  if (typeof value === 'number') return null;
  return { path, message: `must be ${what} (a number); got ${describeGiven(value)}` };
}

/** The problem with an optional number argument (null when there is none): absent or a number. */
export function optionalNumberIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  return value === undefined ? null : numberIssue(value, path, what);
}

const CURVE = 'an equity curve: an EquityCurve (time and equity columns) or an array of { time, equity } points';

/**
 * The problem with a performance input (null when there is none): an object whose `equity` is an
 * array of points or an object with `time` and `equity` columns — what the calculator reads first.
 */
export function performanceInputIssue(input: unknown, path = 'input'): ConfigIssue | null {
  const issue = objectIssue(input, path, 'an object with equity (an equity curve) and optionally trades, fills and startEquity');
  if (issue !== null) return issue;
  const { equity, trades, fills } = input as { equity?: unknown; trades?: unknown; fills?: unknown };
  const records = recordsIssue(trades, `${path}.trades`, 'closed trades', ['pnl', 'barsHeld']) ?? recordsIssue(fills, `${path}.fills`, 'fills', ['quantity', 'price', 'commission', 'slippage']);
  if (records !== null) return records;
  if (Array.isArray(equity)) return recordsIssue(equity, `${path}.equity`, `the points of ${CURVE}`, ['time', 'equity'], false);
  if (typeof equity !== 'object' || equity === null) return { path: `${path}.equity`, message: `must be ${CURVE}; got ${describeGiven(equity)}` };
  const columns = equity as { time?: unknown; equity?: unknown };
  return columnIssue(columns.time, `${path}.equity.time`, `the curve's times in epoch ms (${CURVE})`) ?? columnIssue(columns.equity, `${path}.equity.equity`, `the curve's equity values (${CURVE})`);
}

/**
 * The problem with a list of records the metrics read (null when there is none, or when it is
 * absent): an array whose every element is an object with the `fields` as finite numbers (with
 * `finite` false, numbers: an equity point's value may be NaN past a wipe-out, its checks are the
 * curve's). A trade without a P&L counted as a trade and a loss; a P&L written "5" was read as 5.
 */
function recordsIssue(value: unknown, path: string, what: string, fields: readonly string[], finite = true): ConfigIssue | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) return { path, message: `must be an array of ${what}, or left out; got ${describeGiven(value)}` };
  const list = value as readonly unknown[];
  for (let i = 0; i < list.length; i++) {
    const record = list[i];
    if (typeof record !== 'object' || record === null) return { path: `${path}.${String(i)}`, message: `must be an object with ${fields.join(', ')}; got ${describeGiven(record)}` };
    for (const field of fields) {
      const number = (record as Record<string, unknown>)[field];
      if (typeof number !== 'number' || (finite && !Number.isFinite(number))) {
        return { path: `${path}.${String(i)}.${field}`, message: `must be a ${finite ? 'finite ' : ''}number; got ${describeGiven(number)}` };
      }
    }
  }
  return null;
}

/**
 * The problems with performance options besides their values (null ones when there are none): a
 * benchmark that is an object with a `time` column and a values column, and a logger.
 */
export function performanceOptionsIssues(options: object): (ConfigIssue | null)[] {
  const { benchmark, logger } = options as { benchmark?: unknown; logger?: unknown };
  return [benchmark === undefined ? null : benchmarkIssue(benchmark), loggerIssue(logger)];
}

function benchmarkIssue(benchmark: unknown): ConfigIssue | null {
  const what = 'a series with time and values, close or equity columns';
  const issue = objectIssue(benchmark, 'benchmark', what);
  if (issue !== null) return issue;
  const series = benchmark as { time?: unknown; values?: unknown; close?: unknown; equity?: unknown };
  const values = 'values' in series ? series.values : 'close' in series ? series.close : series.equity;
  const field = 'values' in series ? 'values' : 'close' in series ? 'close' : 'equity';
  return columnIssue(series.time, 'benchmark.time', `the benchmark's times in epoch ms (${what})`) ?? columnIssue(values, `benchmark.${field}`, `the benchmark's values (${what})`);
}
