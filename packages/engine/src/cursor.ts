import type { BarSeries, IndicatorColumns } from '@ensemble/protocol';
import { SeriesCursor } from '@ensemble/protocol';

const EMPTY = new Float64Array(0);

/**
 * The engine's {@link SeriesCursor}: identical behaviour, but `indicator(name)`, the hottest call
 * of a typical strategy, avoids a keyed property lookup: the column last asked for is remembered
 * (a strategy mostly reads the same one bar after bar; a string literal compares by pointer), and
 * any other is found by a short linear scan of the declared names. Anything unusual (a negative
 * `ago`, an unknown name) is handed to the protocol's cursor, which throws its usual errors.
 */
export class EngineCursor extends SeriesCursor {
  private readonly names: readonly string[];
  private readonly columns: readonly Float64Array[];
  // The column last found, by name (null until one is: no name matches it, not even '').
  private lastName: string | null = null;
  private lastColumn: Float64Array = EMPTY;

  constructor(series: BarSeries, indicators: IndicatorColumns, strategyId: string) {
    super(series, indicators, strategyId);
    this.names = Object.keys(indicators);
    this.columns = this.names.map((name) => indicators[name] ?? new Float64Array(0));
  }

  override indicator(name: string, ago = 0): number {
    if (ago >= 0) {
      let column = this.lastColumn;
      if (name !== this.lastName) {
        const names = this.names;
        let j = 0;
        while (j < names.length && names[j] !== name) j++;
        const found = this.columns[j];
        if (found === undefined) return super.indicator(name, ago);
        this.lastName = name;
        this.lastColumn = column = found;
      }
      const i = this.index - ago;
      return i >= 0 ? (column[i] ?? Number.NaN) : Number.NaN;
    }
    return super.indicator(name, ago);
  }
}
