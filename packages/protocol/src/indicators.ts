import type { BarColumn, BarSeries } from './bars';
import { BAR_COLUMNS } from './bars';
import { StrategyError } from './errors';
import { formatValue, isThenable } from './format-value';
import type { IndicatorColumns, Strategy } from './strategy';

/**
 * `series` with each column copied the first time it is read (a fresh `Float64Array`, its own
 * buffer): what `indicators()` is given, so that its writes reach nobody and its views reach no
 * further than the copy. Columns it never reads are never copied.
 */
function columnCopies(series: BarSeries): BarSeries {
  const copies = new Map<BarColumn, Float64Array>();
  const properties: PropertyDescriptorMap = {};
  for (const name of BAR_COLUMNS) {
    properties[name] = {
      enumerable: true,
      get: () => {
        let copy = copies.get(name);
        if (copy === undefined) {
          copy = series[name].slice(0, series.length);
          copies.set(name, copy);
        }
        return copy;
      },
    };
  }
  return Object.freeze(Object.defineProperties({ symbol: series.symbol, length: series.length }, properties)) as BarSeries;
}

/**
 * `value` as the indicators of a series of `length` bars — its columns read once, into a plain
 * object (a getter is not asked again, nor a Proxy) — or what is wrong with it.
 */
function indicatorColumns(value: unknown, length: number): { readonly columns: IndicatorColumns } | { readonly problem: string } {
  if (isThenable(value)) return { problem: 'returned a Promise: strategy methods run synchronously, so it must return its columns themselves (no async, no await)' };
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    return { problem: `returned ${formatValue(value)}` };
  }
  const columns: Record<string, Float64Array> = {};
  for (const [name, column] of Object.entries(value)) {
    if (!(column instanceof Float64Array)) return { problem: `returned ${formatValue(column)} as "${name}"` };
    if (column.length !== length) return { problem: `returned "${name}" with ${column.length} values for ${length} bars` };
    columns[name] = column;
  }
  return { columns };
}

/**
 * A signal strategy's indicator columns on `series`, computed the way every engine must: its
 * `indicators()` (if any) receives a copy of the columns it reads, so writing to them cannot
 * change the series the engine and other strategies see. A throw, or a return that is not an
 * object of `Float64Array` columns of the series' length, becomes a {@link StrategyError} naming
 * the strategy and the symbol (the throw as its `cause`).
 */
export function computeIndicators(strategy: Strategy, series: BarSeries): IndicatorColumns {
  if (strategy.indicators === undefined) return {};
  let value: unknown;
  try {
    value = strategy.indicators(columnCopies(series));
  } catch (error) {
    throw new StrategyError(strategy.id, { symbol: series.symbol, cause: error, message: `indicators() threw: ${error instanceof Error ? error.message : formatValue(error)}` });
  }
  let read: ReturnType<typeof indicatorColumns>;
  try {
    read = indicatorColumns(value, series.length);
  } catch (error) {
    // A getter of the returned object (or a Proxy's trap) threw while its columns were read.
    throw new StrategyError(strategy.id, { symbol: series.symbol, cause: error, message: `indicators() returned an object whose columns threw when read: ${error instanceof Error ? error.message : formatValue(error)}` });
  }
  if ('problem' in read) {
    throw new StrategyError(strategy.id, {
      symbol: series.symbol,
      message: `indicators() ${read.problem}; it must return an object of Float64Array columns with one value per bar (${series.length}), e.g. { sma: new Float64Array(series.length) }, or {} for none`,
    });
  }
  return read.columns;
}
