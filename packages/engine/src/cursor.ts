import type { BarSeries, IndicatorColumns } from '@ensemble/protocol';
import { SeriesCursor } from '@ensemble/protocol';

/**
 * The engine's {@link SeriesCursor}: identical behaviour, but `indicator(name)` finds its column
 * by a short linear scan of the declared names (a pointer comparison for the string literals
 * strategies use) instead of a keyed property lookup, the hottest call of a typical strategy.
 * Anything unusual (a negative `ago`, an unknown name) is handed to the protocol's cursor, which
 * throws its usual errors.
 */
export class EngineCursor extends SeriesCursor {
  private readonly names: readonly string[];
  private readonly columns: readonly Float64Array[];

  constructor(series: BarSeries, indicators: IndicatorColumns, strategyId: string) {
    super(series, indicators, strategyId);
    this.names = Object.keys(indicators);
    this.columns = this.names.map((name) => indicators[name] ?? new Float64Array(0));
  }

  override indicator(name: string, ago = 0): number {
    if (ago >= 0) {
      const names = this.names;
      for (let j = 0; j < names.length; j++) {
        const column = this.columns[j];
        if (names[j] === name && column !== undefined) {
          const i = this.index - ago;
          return i >= 0 ? (column[i] ?? Number.NaN) : Number.NaN;
        }
      }
    }
    return super.indicator(name, ago);
  }
}
