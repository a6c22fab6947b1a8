import { checkFiniteRun } from '@ensemble/engine';
import type { SteppedColumn } from '@ensemble/engine/internal';
import { quoteValue } from '@ensemble/protocol';

/** The recorded columns of one sleeve, as the orchestrator keeps them. */
interface SleeveColumns {
  readonly entry: { readonly id: string };
  readonly equity: Float64Array;
  readonly cash: SteppedColumn;
  readonly gross: Float64Array;
}

/**
 * Checks, once after a run, that every sleeve's and the portfolio's equity, cash and gross exposure
 * are finite; throws a protocol `RunError` naming the sleeve (or the portfolio), the column and the
 * first bar otherwise (see the engine's `checkFiniteRun`). Sleeves come first: an overflow starts
 * in one of them.
 */
export function checkFiniteOrchestration(
  time: Float64Array,
  sleeves: readonly SleeveColumns[],
  portfolio: { readonly equity: Float64Array; readonly cash: Float64Array; readonly gross: Float64Array },
): void {
  for (const sleeve of sleeves) {
    checkFiniteRun({ label: `sleeve ${quoteValue(sleeve.entry.id)}`, strategyId: sleeve.entry.id }, time, {
      cash: sleeve.cash.toArray(),
      'gross exposure': sleeve.gross,
      equity: sleeve.equity,
    });
  }
  checkFiniteRun({ label: 'the portfolio' }, time, { cash: portfolio.cash, 'gross exposure': portfolio.gross, equity: portfolio.equity });
}
